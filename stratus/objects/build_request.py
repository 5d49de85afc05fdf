"""BuildRequest: a server the API has accepted but no cell holds yet.

Lives in the API database; listing and showing servers include build
requests so a new server is visible at once, in BUILD. The Instance is
kept serialized, so lists filter and sort build requests in Python, the
way the cells' SQL does.
"""
import datetime
import json
import re

import sqlalchemy as sa

from stratus.db import api_models
from stratus.db.types import utcnow
from stratus import exception
from stratus.objects import api_rows
from stratus.objects import base
from stratus.objects import block_device_mapping as bdm_obj
from stratus.objects import fields
from stratus.objects import instance as instance_obj
from stratus.objects import instance_query

_BR = api_models.BuildRequest
# Core rows, a statement built once: a server waiting for its cell is
# read from here on every GET.
_BY_INSTANCE_UUID = sa.select(_BR.__table__).where(
    _BR.instance_uuid == sa.bindparam("instance_uuid"))


@base.register
class BuildRequest(base.StratusObject, base.StratusTimestampObject):
    # 1.1: block_device_mappings
    VERSION = "1.1"
    fields = dict(base.StratusTimestampObject.fields, **{
        "id": fields.IntegerField(),
        "instance_uuid": fields.UUIDField(),
        "project_id": fields.StringField(),
        "instance": fields.ObjectField("Instance"),
        "tags": fields.ListOfStringsField(default=[]),
        # What the conductor creates in the cell with the instance.
        "block_device_mappings": fields.ObjectField(
            "BlockDeviceMappingList"),
    })

    def obj_make_compatible(self, primitive, target_version):
        super().obj_make_compatible(primitive, target_version)
        if target_version == "1.0":
            primitive.pop("block_device_mappings", None)

    @classmethod
    def _from_db(cls, context, row):
        build_request = cls(id=row.id, instance_uuid=row.instance_uuid,
                            project_id=row.project_id,
                            tags=json.loads(row.tags or "[]"),
                            block_device_mappings=_mappings_from_db(
                                context, row.block_device_mappings),
                            created_at=row.created_at,
                            updated_at=row.updated_at)
        instance = instance_obj.Instance.obj_from_primitive(
            json.loads(row.instance), context=context)
        # Never persisted in a cell: the times are the build request's.
        instance.created_at = row.created_at
        instance.updated_at = row.updated_at or row.created_at
        instance.tags = build_request.tags
        instance.obj_reset_changes()
        build_request.instance = instance
        build_request._context = context
        build_request.obj_reset_changes()
        return build_request

    @classmethod
    def get_by_instance_uuid(cls, context, instance_uuid):
        with context.api_db.reader() as session:
            row = session.execute(_BY_INSTANCE_UUID,
                                  {"instance_uuid": instance_uuid}).first()
        if row is None:
            raise exception.BuildRequestNotFound(uuid=instance_uuid)
        return cls._from_db(context, row)

    def _document(self):
        return json.dumps(self.instance.obj_to_primitive())

    def _mappings_document(self):
        mappings = self.get("block_device_mappings")
        return None if mappings is None else json.dumps(
            mappings.obj_to_primitive())

    def create(self, context=None, session=None):
        """Insert; in session when given (to join the caller's
        transaction)."""
        context = context or self._context
        now = utcnow()
        values = dict(instance_uuid=self.instance_uuid,
                      project_id=self.project_id, instance=self._document(),
                      tags=json.dumps(self.get("tags", [])), created_at=now,
                      block_device_mappings=self._mappings_document())
        self.id = api_rows.insert(context, _BR, values, session)
        self._context = context
        self.created_at = now
        self.updated_at = None
        self.instance.created_at = now
        self.instance.updated_at = now
        self.obj_reset_changes()

    def save(self):
        """Write the (changed) instance back."""
        now = utcnow()
        with self._context.api_db.writer() as session:
            if not session.execute(sa.update(_BR).where(
                    _BR.instance_uuid == self.instance_uuid).values(
                    instance=self._document(), updated_at=now,
                    tags=json.dumps(self.get("tags", [])))).rowcount:
                raise exception.BuildRequestNotFound(uuid=self.instance_uuid)
        self.updated_at = now
        self.instance.updated_at = now
        self.obj_reset_changes()

    def destroy(self):
        """Delete; BuildRequestNotFound if someone else already did (the
        conductor placing the server in a cell, or a concurrent delete)."""
        with self._context.api_db.writer() as session:
            if not session.execute(sa.delete(_BR).where(
                    _BR.instance_uuid == self.instance_uuid)).rowcount:
                raise exception.BuildRequestNotFound(uuid=self.instance_uuid)



@base.register
class BuildRequestList(base.ObjectListBase, base.StratusObject):
    VERSION = "1.0"
    fields = {"objects": fields.ListOfObjectsField("BuildRequest")}

    @classmethod
    def get_by_filters(cls, context, filters, limit=None, marker=None,
                       sort_keys=None, sort_dirs=None):
        """Build requests whose instance matches the filters (the same
        filter names as InstanceList.get_by_filters), sorted the same
        way; marker is the uuid of one of them (MarkerNotFound if it is
        not among the matches)."""
        if limit == 0 or filters.get("deleted"):
            return cls.from_objects(context, [])
        query = sa.select(_BR).order_by(_BR.id)
        project_id = filters.get("project_id")
        if isinstance(project_id, str):
            query = query.where(_BR.project_id == project_id)
        with context.api_db.reader() as session:
            rows = session.scalars(query).all()
        matching = [build_request for build_request in
                    (BuildRequest._from_db(context, row) for row in rows)
                    if _matches(build_request.instance, filters)]
        sort_keys, sort_dirs = instance_query.normalize_sort(sort_keys,
                                                           sort_dirs)
        matching.sort(key=lambda br: instance_query.SortKey(
            br.instance, sort_keys, sort_dirs))
        start = 0
        if marker is not None:
            uuids = [br.instance_uuid for br in matching]
            if marker not in uuids:
                raise exception.MarkerNotFound(marker=marker)
            start = uuids.index(marker) + 1
        end = None if limit is None else start + limit
        return cls.from_objects(context, matching[start:end])


def _mappings_from_db(context, text):
    if not text:
        return bdm_obj.BlockDeviceMappingList(objects=[])
    return bdm_obj.BlockDeviceMappingList.obj_from_primitive(
        json.loads(text), context=context)


# A server that has not reached a cell has no addresses yet.
_NEVER_MATCH = {"ip", "ip6"}
_IGNORED = {"deleted", "soft_deleted", "hidden", "changes-since",
            "changes-before"}


def _matches(instance, filters):
    tags = set(instance.get("tags") or [])
    for name, value in filters.items():
        if name in _IGNORED:
            continue
        if name in _NEVER_MATCH:
            if value:
                return False
            continue
        if name in instance_query.TAG_FILTERS:
            wanted = set(value)
            if name == "tags" and not wanted <= tags:
                return False
            if name == "tags-any" and not wanted & tags:
                return False
            if name == "not-tags" and wanted <= tags:
                return False
            if name == "not-tags-any" and wanted & tags:
                return False
            continue
        if name not in instance.fields:
            continue
        actual = instance.get(name)
        if name in instance_query.EXACT_FILTERS:
            allowed = value if isinstance(
                value, (list, tuple, set, frozenset)) else [value]
            if actual not in allowed:
                return False
        elif actual is None or not re.search(str(value), str(actual)):
            return False
    return True


# The conductor's lease on a build request, and its end: the binding to a
# cell (tasks/build.py).

_BUILD_REQUESTS = _BR.__table__
_MAPPINGS = api_models.InstanceMapping.__table__
_CELLS = api_models.CellMapping.__table__
_DELETE_BUILD_REQUEST = sa.delete(_BUILD_REQUESTS).where(
    _BUILD_REQUESTS.c.instance_uuid == sa.bindparam("instance_uuid"))
_TAKE_LEASE = sa.update(_BUILD_REQUESTS).where(
    _BUILD_REQUESTS.c.instance_uuid == sa.bindparam("uuid"),
    sa.or_(_BUILD_REQUESTS.c.updated_at.is_(None),
           _BUILD_REQUESTS.c.updated_at < sa.bindparam("expired"))).values(
    updated_at=sa.bindparam("now"))
_MAP_TO_CELL = sa.update(_MAPPINGS).where(
    _MAPPINGS.c.instance_uuid == sa.bindparam("mapped_uuid")).values(
    cell_id=sa.select(_CELLS.c.id).where(
        _CELLS.c.uuid == sa.bindparam("cell_uuid")).scalar_subquery(),
    updated_at=sa.bindparam("now"))


def bind_to_cell(ctx, instance_uuid, cell_uuid):
    """In one API transaction: delete the build request and map the
    instance to its cell. BuildRequestNotFound (and no change) when the
    user deleted the server meanwhile."""
    with ctx.api_db.writer() as session:
        deleted = session.execute(_DELETE_BUILD_REQUEST, {
            "instance_uuid": instance_uuid}).rowcount
        if not deleted:
            raise exception.BuildRequestNotFound(uuid=instance_uuid)
        session.execute(_MAP_TO_CELL, {"mapped_uuid": instance_uuid,
                                       "cell_uuid": cell_uuid,
                                       "now": utcnow()})


def lease_expiry(lease, abandoned_before=None):
    """The moment before which a build request's lease has run out:
    lease seconds ago, or abandoned_before when that is later."""
    expired = utcnow() - datetime.timedelta(seconds=lease)
    if abandoned_before is not None:
        expired = max(expired, abandoned_before)
    return expired


def take_build_requests(ctx, instance_uuids, lease=None, expired=None):
    """Take the lease on those build requests that nobody holds (their
    updated_at unset or older than lease seconds, or than expired): the
    set of uuids taken (one conditional UPDATE each, so of two
    conductors exactly one takes a build request)."""
    now = utcnow()
    if expired is None:
        expired = lease_expiry(lease)
    taken = set()
    with ctx.api_db.writer() as session:
        for uuid in instance_uuids:
            if session.execute(_TAKE_LEASE, {
                    "uuid": uuid, "now": now,
                    "expired": expired}).rowcount:
                taken.add(uuid)
    return taken


def orphaned_build_requests(ctx, expired, never_taken=None):
    """Build requests made before expired whose lease (if any) ran out
    then: their conductor is gone, or their message was lost; and those
    made before never_taken that no conductor ever took."""
    table = _BUILD_REQUESTS
    orphaned = sa.and_(table.c.created_at < expired,
                       sa.or_(table.c.updated_at.is_(None),
                              table.c.updated_at < expired))
    if never_taken is not None:
        orphaned = sa.or_(orphaned, sa.and_(
            table.c.updated_at.is_(None), table.c.created_at < never_taken))
    with ctx.api_db.reader() as session:
        return list(session.scalars(sa.select(table.c.instance_uuid).where(
            orphaned).order_by(table.c.created_at)).all())


# What a create wrote beside its build requests (compute_api/build.py).
_CREATE_RECORDS = (api_models.RequestSpec, api_models.InstanceMapping,
                   api_models.InstanceGroupMember,
                   api_models.CreateIdempotencyKey)


def withdraw(ctx, instance_uuids, untaken_only=False):
    """Take back the API database records of servers the API accepted
    (their build requests, request specs, instance mappings, group
    memberships and idempotency key), in one transaction; whether they
    were. untaken_only: only if no conductor has taken any of them yet
    (else nothing is deleted: False)."""
    build_requests = sa.delete(_BUILD_REQUESTS).where(
        _BUILD_REQUESTS.c.instance_uuid.in_(instance_uuids))
    if untaken_only:
        build_requests = build_requests.where(
            _BUILD_REQUESTS.c.updated_at.is_(None))
    try:
        with ctx.api_db.writer() as session:
            withdrawn = session.execute(build_requests).rowcount
            if untaken_only and withdrawn != len(instance_uuids):
                raise _Taken()
            for model in _CREATE_RECORDS:
                session.execute(sa.delete(model).where(
                    model.instance_uuid.in_(instance_uuids)))
    except _Taken:
        return False
    return True


class _Taken(Exception):
    """Rolls the withdrawal back."""
