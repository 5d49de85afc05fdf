"""InstanceMapping: which cell holds a server. Lives in the API database.

Created with no cell when the API accepts a server; the conductor sets
``cell_uuid`` (and saves) once the server exists in a cell (cell0 if it
could not be scheduled). ``queued_for_delete`` marks a deleted server
until archiving removes the mapping; quota counting skips those.

``user_id`` is the owner (per-user quota counts read it). Release 0.1.0
could write a mapping without one (map_instances and the conductor's
self-audit copy the server's, which a cell may lack); the online data
migration populate_user_id (below) fills those rows and the API
migration 0008 then makes the column NOT NULL. A mapping whose owner is
unknown records "" (as the project of such a server), never NULL.
"""
import collections

import sqlalchemy as sa

from stratus.db import api_models
from stratus.db import cell_models
from stratus.db.types import utcnow
from stratus import exception
from stratus.objects import api_rows
from stratus.objects import build_request as build_request_obj
from stratus.objects import base
from stratus.objects import fields

_MAPPING = api_models.InstanceMapping
_CELL = api_models.CellMapping


def _select():
    return sa.select(_MAPPING, _CELL.uuid).outerjoin(
        _CELL, _CELL.id == _MAPPING.cell_id)


# Core rows (no ORM objects), a statement built once: every GET of a
# server reads its mapping.
_BY_INSTANCE_UUID = sa.select(
    _MAPPING.__table__, _CELL.uuid.label("mapped_cell_uuid")).outerjoin(
    _CELL, _CELL.id == _MAPPING.cell_id).where(
    _MAPPING.instance_uuid == sa.bindparam("instance_uuid"))


@base.register
class InstanceMapping(base.StratusObject, base.StratusTimestampObject):
    VERSION = "1.0"
    fields = dict(base.StratusTimestampObject.fields, **{
        "id": fields.IntegerField(),
        "instance_uuid": fields.UUIDField(),
        "cell_uuid": fields.UUIDField(nullable=True),
        "project_id": fields.StringField(),
        "user_id": fields.StringField(nullable=True),
        "queued_for_delete": fields.BooleanField(default=False),
    })

    @classmethod
    def _from_db(cls, context, row, cell_uuid):
        mapping = cls._from_row(cls(), row, context)
        mapping.cell_uuid = cell_uuid
        mapping.obj_reset_changes()
        return mapping

    @classmethod
    def get_by_instance_uuid(cls, context, instance_uuid):
        with context.api_db.reader() as session:
            found = session.execute(_BY_INSTANCE_UUID, {
                "instance_uuid": instance_uuid}).first()
        if found is None:
            raise exception.InstanceMappingNotFound(uuid=instance_uuid)
        return cls._from_db(context, found, found.mapped_cell_uuid)

    @staticmethod
    def _cell_id(cell_uuid):
        if cell_uuid is None:
            return None
        return sa.select(_CELL.id).where(_CELL.uuid == cell_uuid
                                         ).scalar_subquery()

    def create(self, context=None, session=None):
        """Insert; in session when given (to join the caller's
        transaction)."""
        context = context or self._context
        values = dict(instance_uuid=self.instance_uuid,
                      project_id=self.project_id,
                      user_id=self.get("user_id") or UNKNOWN_USER,
                      cell_id=self._cell_id(self.get("cell_uuid")),
                      queued_for_delete=self.get("queued_for_delete", False),
                      created_at=utcnow())
        self.id = api_rows.insert(context, _MAPPING, values, session)
        self._context = context
        self.created_at = values["created_at"]
        self.updated_at = None
        self.cell_uuid = self.get("cell_uuid")
        self.queued_for_delete = values["queued_for_delete"]
        self.obj_reset_changes()

    def save(self):
        changes = self.obj_what_changed()
        values = {name: getattr(self, name) for name in
                  ("project_id", "user_id", "queued_for_delete")
                  if name in changes}
        if "cell_uuid" in changes:
            values["cell_id"] = self._cell_id(self.cell_uuid)
        if values:
            values["updated_at"] = utcnow()
            with self._context.api_db.writer() as session:
                if not session.execute(sa.update(_MAPPING).where(
                        _MAPPING.instance_uuid == self.instance_uuid).values(
                        **values)).rowcount:
                    raise exception.InstanceMappingNotFound(
                        uuid=self.instance_uuid)
            self.updated_at = values["updated_at"]
        self.obj_reset_changes()

    def destroy(self):
        with self._context.api_db.writer() as session:
            session.execute(sa.delete(_MAPPING).where(
                _MAPPING.instance_uuid == self.instance_uuid))


@base.register
class InstanceMappingList(base.ObjectListBase, base.StratusObject):
    VERSION = "1.0"
    fields = {"objects": fields.ListOfObjectsField("InstanceMapping")}

    @classmethod
    def get_live_by_cells(cls, context, cell_uuids, project_id=None):
        """Mappings of the servers (not being deleted) in these cells,
        newest first; of one project when project_id is given."""
        query = _select().where(_CELL.uuid.in_(cell_uuids),
                                _MAPPING.queued_for_delete.isnot(True))
        if project_id is not None:
            query = query.where(_MAPPING.project_id == project_id)
        query = query.order_by(_MAPPING.created_at.desc(), _MAPPING.id.desc())
        with context.api_db.reader() as session:
            rows = session.execute(query).all()
        return cls.from_objects(context, [
            InstanceMapping._from_db(context, *row) for row in rows])

    @classmethod
    def get_by_project_id(cls, context, project_id):
        with context.api_db.reader() as session:
            rows = session.execute(_select().where(
                _MAPPING.project_id == project_id).order_by(
                _MAPPING.id)).all()
        return cls.from_objects(context, [
            InstanceMapping._from_db(context, *row) for row in rows])

    @classmethod
    def count_in_cell(cls, context, cell_uuid):
        with context.api_db.reader() as session:
            return session.scalar(sa.select(sa.func.count()).select_from(
                _MAPPING).join(_CELL, _CELL.id == _MAPPING.cell_id).where(
                _CELL.uuid == cell_uuid))

    @classmethod
    def destroy_in_cell(cls, context, cell_uuid):
        """Delete every instance mapping of the cell."""
        with context.api_db.writer() as session:
            session.execute(sa.delete(_MAPPING).where(
                _MAPPING.cell_id == InstanceMapping._cell_id(cell_uuid)))


# map_instances keeps where it stopped as Nova does: a mapping row of this
# project whose instance_uuid is the last server mapped, dashes turned
# into spaces (instance_uuid is unique).
MAP_MARKER_PROJECT = "INSTANCE_MIGRATION_MARKER"
# The user_id of a mapping whose server has no known owner.
UNKNOWN_USER = ""
_INSTANCES = cell_models.Instance.__table__


def map_cell_instances(context, cell_uuid, limit, reset=False):
    """Map up to limit servers of the cell (deleted ones too, oldest first)
    that have no instance mapping, from where the last call stopped (from
    the start with reset). True while more remain (the marker is kept)."""
    with context.api_db.writer() as session:
        marker = session.scalar(sa.select(_MAPPING.instance_uuid).where(
            _MAPPING.project_id == MAP_MARKER_PROJECT))
        session.execute(sa.delete(_MAPPING).where(
            _MAPPING.project_id == MAP_MARKER_PROJECT))
    marker = None if reset or marker is None else marker.replace(" ", "-")
    query = sa.select(_INSTANCES.c.id, _INSTANCES.c.uuid,
                      _INSTANCES.c.project_id, _INSTANCES.c.user_id,
                      _INSTANCES.c.deleted).order_by(
        _INSTANCES.c.created_at, _INSTANCES.c.id).limit(limit)
    with context.cell_db_for(cell_uuid).reader() as session:
        if marker is not None:
            after = session.execute(sa.select(
                _INSTANCES.c.created_at, _INSTANCES.c.id).where(
                _INSTANCES.c.uuid == marker)).first()
            if after is not None:
                query = query.where(sa.or_(
                    _INSTANCES.c.created_at > after.created_at, sa.and_(
                        _INSTANCES.c.created_at == after.created_at,
                        _INSTANCES.c.id > after.id)))
        rows = session.execute(query).all()
    if rows:
        _create_missing(context, cell_uuid, rows)
    if len(rows) < limit:
        return False
    with context.api_db.writer() as session:
        session.execute(sa.insert(_MAPPING).values(
            instance_uuid=rows[-1].uuid.replace("-", " "),
            project_id=MAP_MARKER_PROJECT, user_id=MAP_MARKER_PROJECT,
            queued_for_delete=False, created_at=utcnow()))
    return True


def _create_missing(context, cell_uuid, rows):
    uuids = [row.uuid for row in rows]
    with context.api_db.writer() as session:
        cell_id = session.scalar(sa.select(_CELL.id).where(
            _CELL.uuid == cell_uuid))
        if cell_id is None:
            raise exception.CellMappingNotFound(uuid=cell_uuid)
        known = set(session.scalars(sa.select(_MAPPING.instance_uuid).where(
            _MAPPING.instance_uuid.in_(uuids))))
        now = utcnow()
        values = [dict(instance_uuid=row.uuid, cell_id=cell_id,
                       project_id=row.project_id or "",
                       user_id=row.user_id or UNKNOWN_USER,
                       queued_for_delete=bool(row.deleted), created_at=now)
                  for row in rows if row.uuid not in known]
        if values:
            session.execute(sa.insert(_MAPPING), values)


def queue_deleted(context, instance_uuids, batch=500):
    """Mark the mappings of these deleted servers queued_for_delete where
    they are not yet, and take the servers out of their server groups
    (what a cell conductor, without the API database, leaves to the
    super conductor's pass); the uuids marked."""
    members = api_models.InstanceGroupMember.__table__
    marked = []
    with context.api_db.writer() as session:
        for start in range(0, len(instance_uuids), batch):
            chunk = list(instance_uuids[start:start + batch])
            found = list(session.scalars(sa.select(
                _MAPPING.instance_uuid).where(
                    _MAPPING.instance_uuid.in_(chunk),
                    _MAPPING.queued_for_delete.isnot(True))).all())
            if not found:
                continue
            session.execute(sa.update(_MAPPING).where(
                _MAPPING.instance_uuid.in_(found)).values(
                    queued_for_delete=True, updated_at=utcnow()))
            session.execute(members.delete().where(
                members.c.instance_uuid.in_(found)))
            marked.extend(found)
    return marked


_WITHOUT_USER = sa.select(sa.func.count()).select_from(_MAPPING).where(
    _MAPPING.user_id.is_(None))


def count_without_user(context):
    """How many mappings populate_user_id has still to fill."""
    with context.api_db.reader() as session:
        return session.scalar(_WITHOUT_USER)


def populate_user_id(context, max_count):
    """Online data migration (Nova's populate_user_id): give up to
    max_count mappings written without user_id their server's owner, read
    from the server in its cell (deleted ones too) or, before it reached
    one, from its build request; "" when the cell no longer has the
    server (archived). A mapping with neither cell nor build request (a
    build between the two) is left for a later run. (found, done)."""
    with context.api_db.reader() as session:
        rows = session.execute(sa.select(
            _MAPPING.instance_uuid, _CELL.uuid.label("cell_uuid")).outerjoin(
            _CELL, _CELL.id == _MAPPING.cell_id).where(
            _MAPPING.user_id.is_(None)).order_by(_MAPPING.id).limit(
            max_count)).all()
    by_cell = collections.defaultdict(list)
    for row in rows:
        by_cell[row.cell_uuid].append(row.instance_uuid)
    owners = {}
    for cell_uuid, uuids in by_cell.items():
        if cell_uuid is None:
            owners.update(_build_request_owners(context, uuids))
        else:
            owners.update(_cell_owners(context, cell_uuid, uuids))
    by_owner = collections.defaultdict(list)
    for uuid, owner in owners.items():
        by_owner[owner].append(uuid)
    done = 0
    with context.api_db.writer() as session:
        for owner, uuids in by_owner.items():
            # Only where still NULL: a row written meanwhile keeps its own.
            done += session.execute(sa.update(_MAPPING).where(
                _MAPPING.instance_uuid.in_(uuids),
                _MAPPING.user_id.is_(None)).values(
                user_id=owner, updated_at=utcnow())).rowcount
    return len(rows), done


def _cell_owners(context, cell_uuid, uuids):
    with context.cell_db_for(cell_uuid).reader() as session:
        found = dict(session.execute(sa.select(
            _INSTANCES.c.uuid, _INSTANCES.c.user_id).where(
            _INSTANCES.c.uuid.in_(uuids))).all())
    return {uuid: found.get(uuid) or UNKNOWN_USER for uuid in uuids}


def _build_request_owners(context, uuids):
    owners = {}
    for uuid in uuids:
        try:
            build_request = build_request_obj.BuildRequest.get_by_instance_uuid(
                context, uuid)
        except exception.BuildRequestNotFound:
            continue
        owners[uuid] = build_request.instance.get("user_id") or UNKNOWN_USER
    return owners
