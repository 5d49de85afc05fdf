"""Idempotent creates (beyond Nova): a ``POST /servers`` that carries an
``Idempotency-Key`` header is made at most once per project and key
within a day. A retry with the same key, after a lost answer or a
timeout, gets the first create's server (202, without ``adminPass``)
instead of a duplicate; two such requests at the same moment make one
server (the key is stored in the create's own API database transaction,
unique per project). A create answered 503 stores no key
(build_request.withdraw takes it back with the create's other records).
"""
import datetime

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from stratus.db import api_models
from stratus.db.types import utcnow
from stratus import exception

MAX_LENGTH = 255
LIFETIME = datetime.timedelta(days=1)

_KEYS = api_models.CreateIdempotencyKey.__table__


class Earlier:
    """The create a key was first used for."""

    def __init__(self, instance_uuid, reservation_id):
        self.instance_uuid = instance_uuid
        self.reservation_id = reservation_id


def earlier_create(ctx, key):
    """The Earlier create of ctx's project with this key in the last
    day; None."""
    with ctx.api_db.reader() as session:
        row = session.execute(sa.select(
            _KEYS.c.instance_uuid, _KEYS.c.reservation_id).where(
            _KEYS.c.project_id == ctx.project_id,
            _KEYS.c.idempotency_key == key,
            _KEYS.c.created_at >= utcnow() - LIFETIME)).first()
    return None if row is None else Earlier(*row)


def record(session, ctx, key, instance_uuid, reservation_id):
    """Store the key in the create's transaction (IdempotencyKeyTaken
    when a twin request stored it first); the project's expired keys
    go."""
    session.execute(sa.delete(_KEYS).where(
        _KEYS.c.project_id == ctx.project_id,
        _KEYS.c.created_at < utcnow() - LIFETIME))
    try:
        session.execute(sa.insert(_KEYS).values(
            project_id=ctx.project_id, idempotency_key=key,
            instance_uuid=instance_uuid, reservation_id=reservation_id,
            created_at=utcnow()))
    except sa_exc.IntegrityError as exc:
        raise exception.IdempotencyKeyTaken(key=key) from exc
