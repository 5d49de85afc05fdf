"""BlockDeviceMapping: one disk of a server (its image's root disk, a
local ephemeral or swap disk, later volumes), with the device tag the user
gave it (2.32, 2.42).

Lives in the cell database with its instance; until the server reaches a
cell its mappings travel in its build request.
"""
import contextlib
import uuid as uuid_lib

import sqlalchemy as sa

from stratus.db import cell_models
from stratus.db.types import utcnow
from stratus import exception
from stratus.objects import base
from stratus.objects import fields

SOURCE_IMAGE = "image"
SOURCE_BLANK = "blank"
DESTINATION_LOCAL = "local"
DESTINATION_VOLUME = "volume"
SWAP = "swap"

_BDM = cell_models.BlockDeviceMapping.__table__
_I = cell_models.Instance.__table__

# The fields that are columns of block_device_mapping, in table order.
_COLUMN_FIELDS = (
    "uuid", "instance_uuid", "source_type", "destination_type",
    "guest_format", "device_type", "disk_bus", "boot_index", "device_name",
    "delete_on_termination", "snapshot_id", "volume_id", "volume_size",
    "volume_type", "image_id", "no_device", "connection_info", "tag",
    "attachment_id")


@base.register
class BlockDeviceMapping(base.StratusObject, base.StratusPersistentObject):
    VERSION = "1.0"
    fields = dict(base.StratusPersistentObject.fields, **{
        "id": fields.IntegerField(),
        "uuid": fields.UUIDField(),
        "instance_uuid": fields.UUIDField(),
        "source_type": fields.StringField(nullable=True),
        "destination_type": fields.StringField(nullable=True),
        "guest_format": fields.StringField(nullable=True),
        "device_type": fields.StringField(nullable=True),
        "disk_bus": fields.StringField(nullable=True),
        "boot_index": fields.IntegerField(nullable=True),
        "device_name": fields.StringField(nullable=True),
        "delete_on_termination": fields.BooleanField(default=False),
        "snapshot_id": fields.StringField(nullable=True),
        "volume_id": fields.StringField(nullable=True),
        "volume_size": fields.IntegerField(nullable=True),
        "volume_type": fields.StringField(nullable=True),
        "image_id": fields.StringField(nullable=True),
        "no_device": fields.BooleanField(default=False),
        "connection_info": fields.StringField(nullable=True),
        "tag": fields.StringField(nullable=True),
        "attachment_id": fields.UUIDField(nullable=True),
    })

    @property
    def is_volume(self):
        return self.get("destination_type") == DESTINATION_VOLUME

    @property
    def is_swap(self):
        return (self.get("source_type") == SOURCE_BLANK
                and self.get("destination_type") == DESTINATION_LOCAL
                and self.get("guest_format") == SWAP)

    @property
    def is_ephemeral(self):
        return (self.get("source_type") == SOURCE_BLANK
                and self.get("destination_type") == DESTINATION_LOCAL
                and self.get("guest_format") != SWAP)

    def values(self):
        return {name: self.get(name) for name in _COLUMN_FIELDS}

    # One mapping (the conductor's database proxy for computes, the API's
    # volume attachments) ---------------------------------------------

    @classmethod
    def _from_row(cls, context, row):
        mapping = cls()
        for name in ("id", "created_at", "updated_at", "deleted_at") + (
                _COLUMN_FIELDS):
            value = getattr(row, name)
            if value is not None:
                setattr(mapping, name, value)
        mapping.deleted = False
        mapping._context = context
        mapping.obj_reset_changes()
        return mapping

    @classmethod
    def get_by_volume_id(cls, context, volume_id, instance_uuid=None):
        """The live mapping of volume_id in the targeted cell (of the
        server instance_uuid when given; else the oldest one: a
        multiattach volume has one per server). VolumeBDMNotFound."""
        query = sa.select(_BDM).where(_BDM.c.volume_id == volume_id,
                                      _BDM.c.deleted == 0)
        if instance_uuid is not None:
            query = query.where(_BDM.c.instance_uuid == instance_uuid)
        with context.cell_db.reader() as session:
            row = session.execute(query.order_by(_BDM.c.id)).first()
        if row is None:
            raise exception.VolumeBDMNotFound(volume_id=volume_id)
        return cls._from_row(context, row)

    @classmethod
    def get_by_uuid(cls, context, bdm_uuid):
        with context.cell_db.reader() as session:
            row = session.execute(sa.select(_BDM).where(
                _BDM.c.uuid == bdm_uuid, _BDM.c.deleted == 0)).first()
        if row is None:
            raise exception.BDMNotFound(id=bdm_uuid)
        return cls._from_row(context, row)

    def create(self, context=None):
        """Insert this mapping into the targeted cell. A volume has at
        most one live mapping per server: a second one raises
        InvalidVolume (checked with the server's row locked, so of two
        racing attaches one wins); a server deleted meanwhile raises
        InstanceNotFound."""
        context = context or self._context
        if not self.obj_attr_is_set("uuid"):
            self.uuid = str(uuid_lib.uuid4())
        now = utcnow()
        with context.cell_db.writer() as session:
            found = session.execute(sa.select(_I.c.id).where(
                _I.c.uuid == self.instance_uuid, _I.c.deleted == 0
            ).with_for_update()).first()
            if found is None:
                raise exception.InstanceNotFound(
                    instance_id=self.instance_uuid)
            volume_id = self.get("volume_id")
            if volume_id is not None and session.execute(
                    sa.select(_BDM.c.id).where(
                        _BDM.c.instance_uuid == self.instance_uuid,
                        _BDM.c.volume_id == volume_id,
                        _BDM.c.deleted == 0)).first() is not None:
                raise exception.InvalidVolume(
                    reason="volume %s already attached" % volume_id)
            self.id = session.execute(sa.insert(_BDM).values(
                dict(self.values(), created_at=now, deleted=0))
            ).inserted_primary_key[0]
        self.created_at = now
        self.deleted = False
        self._context = context
        self.obj_reset_changes()

    def save(self, context=None):
        """Write the changed fields (connection_info, attachment_id,
        volume_id, device_name ...) of this live mapping; BDMNotFound
        when it is gone (its server deleted, a detach done)."""
        context = context or self._context
        values = {name: self.get(name) for name in self.obj_what_changed()
                  if name in _COLUMN_FIELDS and name != "uuid"}
        now = utcnow()
        values["updated_at"] = now
        with context.cell_db.writer() as session:
            changed = session.execute(sa.update(_BDM).where(
                _BDM.c.id == self.id, _BDM.c.deleted == 0).values(
                **values)).rowcount
        if not changed:
            raise exception.BDMNotFound(id=self.get("uuid") or self.id)
        self.updated_at = now
        self._context = context
        self.obj_reset_changes()

    def destroy(self, context=None):
        """Soft-delete this mapping (one already gone is no error)."""
        context = context or self._context
        now = utcnow()
        with context.cell_db.writer() as session:
            session.execute(sa.update(_BDM).where(
                _BDM.c.id == self.id, _BDM.c.deleted == 0).values(
                deleted=_BDM.c.id, deleted_at=now, updated_at=now))
        self.deleted = True
        self.deleted_at = now
        self.obj_reset_changes(["deleted", "deleted_at"])


@base.register
class BlockDeviceMappingList(base.ObjectListBase, base.StratusObject):
    VERSION = "1.0"
    fields = {"objects": fields.ListOfObjectsField("BlockDeviceMapping")}

    @classmethod
    def get_by_instance_uuid(cls, context, instance_uuid):
        """The live mappings of a server in the targeted cell, by boot
        order (the root disk first, unbootable ones last)."""
        query = sa.select(_BDM).where(
            _BDM.c.instance_uuid == instance_uuid, _BDM.c.deleted == 0
        ).order_by(sa.case((_BDM.c.boot_index.is_(None), 1),
                           (_BDM.c.boot_index < 0, 1), else_=0),
                   _BDM.c.boot_index, _BDM.c.id)
        with context.cell_db.reader() as session:
            rows = session.execute(query).all()
        return cls.from_objects(context, [
            BlockDeviceMapping._from_row(context, row) for row in rows])

    @classmethod
    def get_by_volume_id(cls, context, volume_id):
        """The live mappings of volume_id in the targeted cell (one per
        server it is attached to)."""
        with context.cell_db.reader() as session:
            rows = session.execute(sa.select(_BDM).where(
                _BDM.c.volume_id == volume_id, _BDM.c.deleted == 0
            ).order_by(_BDM.c.id)).all()
        return cls.from_objects(context, [
            BlockDeviceMapping._from_row(context, row) for row in rows])

    def create(self, context, session=None):
        """Insert every mapping into the targeted cell; in session when
        given (the transaction that creates their instance)."""
        if not self.objects:
            return
        now = utcnow()
        writer = (contextlib.nullcontext(session) if session is not None
                  else context.cell_db.writer())
        with writer as session:
            session.execute(sa.insert(_BDM), [
                dict(mapping.values(), created_at=now, deleted=0)
                for mapping in self.objects])
        for mapping in self.objects:
            mapping.created_at = now
            mapping._context = context
            mapping.obj_reset_changes()


def volumes_of_instances(context, instance_uuids):
    """The live volume mappings of these servers in the targeted cell
    (one query), by server and boot order."""
    query = sa.select(_BDM).where(
        _BDM.c.instance_uuid.in_(list(instance_uuids)),
        _BDM.c.destination_type == DESTINATION_VOLUME, _BDM.c.deleted == 0
    ).order_by(_BDM.c.instance_uuid, _BDM.c.id)
    with context.cell_db.reader() as session:
        rows = session.execute(query).all()
    return [BlockDeviceMapping._from_row(context, row) for row in rows]


def destroy_for_instance(session, instance_uuid):
    """Soft-delete the mappings of a server being deleted (in the
    caller's transaction on its cell)."""
    now = utcnow()
    session.execute(sa.update(_BDM).where(
        _BDM.c.instance_uuid == instance_uuid, _BDM.c.deleted == 0).values(
        deleted=_BDM.c.id, deleted_at=now, updated_at=now))
