"""Key material: fingerprints as Nova computes them."""
import base64
import hashlib

import pytest

from stratus import exception
from stratus.objects import keypair


def test_ssh_fingerprint_is_md5_of_the_key_blob():
    _, public_key, fingerprint = keypair.generate_ssh_keypair()
    digest = hashlib.md5(base64.b64decode(public_key.split()[1])).hexdigest()
    assert fingerprint == ":".join(digest[i:i + 2] for i in range(0, 32, 2))
    assert keypair.fingerprint("ssh", public_key) == fingerprint


def test_x509_fingerprint_is_sha1_of_the_certificate():
    private_key, certificate, fingerprint = keypair.generate_x509_keypair(
        "alice")
    assert "PRIVATE KEY" in private_key
    assert keypair.fingerprint("x509", certificate) == fingerprint
    assert len(fingerprint) == 20 * 3 - 1


@pytest.mark.parametrize("key_type, text", [
    ("ssh", "ssh-rsa"), ("ssh", "ssh-rsa !!!!"), ("ssh", "bogus AAAA"),
    ("ssh", ""), ("x509", "-----BEGIN CERTIFICATE-----\nxx\n"),
])
def test_bad_keys_are_invalid_keypairs(key_type, text):
    with pytest.raises(exception.InvalidKeypair) as raised:
        keypair.fingerprint(key_type, text)
    assert raised.value.code == 400
