import datetime
import os
import stat
import threading

import pytest

from stratus.identity import passwords
from stratus.identity import tokens
from stratus.identity import exception as identity_exception


def test_the_key_file_is_private_and_kept(tmp_path):
    path = str(tmp_path / "identity" / "fernet.key")
    key = tokens.load_or_create_key(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700
    assert tokens.load_or_create_key(path) == key
    assert os.listdir(os.path.dirname(path)) == ["fernet.key"]


def test_processes_starting_together_share_one_key(tmp_path):
    path = str(tmp_path / "fernet.key")
    keys = []
    threads = [threading.Thread(
        target=lambda: keys.append(tokens.load_or_create_key(path)))
        for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(keys)) == 1


@pytest.fixture
def provider(tmp_path, sqlite_databases):
    key = tokens.load_or_create_key(str(tmp_path / "fernet.key"))
    return tokens.TokenProvider(key, 3600,
                                tokens.Revocations(sqlite_databases, 3600))


def test_a_token_round_trips(provider):
    token_id, issued = provider.issue("u1", "alice", "p1", "proj",
                                      roles=["member"])
    assert "=" not in token_id
    token = provider.validate(token_id)
    assert token == issued
    assert token.identity() == {"user_id": "u1", "user_name": "alice",
                                "project_id": "p1", "project_name": "proj",
                                "roles": ["member"]}


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-4] + ("AAAA" if not t.endswith("AAAA") else "BBBB"),
    lambda t: t[:20],
    lambda t: "",
    lambda t: "ünïcode",
    lambda t: t + "!!",
])
def test_tampered_tokens_are_invalid(provider, mangle):
    token_id, _ = provider.issue("u1", "alice")
    with pytest.raises(identity_exception.InvalidToken):
        provider.validate(mangle(token_id))


def test_expired_tokens_are_invalid(provider):
    past = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(
        seconds=1)
    token_id, _ = provider.issue("u1", "alice", expires_at=past)
    with pytest.raises(identity_exception.InvalidToken):
        provider.validate(token_id)


def test_revocation_events_match_what_they_name(provider):
    alice_p1, _ = provider.issue("u1", "alice", "p1", "one")
    alice_p2, _ = provider.issue("u1", "alice", "p2", "two")
    bob_p1, _ = provider.issue("u2", "bob", "p1", "one")
    provider.revocations.add(user_id="u1", project_id="p1")
    with pytest.raises(identity_exception.InvalidToken):
        provider.validate(alice_p1)
    provider.validate(alice_p2)
    provider.validate(bob_p1)
    # Tokens issued after the event are not affected.
    provider.validate(provider.issue("u1", "alice", "p1", "one")[0])
    provider.revocations.add(project_id="p1")
    with pytest.raises(identity_exception.InvalidToken):
        provider.validate(bob_p1)
    provider.validate(alice_p2)


def test_passwords():
    stored = passwords.hash_password("correct horse")
    assert "correct horse" not in stored
    assert stored != passwords.hash_password("correct horse")  # salted
    assert passwords.verify_password("correct horse", stored)
    assert not passwords.verify_password("wrong", stored)
    assert not passwords.verify_password("x", None)
    assert not passwords.verify_password("x", "garbage")
    assert not passwords.verify_password("x", "scrypt$a$b$c$d$e")
