"""InstanceFault: why a server went wrong, shown with an ERROR server.

Lives in the instance's cell database. A server shows its latest fault;
faults of a page of servers come in one query.
"""
import contextlib
import traceback

import sqlalchemy as sa

from stratus.db import cell_models
from stratus.db.types import utcnow
from stratus import exception
from stratus.objects import base
from stratus.objects import fields

_FAULT = cell_models.InstanceFault
_MESSAGE_LENGTH = 255


@base.register
class InstanceFault(base.StratusObject, base.StratusPersistentObject):
    VERSION = "1.0"
    fields = dict(base.StratusPersistentObject.fields, **{
        "id": fields.IntegerField(),
        "instance_uuid": fields.UUIDField(),
        "code": fields.IntegerField(),
        "message": fields.StringField(nullable=True),
        "details": fields.StringField(nullable=True),
        "host": fields.StringField(nullable=True),
    })

    @classmethod
    def from_exception(cls, instance_uuid, exc, exc_tb=None, host=None):
        """An unsaved fault for exc, the way Nova records one: the
        exception's code (500 unless it says otherwise), its message cut
        to 255 characters, and the traceback as details for 500s."""
        code = exc.code if isinstance(exc, exception.StratusException) else 500
        if isinstance(exc, exception.StratusException):
            message = exc.format_message()
        else:
            message = str(exc) or exc.__class__.__name__
        details = ""
        if code == 500 and exc_tb is not None:
            details = (exc_tb if isinstance(exc_tb, str)
                       else "".join(traceback.format_tb(exc_tb)))
        return cls(instance_uuid=instance_uuid, code=code,
                   message=message[:_MESSAGE_LENGTH], details=details,
                   host=host)

    def create(self, context=None, session=None):
        """Insert into the cell the context targets; in session when given
        (a writer of that cell)."""
        context = context or self._context
        now = utcnow()
        writer = (contextlib.nullcontext(session) if session is not None
                  else context.cell_db.writer())
        with writer as session:
            self.id = session.execute(sa.insert(_FAULT).values(
                instance_uuid=self.instance_uuid, code=self.code,
                message=self.get("message"), details=self.get("details"),
                host=self.get("host"), created_at=now)).inserted_primary_key[0]
        self._context = context
        self.created_at = now
        self.updated_at = None
        self.deleted = False
        self.deleted_at = None
        self.obj_reset_changes()


@base.register
class InstanceFaultList(base.ObjectListBase, base.StratusObject):
    VERSION = "1.0"
    fields = {"objects": fields.ListOfObjectsField("InstanceFault")}

    @classmethod
    def get_latest_for_instances(cls, context, instance_uuids):
        """The latest fault of each of these instances (of the targeted
        cell) that has one."""
        with context.cell_db.reader() as session:
            faults = latest_by_instance(session, context, instance_uuids)
        return cls.from_objects(context, faults.values())


_LATEST = sa.select(_FAULT.__table__).where(_FAULT.id.in_(
    sa.select(sa.func.max(_FAULT.id)).where(
        _FAULT.instance_uuid.in_(sa.bindparam("uuids", expanding=True)),
        _FAULT.deleted == 0).group_by(_FAULT.instance_uuid)))


def latest_by_instance(session, context, instance_uuids):
    """{instance uuid: its latest InstanceFault}, in one query."""
    if not instance_uuids:
        return {}
    rows = session.execute(_LATEST, {"uuids": list(instance_uuids)})
    return {row.instance_uuid: InstanceFault._from_row(InstanceFault(), row,
                                                       context)
            for row in rows}
