"""Fernet tokens of the built-in Identity service.

A token carries all a validator needs: user and project (ids and names),
role names, methods, issue and expiry times and audit ids, encrypted and
signed with one Fernet key. Validating one is a decryption, an expiry check
and one query of the revocation list (``identity_revocations``; for a
token of an application credential, one more: that it still exists): an event
names a token's audit id, or a user and/or project together with a time,
and revokes every matching token issued up to that time. That is how
revoking a token, deleting or disabling a user or project, changing a
password and removing a role assignment take effect at once everywhere,
the compute API included.

The key lives in ``<state_path>/identity/fernet.key`` (mode 0600), created
at first use, so tokens outlive restarts. There is one key and no rotation.
"""
import dataclasses
import datetime
import json
import os
import re
import secrets
import tempfile

from cryptography import fernet
import sqlalchemy as sa

from stratus.conf import default as default_conf
from stratus.db import api as db_api
from stratus.db import api_models
from stratus.identity import exception as identity_exception


# base64url without padding; Fernet's decoder would skip anything else.
_TOKEN_CHARACTERS = re.compile(r"^[A-Za-z0-9_-]+$")


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def _from_timestamp(value):
    return datetime.datetime.fromtimestamp(value, datetime.timezone.utc)


def new_audit_id():
    return secrets.token_urlsafe(16)


@dataclasses.dataclass(frozen=True)
class Token:
    user_id: str
    user_name: str
    project_id: str | None
    project_name: str | None
    roles: tuple[str, ...]
    methods: tuple[str, ...]
    issued_at: datetime.datetime
    expires_at: datetime.datetime
    audit_ids: tuple[str, ...]
    # A domain-scoped token names its domain instead of a project.
    domain_id: str | None = None
    domain_name: str | None = None
    # (id, name, restricted) of the application credential it was
    # issued with.
    application_credential: tuple | None = None

    @property
    def is_scoped(self):
        """Scoped to a project (what the other services accept)."""
        return self.project_id is not None

    @property
    def is_domain_scoped(self):
        return self.domain_id is not None

    def identity(self):
        """What the compute and image APIs need to build a context."""
        return {"user_id": self.user_id, "user_name": self.user_name,
                "project_id": self.project_id,
                "project_name": self.project_name,
                "roles": list(self.roles)}

    def _payload(self):
        return {"u": [self.user_id, self.user_name],
                "p": [self.project_id, self.project_name],
                "r": list(self.roles), "m": list(self.methods),
                "i": self.issued_at.timestamp(),
                "e": self.expires_at.timestamp(),
                "a": list(self.audit_ids),
                **({"d": [self.domain_id, self.domain_name]}
                   if self.domain_id else {}),
                **({"c": list(self.application_credential)}
                   if self.application_credential else {})}

    @classmethod
    def _from_payload(cls, payload):
        return cls(user_id=payload["u"][0], user_name=payload["u"][1],
                   project_id=payload["p"][0], project_name=payload["p"][1],
                   roles=tuple(payload["r"]), methods=tuple(payload["m"]),
                   issued_at=_from_timestamp(payload["i"]),
                   expires_at=_from_timestamp(payload["e"]),
                   audit_ids=tuple(payload["a"]),
                   domain_id=payload.get("d", [None, None])[0],
                   domain_name=payload.get("d", [None, None])[1],
                   application_credential=(tuple(payload["c"])
                                           if "c" in payload else None))


def load_or_create_key(path):
    """The Fernet key in path, created (0600) if there is none yet.

    Two processes starting at once must end up with the same key: the new
    key is written to a private temporary file and hard-linked into place,
    which fails for the loser of the race, who then reads the winner's.
    """
    try:
        with open(path, "rb") as key_file:
            return key_file.read().strip()
    except FileNotFoundError:
        pass
    directory = os.path.dirname(path)
    os.makedirs(directory, mode=0o700, exist_ok=True)
    fd, tmp_path = tempfile.mkstemp(dir=directory, prefix=".fernet-")
    try:
        with os.fdopen(fd, "wb") as tmp_file:
            tmp_file.write(fernet.Fernet.generate_key())
            tmp_file.flush()
            os.fsync(tmp_file.fileno())
        try:
            os.link(tmp_path, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(tmp_path)
    with open(path, "rb") as key_file:
        return key_file.read().strip()


class Revocations:
    """The revocation list in the API database."""

    def __init__(self, databases, token_lifetime):
        self.databases = databases
        self.token_lifetime = datetime.timedelta(seconds=token_lifetime)

    def add(self, audit_id=None, user_id=None, project_id=None):
        now = _now()
        with self.databases.api.writer() as session:
            # Tokens issued before now - lifetime have expired anyway.
            session.execute(sa.delete(api_models.IdentityRevocation).where(
                api_models.IdentityRevocation.issued_before
                < now - self.token_lifetime))
            session.add(api_models.IdentityRevocation(
                audit_id=audit_id, user_id=user_id, project_id=project_id,
                issued_before=now))

    def is_revoked(self, token):
        """Whether a revocation event matches the token, or the
        application credential it was issued with no longer exists
        (deleting one ends its tokens; expiry caps theirs): one session."""
        event = api_models.IdentityRevocation
        query = sa.select(event.id).where(
            event.issued_before >= token.issued_at,
            sa.or_(event.audit_id.is_(None),
                   event.audit_id.in_(token.audit_ids)),
            sa.or_(event.user_id.is_(None), event.user_id == token.user_id),
            sa.or_(event.project_id.is_(None),
                   event.project_id == token.project_id)).limit(1)
        credential = api_models.IdentityApplicationCredential
        with self.databases.api.reader() as session:
            if token.application_credential and session.scalar(
                    sa.select(credential.id).where(
                        credential.id == token.application_credential[0])
            ) is None:
                return True
            return session.scalar(query) is not None


class TokenProvider:
    def __init__(self, key, lifetime, revocations):
        self._fernet = fernet.Fernet(key)
        self.lifetime = datetime.timedelta(seconds=lifetime)
        self.revocations = revocations

    @classmethod
    def from_conf(cls, conf, databases):
        key = load_or_create_key(
            default_conf.state_dir(conf, "identity", "fernet.key"))
        lifetime = conf.identity.token_expiration
        return cls(key, lifetime, Revocations(databases, lifetime))

    def default_expiry(self):
        """When a token issued now expires."""
        return _now() + self.lifetime

    def issue(self, user_id, user_name, project_id=None, project_name=None,
              roles=(), methods=("password",), expires_at=None,
              parent_audit_id=None, domain_id=None, domain_name=None,
              application_credential=None):
        """A new token (id, Token). A re-scoped token keeps its parent's
        expiry and names the parent's audit id as its chain."""
        now = _now()
        audit_ids = (new_audit_id(),)
        if parent_audit_id:
            audit_ids += (parent_audit_id,)
        token = Token(user_id=user_id, user_name=user_name,
                      project_id=project_id, project_name=project_name,
                      roles=tuple(roles), methods=tuple(methods),
                      issued_at=now,
                      expires_at=expires_at or now + self.lifetime,
                      audit_ids=audit_ids, domain_id=domain_id,
                      domain_name=domain_name,
                      application_credential=application_credential)
        payload = json.dumps(token._payload(), separators=(",", ":"))
        token_id = self._fernet.encrypt(payload.encode("utf-8"))
        # Fernet's base64 padding is noise in a header; put back on decrypt.
        return token_id.decode("ascii").rstrip("="), token

    def validate(self, token_id):
        """The Token behind token_id; identity_exception.InvalidToken if it is not a token of
        ours, has expired or was revoked."""
        if not token_id or not _TOKEN_CHARACTERS.match(token_id):
            raise identity_exception.InvalidToken()
        try:
            padded = token_id + "=" * (-len(token_id) % 4)
            payload = json.loads(self._fernet.decrypt(padded.encode("ascii")))
            token = Token._from_payload(payload)
        except (fernet.InvalidToken, ValueError, UnicodeError, KeyError,
                TypeError, IndexError):
            raise identity_exception.InvalidToken()
        if token.expires_at <= _now() or self.revocations.is_revoked(token):
            raise identity_exception.InvalidToken()
        return token

    def revoke(self, token):
        self.revocations.add(audit_id=token.audit_ids[0])


def validator_from_conf(conf, databases=None):
    """callable(token_id) -> identity dict (see Token.identity) or None.

    For the compute API in-process. Without databases it opens the API
    database from [api_database] connection, for the revocation list.
    """
    provider = TokenProvider.from_conf(
        conf, databases or db_api.Databases.from_conf(conf))

    def validate(token_id):
        try:
            return provider.validate(token_id).identity()
        except identity_exception.InvalidToken:
            return None
    return validate
