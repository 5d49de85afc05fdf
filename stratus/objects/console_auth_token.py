"""Console tokens in the API database: issued with an expiry
(``[consoleauth] token_ttl``), shown to admins, spent by the proxy on
first use. Only a token's SHA-256 is stored, so the table does not hold
usable secrets."""
import dataclasses
import hashlib
import secrets
import time

import sqlalchemy as sa

from stratus.db import api_models

Table = api_models.ConsoleAuthToken


@dataclasses.dataclass(frozen=True)
class ConsoleAuthorization:
    """What a valid token grants: one console of one instance."""
    instance_uuid: str
    console_type: str
    host: str
    port: int
    internal_access_path: str | None
    expires: int


def _hash(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(ctx, instance_uuid, connection, ttl):
    """A new token for a ConsoleConnection of an instance."""
    token = secrets.token_urlsafe(32)
    now = int(time.time())
    with ctx.api_db.writer() as session:
        session.execute(sa.delete(Table).where(Table.expires < now))
        session.execute(sa.insert(Table).values(
            token_hash=_hash(token), console_type=connection.console_type,
            host=connection.host, port=connection.port,
            internal_access_path=(
                connection.internal_access_path
                if connection.obj_attr_is_set("internal_access_path")
                else None),
            instance_uuid=instance_uuid, expires=now + ttl))
    return token


def _authorization(row):
    return ConsoleAuthorization(
        instance_uuid=row.instance_uuid, console_type=row.console_type,
        host=row.host, port=row.port,
        internal_access_path=row.internal_access_path, expires=row.expires)


def _valid(token):
    return (Table.token_hash == _hash(token),
            Table.expires >= int(time.time()))


def show(ctx, token):
    """The authorization of an unspent, unexpired token, or None."""
    with ctx.api_db.reader() as session:
        row = session.execute(sa.select(Table).where(*_valid(token))).first()
    return _authorization(row[0]) if row else None


def consume(ctx, token, console_type=None):
    """Spend a token: its authorization (once), else None. A token of
    another console type is refused without being spent."""
    with ctx.api_db.writer() as session:
        row = session.execute(sa.select(Table).where(*_valid(token))).first()
        if row is None or (console_type and
                           row[0].console_type != console_type):
            return None
        deleted = session.execute(sa.delete(Table).where(
            Table.id == row[0].id)).rowcount
    return _authorization(row[0]) if deleted else None


def revoke_instance(ctx, instance_uuid):
    with ctx.api_db.writer() as session:
        session.execute(sa.delete(Table).where(
            Table.instance_uuid == instance_uuid))
