"""KeyPair: a user's SSH public key or X.509 certificate, by name.

Lives in the API database; servers embed a copy at boot. Also the key
material helpers: generating a pair and fingerprinting a public key the
way Nova does (MD5 of the SSH key blob, SHA-1 of an X.509 certificate,
both as colon-separated hex).
"""
import base64
import binascii
import datetime
import hashlib

from cryptography import exceptions as crypto_exceptions
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID
from cryptography.x509.oid import NameOID
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from stratus.db import api_models
from stratus import exception
from stratus.objects import base
from stratus.objects import fields

TYPE_SSH = "ssh"
TYPE_X509 = "x509"


@base.register
class KeyPair(base.StratusObject, base.StratusPersistentObject):
    VERSION = "1.0"
    fields = dict(base.StratusPersistentObject.fields, **{
        "id": fields.IntegerField(),
        "name": fields.StringField(nullable=True),
        "user_id": fields.StringField(nullable=True),
        "fingerprint": fields.StringField(nullable=True),
        "public_key": fields.StringField(nullable=True),
        "type": fields.StringField(default=TYPE_SSH),
    })

    @classmethod
    def _from_db(cls, context, row):
        keypair = cls._from_row(cls(), row, context)
        keypair.deleted = False
        keypair.deleted_at = None
        keypair.obj_reset_changes()
        return keypair

    @classmethod
    def get_by_name(cls, context, user_id, name):
        with context.api_db.reader() as session:
            row = session.scalar(sa.select(api_models.KeyPair).where(
                api_models.KeyPair.user_id == user_id,
                api_models.KeyPair.name == name))
        if row is None:
            raise exception.KeypairNotFound(user_id=user_id, name=name)
        return cls._from_db(context, row)

    @classmethod
    def destroy_by_name(cls, context, user_id, name):
        with context.api_db.writer() as session:
            deleted = session.execute(sa.delete(api_models.KeyPair).where(
                api_models.KeyPair.user_id == user_id,
                api_models.KeyPair.name == name)).rowcount
        if not deleted:
            raise exception.KeypairNotFound(user_id=user_id, name=name)

    def create(self):
        if self.obj_attr_is_set("id"):
            raise exception.StratusException("KeyPair is already created")
        values = {name: getattr(self, name) for name in
                  ("name", "user_id", "fingerprint", "public_key")}
        values["type"] = self.get("type", TYPE_SSH)
        exists = exception.KeyPairExists(key_name=self.name)
        try:
            with self._context.api_db.writer() as session:
                if session.scalar(sa.select(api_models.KeyPair.id).where(
                        api_models.KeyPair.user_id == self.user_id,
                        api_models.KeyPair.name == self.name)):
                    raise exists
                row = api_models.KeyPair(**values)
                session.add(row)
                session.flush()
                self._from_row(self, row, self._context)
        except sa_exc.IntegrityError:
            raise exists
        self.deleted = False
        self.deleted_at = None
        self.obj_reset_changes()

    def destroy(self):
        self.destroy_by_name(self._context, self.user_id, self.name)


@base.register
class KeyPairList(base.ObjectListBase, base.StratusObject):
    VERSION = "1.0"
    fields = {"objects": fields.ListOfObjectsField("KeyPair")}

    @classmethod
    def get_by_user(cls, context, user_id, limit=None, marker=None):
        """A user's keypairs by name; one page with limit/marker (the
        name of the last keypair seen; Invalid if the user has none by
        that name)."""
        query = sa.select(api_models.KeyPair).where(
            api_models.KeyPair.user_id == user_id).order_by(
            api_models.KeyPair.name)
        with context.api_db.reader() as session:
            if marker is not None:
                if session.scalar(sa.select(api_models.KeyPair.id).where(
                        api_models.KeyPair.user_id == user_id,
                        api_models.KeyPair.name == marker)) is None:
                    raise exception.Invalid("marker [%s] not found" % marker)
                query = query.where(api_models.KeyPair.name > marker)
            if limit is not None:
                query = query.limit(limit)
            rows = list(session.scalars(query))
        return cls.from_objects(
            context, [KeyPair._from_db(context, row) for row in rows])

    @classmethod
    def get_count_by_user(cls, context, user_id):
        with context.api_db.reader() as session:
            return session.scalar(sa.select(sa.func.count()).where(
                api_models.KeyPair.user_id == user_id))


# Key material ------------------------------------------------------------

def _colon_hex(digest):
    text = binascii.hexlify(digest).decode("ascii")
    return ":".join(text[i:i + 2] for i in range(0, len(text), 2))


def ssh_fingerprint(public_key):
    """MD5 fingerprint of an OpenSSH public key; InvalidKeypair if it is
    not one."""
    try:
        serialization.load_ssh_public_key(public_key.encode("utf-8"))
        blob = base64.b64decode(public_key.split()[1])
    except (ValueError, TypeError, IndexError, binascii.Error, UnicodeError,
            crypto_exceptions.UnsupportedAlgorithm):
        raise exception.InvalidKeypair(reason="failed to generate fingerprint")
    return _colon_hex(hashlib.md5(blob, usedforsecurity=False).digest())


def x509_fingerprint(certificate):
    """SHA-1 fingerprint of a PEM X.509 certificate."""
    try:
        cert = x509.load_pem_x509_certificate(certificate.encode("utf-8"))
    except (ValueError, TypeError, UnicodeError) as error:
        raise exception.InvalidKeypair(
            reason="failed to generate X509 fingerprint. Error message: %s"
            % error)
    return _colon_hex(cert.fingerprint(hashes.SHA1()))


def fingerprint(key_type, public_key):
    if key_type == TYPE_X509:
        return x509_fingerprint(public_key)
    return ssh_fingerprint(public_key)


def _new_rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _private_pem(key):
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption()).decode("ascii")


def generate_ssh_keypair():
    """(private key PEM, OpenSSH public key, fingerprint)."""
    key = _new_rsa_key()
    public_key = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH,
        serialization.PublicFormat.OpenSSH).decode("ascii")
    public_key += " Generated-by-Stratus"
    return _private_pem(key), public_key, ssh_fingerprint(public_key)


def generate_x509_keypair(user_id):
    """(private key PEM, self-signed client certificate PEM for user_id,
    fingerprint), as used for WinRM certificate authentication."""
    key = _new_rsa_key()
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, user_id)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(subject).issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
            .sign(key, hashes.SHA256()))
    certificate = cert.public_bytes(serialization.Encoding.PEM).decode(
        "ascii")
    return _private_pem(key), certificate, x509_fingerprint(certificate)
