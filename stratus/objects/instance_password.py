"""The password a server's guest posts to the metadata service, in the
server's system metadata (stratus/metadata/password.py names the keys):
set once until cleared. The set checks and writes in one transaction
holding the instance's row (FOR UPDATE on PostgreSQL and MariaDB; SQLite
writers queue for the database), so of two guests' posts racing, one
wins and the other is refused."""
import sqlalchemy as sa

from stratus.db import cell_models
from stratus.db.types import utcnow
from stratus import exception
from stratus.metadata import password

_I = cell_models.Instance.__table__
_SYSMETA = cell_models.InstanceSystemMetadata.__table__
_KEYS = list(password.KEYS)


def _rows(instance_uuid):
    return sa.select(_SYSMETA.c.key, _SYSMETA.c.value).where(
        _SYSMETA.c.instance_uuid == instance_uuid,
        _SYSMETA.c.key.in_(_KEYS), _SYSMETA.c.deleted == 0)


def _replace(session, instance_uuid, text):
    session.execute(sa.delete(_SYSMETA).where(
        _SYSMETA.c.instance_uuid == instance_uuid,
        _SYSMETA.c.key.in_(_KEYS)))
    now = utcnow()
    session.execute(sa.insert(_SYSMETA), [
        {"instance_uuid": instance_uuid, "key": key, "value": value,
         "deleted": 0, "created_at": now}
        for key, value in password.chunks(text).items()])


def set_once(context, instance_uuid, text):
    """Keep text as the password of the instance (in the cell context
    targets); PasswordAlreadySet (409) when one is kept, InstanceNotFound
    when the instance is gone."""
    with context.cell_db.writer() as session:
        locked = session.execute(sa.select(_I.c.id).where(
            _I.c.uuid == instance_uuid, _I.c.deleted == 0).with_for_update())
        if locked.first() is None:
            raise exception.InstanceNotFound(instance_id=instance_uuid)
        kept = dict(session.execute(_rows(instance_uuid)).all())
        if password.extract(kept):
            raise exception.PasswordAlreadySet(instance_uuid=instance_uuid)
        _replace(session, instance_uuid, text)


def clear(context, instance_uuid):
    """Forget the instance's password (empty keys, as Nova leaves them)."""
    with context.cell_db.writer() as session:
        _replace(session, instance_uuid, None)
