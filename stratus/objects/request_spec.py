"""RequestSpec: everything the scheduler needs to place one server, kept
in the API database for the server's whole life (moves reuse it).

Stored as the JSON of the object's primitive, so adding a field needs no
schema change.
"""
import json

from oslo_utils import versionutils
import sqlalchemy as sa

from stratus.db import api_models
from stratus.db.types import utcnow
from stratus import exception
from stratus.objects import api_rows
from stratus.objects import base
from stratus.objects import fields

_SPEC = api_models.RequestSpec
# Built once (a page of servers reads its specs on every GET).
_SPECS = _SPEC.__table__
_BY_INSTANCE_UUIDS = sa.select(
    _SPECS.c.id, _SPECS.c.instance_uuid, _SPECS.c.spec).where(
    _SPECS.c.instance_uuid.in_(sa.bindparam("uuids", expanding=True)))


@base.register
class RequestSpec(base.StratusObject):
    # 1.1: instance_group
    # 1.2: move_consumer_uuid
    # 1.3: requested_cell_uuid
    VERSION = "1.3"
    fields = {
        "id": fields.IntegerField(),
        "instance_uuid": fields.UUIDField(),
        "project_id": fields.StringField(nullable=True),
        "user_id": fields.StringField(nullable=True),
        "flavor": fields.ObjectField("Flavor"),
        "image": fields.ObjectField("ImageMeta", nullable=True),
        "num_instances": fields.IntegerField(default=1),
        "availability_zone": fields.StringField(nullable=True),
        # Scheduler hints as given at create: {name: [values]}
        "scheduler_hints": fields.DictOfListOfStringsField(default={}),
        "requested_host": fields.StringField(nullable=True),
        "requested_hypervisor_hostname": fields.StringField(nullable=True),
        "instance_group_uuid": fields.UUIDField(nullable=True),
        # The group's policy, rules and members' hosts, as the scheduler
        # read them for this request (set by the scheduler, not stored).
        "instance_group": fields.ObjectField("InstanceGroup", nullable=True),
        # A move's migration uuid: the scheduler's claim gives the
        # server's current allocations to this consumer in the same
        # transaction (set by the move's conductor task, not stored).
        "move_consumer_uuid": fields.UUIDField(nullable=True),
        # A move that must stay in its cell: only hosts of this cell
        # (set by the move's conductor task unless the API allowed a
        # cross-cell move, Nova's requested_destination.cell; not
        # stored).
        "requested_cell_uuid": fields.UUIDField(nullable=True),
        # Hosts already tried for this build (for rescheduling).
        "ignore_hosts": fields.ListOfStringsField(default=[]),
        "is_bfv": fields.BooleanField(default=False),
        # The networks asked for, Nova's NetworkRequest fields per item:
        # network_id ('auto' or 'none' alone stand for the whole request),
        # port_id, address (a fixed IP), tag.
        "requested_networks": fields.ListOfDictOfNullableStringsField(
            default=[]),
        # Security group names (or ids) for the server's ports.
        "security_groups": fields.ListOfStringsField(default=[]),
    }

    def obj_make_compatible(self, primitive, target_version):
        super().obj_make_compatible(primitive, target_version)
        if versionutils.convert_version_to_tuple(target_version) < (1, 1):
            primitive.pop("instance_group", None)
        if versionutils.convert_version_to_tuple(target_version) < (1, 2):
            primitive.pop("move_consumer_uuid", None)
        if versionutils.convert_version_to_tuple(target_version) < (1, 3):
            primitive.pop("requested_cell_uuid", None)

    def _document(self):
        primitive = self.obj_to_primitive()
        changes = primitive.get("stratus_object.changes")
        for transient in ("instance_group", "move_consumer_uuid",
                          "requested_cell_uuid"):
            primitive["stratus_object.data"].pop(transient, None)
            if changes and transient in changes:
                changes.remove(transient)
        return json.dumps(primitive)

    @classmethod
    def _from_db(cls, context, row):
        spec = cls.obj_from_primitive(json.loads(row.spec), context=context)
        spec.id = row.id
        spec.obj_reset_changes()
        return spec

    @classmethod
    def get_by_instance_uuid(cls, context, instance_uuid):
        with context.api_db.reader() as session:
            row = session.scalar(sa.select(_SPEC).where(
                _SPEC.instance_uuid == instance_uuid))
        if row is None:
            raise exception.RequestSpecNotFound(instance_uuid=instance_uuid)
        return cls._from_db(context, row)

    def create(self, context=None, session=None):
        """Insert; in session when given (to join the caller's
        transaction)."""
        context = context or self._context
        values = dict(instance_uuid=self.instance_uuid,
                      spec=self._document(), created_at=utcnow())
        self.id = api_rows.insert(context, _SPEC, values, session)
        self._context = context
        self.obj_reset_changes()

    def save(self):
        with self._context.api_db.writer() as session:
            if not session.execute(sa.update(_SPEC).where(
                    _SPEC.instance_uuid == self.instance_uuid).values(
                    spec=self._document(), updated_at=utcnow())).rowcount:
                raise exception.RequestSpecNotFound(
                    instance_uuid=self.instance_uuid)
        self.obj_reset_changes()


@base.register
class RequestSpecList(base.ObjectListBase, base.StratusObject):
    VERSION = "1.0"
    fields = {"objects": fields.ListOfObjectsField("RequestSpec")}

    @classmethod
    def get_by_instance_uuids(cls, context, instance_uuids, only=None):
        """The specs of these instances (those that have one), in one
        query.

        only: load just these fields, none of them an object (a page of
        servers shows two fields of its specs; building whole specs,
        flavor and image included, would cost more than the page).
        """
        if not instance_uuids:
            return cls.from_objects(context, [])
        with context.api_db.reader() as session:
            rows = session.execute(_BY_INSTANCE_UUIDS, {
                "uuids": list(instance_uuids)}).all()
        return cls.from_objects(context, [
            _from_row(context, row, only) for row in rows])


def _from_row(context, row, only=None):
    """The RequestSpec of a row; only: just these fields (plain ones)."""
    if only is None:
        return RequestSpec._from_db(context, row)
    data = json.loads(row.spec)["stratus_object.data"]
    spec = RequestSpec(context)
    # Trusted primitives of plain fields: set without coercion.
    spec.__dict__.update(
        [("_obj_id", row.id), ("_obj_instance_uuid", row.instance_uuid)]
        + [("_obj_" + name, data[name]) for name in only if name in data])
    return spec


_GROUPS = api_models.InstanceGroup.__table__
_MEMBERS = api_models.InstanceGroupMember.__table__
# A server's spec (one row, no group) and its groups (a row each, no spec):
# what GET /servers/{id} shows of both in one statement, built once.
_SPEC_AND_GROUPS = sa.union_all(
    sa.select(_SPECS.c.id, _SPECS.c.instance_uuid, _SPECS.c.spec,
              sa.null().label("group_uuid")).where(
        _SPECS.c.instance_uuid == sa.bindparam("instance_uuid")),
    sa.select(sa.null(), sa.null(), sa.null(), _GROUPS.c.uuid).join_from(
        _GROUPS, _MEMBERS, _MEMBERS.c.group_id == _GROUPS.c.id).where(
        _MEMBERS.c.instance_uuid == sa.bindparam("instance_uuid")))


def spec_and_groups(context, instance_uuid, only=None):
    """(the server's RequestSpec or None, uuids of the server groups it is
    a member of), read together; only: as get_by_instance_uuids."""
    with context.api_db.reader() as session:
        rows = session.execute(_SPEC_AND_GROUPS,
                               {"instance_uuid": instance_uuid}).all()
    spec, groups = None, []
    for row in rows:
        if row.group_uuid is not None:
            groups.append(row.group_uuid)
        elif row.spec is not None:
            spec = _from_row(context, row, only)
    return spec, groups
