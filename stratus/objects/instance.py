"""Instance: a server. Lives in its cell's database.

Fields mirror the cell DB's instances table plus the documents kept in
instance_extra (flavor, keypairs, image properties, lock reason) and the
info cache, which every load brings along in the same query. Metadata,
system metadata, tags and the latest fault live in their own tables: they
are loaded when asked for with ``expected_attrs`` (one query per attribute
for a whole list) or on first access.

Reads and writes go to the database of the cell the context targets
(``ctx.target_cell(cell_uuid)``); a loaded instance remembers its cell in
``cell_uuid`` and its context, so ``save()`` and lazy loads need no
targeting.
"""
import contextlib
import functools
import json
import re

from oslo_utils import versionutils
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from stratus.db import cell_models
from stratus.db.types import utcnow
from stratus import exception
from stratus.objects import base
from stratus.objects import block_device_mapping
from stratus.objects import fields
from stratus.objects import flavor as flavor_obj
from stratus.objects import instance_fault
from stratus.objects import instance_query
from stratus.objects import instance_save
from stratus.objects import keypair

# Loaded only on request (expected_attrs) or on first access.
OPTIONAL_ATTRS = ["metadata", "system_metadata", "tags", "fault", "keypairs"]

# Nova's instance_name_template: the name virt drivers give the guest.
NAME_TEMPLATE = "instance-%08x"

# Tables, not mapped classes: Core statements skip the ORM's row handling.
_I = cell_models.Instance.__table__
_EXTRA = cell_models.InstanceExtra.__table__
_CACHE = cell_models.InstanceInfoCache.__table__
_META = cell_models.InstanceMetadata.__table__
_SYSMETA = cell_models.InstanceSystemMetadata.__table__
_TAG = cell_models.Tag.__table__
# Inserts run with their values as parameters: one statement each, built
# and compiled once.
_INSERT_INSTANCE = _I.insert()
_INSERT_EXTRA = _EXTRA.insert()
_INSERT_CACHE = _CACHE.insert()


def _set_loaded(obj, name, value):
    """Set a field from trusted database data, skipping coercion and
    change tracking (loading a page of servers sets thousands of them)."""
    obj.__dict__["_obj_" + name] = value


@base.register
class Instance(base.StratusObject, base.StratusPersistentObject):
    # 1.1: old_flavor, new_flavor (a resize in progress)
    VERSION = "1.1"
    fields = dict(base.StratusPersistentObject.fields, **{
        "id": fields.IntegerField(),
        "uuid": fields.UUIDField(),
        "user_id": fields.StringField(nullable=True),
        "project_id": fields.StringField(nullable=True),
        "image_ref": fields.StringField(nullable=True),
        "kernel_id": fields.StringField(nullable=True),
        "ramdisk_id": fields.StringField(nullable=True),
        "hostname": fields.StringField(nullable=True),
        "launch_index": fields.IntegerField(nullable=True),
        "key_name": fields.StringField(nullable=True),
        "key_data": fields.StringField(nullable=True),
        "power_state": fields.IntegerField(nullable=True),
        "vm_state": fields.StringField(nullable=True),
        "task_state": fields.StringField(nullable=True),
        "memory_mb": fields.IntegerField(nullable=True),
        "vcpus": fields.IntegerField(nullable=True),
        "root_gb": fields.IntegerField(nullable=True),
        "ephemeral_gb": fields.IntegerField(nullable=True),
        "host": fields.StringField(nullable=True),
        "node": fields.StringField(nullable=True),
        "compute_id": fields.IntegerField(nullable=True),
        "instance_type_id": fields.IntegerField(nullable=True),
        "user_data": fields.StringField(nullable=True),
        "reservation_id": fields.StringField(nullable=True),
        "launched_at": fields.DateTimeField(nullable=True),
        "terminated_at": fields.DateTimeField(nullable=True),
        "availability_zone": fields.StringField(nullable=True),
        "display_name": fields.StringField(nullable=True),
        "display_description": fields.StringField(nullable=True),
        "launched_on": fields.StringField(nullable=True),
        "locked": fields.BooleanField(default=False),
        "locked_by": fields.StringField(nullable=True),
        "locked_reason": fields.StringField(nullable=True),
        "os_type": fields.StringField(nullable=True),
        "architecture": fields.StringField(nullable=True),
        "vm_mode": fields.StringField(nullable=True),
        "root_device_name": fields.StringField(nullable=True),
        "config_drive": fields.StringField(nullable=True),
        "access_ip_v4": fields.IPAddressStringField(nullable=True),
        "access_ip_v6": fields.IPAddressStringField(nullable=True),
        "auto_disk_config": fields.BooleanField(default=False),
        "progress": fields.IntegerField(nullable=True),
        "shutdown_terminate": fields.BooleanField(default=False),
        "disable_terminate": fields.BooleanField(default=False),
        "hidden": fields.BooleanField(default=False),
        # Loaded on demand (OPTIONAL_ATTRS)
        "metadata": fields.DictOfStringsField(default={}),
        "system_metadata": fields.DictOfNullableStringsField(default={}),
        "flavor": fields.ObjectField("Flavor"),
        # While a resize waits for confirm or revert: the flavor before
        # and after it (Nova's old/new in the instance's flavor document).
        "old_flavor": fields.ObjectField("Flavor", nullable=True),
        "new_flavor": fields.ObjectField("Flavor", nullable=True),
        "tags": fields.ListOfStringsField(default=[]),
        "fault": fields.ObjectField("InstanceFault", nullable=True),
        "keypairs": fields.ObjectField("KeyPairList"),
        # network_info as the JSON list Nova keeps in instance_info_caches
        "info_cache": fields.StringField(nullable=True),
        "image_properties": fields.DictOfNullableStringsField(default={}),
        # Ids of the certificates the image must be signed by (2.63).
        "trusted_certs": fields.ListOfStringsField(nullable=True),
        # The cell this instance lives in (not a column; set on load).
        "cell_uuid": fields.UUIDField(nullable=True),
    })

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._orig_metadata = None
        self._orig_system_metadata = None

    def obj_make_compatible(self, primitive, target_version):
        super().obj_make_compatible(primitive, target_version)
        if versionutils.convert_version_to_tuple(target_version) < (1, 1):
            primitive.pop("old_flavor", None)
            primitive.pop("new_flavor", None)

    def get(self, name, default=None):
        """The field's value, default when it is not loaded (no lazy
        load); cheap enough for rendering pages of servers."""
        return self.__dict__.get("_obj_" + name, default)

    def loaded_fields(self):
        """{name: value} of the fields that are loaded, in one pass (for
        views rendering dozens of fields of hundreds of servers)."""
        loaded = self.__dict__
        return {name: loaded[attr] for name, attr in _FIELD_ATTRS
                if attr in loaded}

    def update(self, updates):
        """Set several fields from {name: value}."""
        for name, value in updates.items():
            setattr(self, name, value)

    @property
    def name(self):
        """The guest's name on its hypervisor; '' before it has an id."""
        instance_id = self.get("id")
        return "" if instance_id is None else NAME_TEMPLATE % instance_id

    # Change tracking: metadata dicts are usually changed in place.

    def obj_reset_changes(self, fields=None, recursive=False):
        super().obj_reset_changes(fields, recursive)
        for name in ("metadata", "system_metadata"):
            if fields is None or name in fields:
                setattr(self, "_orig_" + name,
                        dict(getattr(self, name))
                        if self.obj_attr_is_set(name) else None)

    def obj_what_changed(self):
        # Without a baseline (an instance that came over RPC) only
        # assignments count, as the sender's changes list says.
        changed = super().obj_what_changed()
        for name in ("metadata", "system_metadata"):
            original = getattr(self, "_orig_" + name)
            if (original is not None and self.obj_attr_is_set(name)
                    and getattr(self, name) != original):
                changed.add(name)
        return changed

    def obj_load_attr(self, attrname):
        if attrname not in OPTIONAL_ATTRS or not self.obj_attr_is_set("id"):
            raise NotImplementedError("Cannot load %r of this instance"
                                      % attrname)
        with self._context.target_cell(self.cell_uuid) as cctx:
            with cctx.cell_db.reader() as session:
                _load_optional(session, cctx, {self.uuid: self}, [attrname])

    # Lookups -------------------------------------------------------------

    @classmethod
    def get_by_uuid(cls, context, uuid, expected_attrs=None,
                    read_deleted=False):
        """The instance in the targeted cell; InstanceNotFound otherwise.

        read_deleted: also find a soft-deleted instance.
        """
        query = _BY_UUID_ANY if read_deleted else _BY_UUID
        with context.cell_db.reader() as session:
            row = session.execute(query, {"uuid": uuid}).first()
            if row is None:
                raise exception.InstanceNotFound(instance_id=uuid)
            instance = _from_row(context, row)
            _load_optional(session, context, {uuid: instance},
                           expected_attrs or ())
        return instance

    # Changes --------------------------------------------------------------

    def create(self, context=None, session=None):
        """Insert into the cell the context targets (default: the
        object's context), with extra, metadata, tags and info cache; in
        session when given (a writer of that cell, to join the caller's
        transaction)."""
        context = context or self._context
        now = utcnow()
        values = {name: getattr(self, name) for name in _COLUMN_FIELDS
                  if self.obj_attr_is_set(name)}
        values.setdefault("created_at", now)
        values.setdefault("updated_at", values["created_at"])
        writer = (contextlib.nullcontext(session) if session is not None
                  else context.cell_db.writer())
        with writer as session:
            instance_id = session.execute(
                _INSERT_INSTANCE, values).inserted_primary_key[0]
            session.execute(_INSERT_EXTRA, dict(
                instance_uuid=self.uuid, created_at=now,
                **self._extra_values(set(_EXTRA_FIELDS))))
            session.execute(_INSERT_CACHE, dict(
                instance_uuid=self.uuid, created_at=now,
                network_info=self.get("info_cache")))
            _write_metadata(session, _META, self.uuid, {},
                            self.get("metadata", {}))
            _write_metadata(session, _SYSMETA, self.uuid, {},
                            self.get("system_metadata", {}))
            tags = sorted(set(self.get("tags", [])))
            if tags:
                session.execute(sa.insert(_TAG), [
                    {"resource_id": self.uuid, "tag": tag} for tag in tags])
        self._context = context
        self.id = instance_id
        self.created_at = values["created_at"]
        self.updated_at = values["updated_at"]
        self.deleted = False
        self.deleted_at = None
        self.cell_uuid = context.cell_uuid
        for name, default in (("metadata", {}), ("system_metadata", {}),
                              ("fault", None), ("info_cache", None)):
            if not self.obj_attr_is_set(name):
                setattr(self, name, default)
        self.tags = tags
        self.obj_reset_changes(recursive=True)

    def _extra_values(self, names):
        values = {}
        if names & _FLAVOR_FIELDS and self.obj_attr_is_set("flavor"):
            values["flavor"] = flavor_to_json(self.flavor,
                                              self.get("old_flavor"),
                                              self.get("new_flavor"))
        if "keypairs" in names and self.obj_attr_is_set("keypairs"):
            values["keypairs"] = json.dumps(self.keypairs.obj_to_primitive())
        if "image_properties" in names:
            values["image_properties"] = self.get("image_properties", {})
        if "locked_reason" in names:
            values["locked_reason"] = self.get("locked_reason")
        if "trusted_certs" in names:
            certs = self.get("trusted_certs")
            values["trusted_certs"] = (None if certs is None
                                       else json.dumps(certs))
        return values

    def save(self, expected_task_state=None, expected_vm_state=None,
             also=None, repeat_ok=False):
        """Write what changed, in one transaction; whether it was written
        now (False: a repeat found already applied, see repeat_ok).

        also: a callable(context, session) run in that transaction after
        the instance's rows are written (other writes that must commit,
        or not, with them).

        expected_task_state / expected_vm_state: a state or a list of
        states (None standing for "no task") the row must still be in;
        the check and the update are one UPDATE statement, so of two
        racing callers exactly one wins. The loser gets
        UnexpectedDeletingTaskStateError when the instance is being
        deleted, UnexpectedTaskStateError / UnexpectedVMStateError
        otherwise.

        repeat_ok: the caller may be repeating a save whose reply it lost
        (a compute's call to a conductor sent again): when the check fails
        but the row already holds the task_state this save sets (and the
        vm_state and host, where it sets them), the save is taken as
        applied: nothing is written (also does not run again), and the
        object takes the row's updated_at.
        """
        changes = self.obj_what_changed()
        values = {name: getattr(self, name) for name in changes
                  if name in _COLUMN_FIELDS}
        values["updated_at"] = utcnow()
        update, params = instance_save.save_statement(
            self.uuid, values, expected_task_state, expected_vm_state)
        with self._context.target_cell(self.cell_uuid) as cctx:
            with cctx.cell_db.writer() as session:
                if not session.execute(update, params).rowcount:
                    applied_at = instance_save.raise_save_conflict(
                        session, self.uuid, expected_task_state,
                        expected_vm_state,
                        repeated=values if repeat_ok else None)
                    self.updated_at = applied_at
                    self.obj_reset_changes(recursive=True)
                    return False
                extra = self._extra_values(changes & set(_EXTRA_FIELDS))
                if extra:
                    session.execute(sa.update(_EXTRA).where(
                        _EXTRA.c.instance_uuid == self.uuid).values(**extra))
                if "info_cache" in changes:
                    session.execute(sa.update(_CACHE).where(
                        _CACHE.c.instance_uuid == self.uuid).values(
                        network_info=self.info_cache,
                        updated_at=values["updated_at"]))
                for name, model in (("metadata", _META),
                                    ("system_metadata", _SYSMETA)):
                    if name in changes:
                        _write_metadata(session, model, self.uuid,
                                        getattr(self, "_orig_" + name),
                                        getattr(self, name))
                if also is not None:
                    also(cctx, session)
        self.updated_at = values["updated_at"]
        # The flavor and keypairs were written too: none is a change now.
        self.obj_reset_changes(recursive=True)
        return True

    def destroy(self):
        """Soft-delete: deleted = id, vm_state deleted, no task; tags go
        and block device mappings are soft-deleted (as in Nova). InstanceNotFound if it is already gone."""
        now = utcnow()
        with self._context.target_cell(self.cell_uuid) as cctx:
            with cctx.cell_db.writer() as session:
                deleted = session.execute(sa.update(_I).where(
                    _I.c.uuid == self.uuid, _I.c.deleted == 0).values(
                    deleted=_I.c.id, deleted_at=now, updated_at=now,
                    vm_state=fields.VMState.DELETED, task_state=None,
                    terminated_at=sa.func.coalesce(_I.c.terminated_at, now)
                )).rowcount
                if not deleted:
                    raise exception.InstanceNotFound(instance_id=self.uuid)
                session.execute(sa.delete(_TAG).where(
                    _TAG.c.resource_id == self.uuid))
                block_device_mapping.destroy_for_instance(session, self.uuid)
        self.deleted = True
        self.deleted_at = now
        self.updated_at = now
        self.vm_state = fields.VMState.DELETED
        self.task_state = None
        if self.get("terminated_at") is None:
            self.terminated_at = now
        self.tags = []
        self.obj_reset_changes()


@base.register
class InstanceList(base.ObjectListBase, base.StratusObject):
    VERSION = "1.0"
    fields = {"objects": fields.ListOfObjectsField("Instance")}

    @classmethod
    def get_by_filters(cls, context, filters, sort_keys=None, sort_dirs=None,
                       limit=None, marker=None, expected_attrs=None,
                       after=None):
        """Instances of the targeted cell matching Nova's server filters,
        sorted, at most limit of them.

        filters (Nova's names, after the API's renaming): ``deleted``
        (True: only deleted, False: only live, absent: both),
        ``soft_deleted``, ``hidden``, ``changes-since`` /
        ``changes-before`` (datetimes on updated_at), the tag filters
        (lists), ``ip`` / ``ip6`` (regular expressions on addresses), the
        exact filters in instance_query.EXACT_FILTERS and, for every other
        column, a regular expression.

        marker: uuid of an instance of this cell, the last of the previous
        page (MarkerNotFound if it is not here). after: an instance from
        any cell; the page starts after where it sorts. Both follow the
        order of sort_keys/sort_dirs (see instance_query.normalize_sort).
        """
        sort_keys, sort_dirs = instance_query.normalize_sort(
            sort_keys, sort_dirs)
        if limit == 0:
            return cls.from_objects(context, [])
        filters = dict(filters)
        ip_filters = [(name, re.compile(filters.pop(name)))
                      for name in ("ip", "ip6") if filters.get(name)]
        query, uses_regex = instance_query.filtered(_SELECT, filters)
        with context.cell_db.reader() as session:
            dialect = session.get_bind().dialect.name
            if marker is not None:
                after = _marker_instance(session, context, marker)
            if after is not None:
                query = query.where(instance_query.after(
                    after, sort_keys, sort_dirs, dialect))
            for key, direction in zip(sort_keys, sort_dirs):
                query = query.order_by(
                    *instance_query.order(key, direction, dialect))
            if limit is not None and not ip_filters:
                query = query.limit(limit)
            try:
                rows = session.execute(query).all()
            except (sa_exc.DataError, sa_exc.OperationalError,
                    sa_exc.ProgrammingError) as exc:
                # A pattern Python accepts may still be one the database's
                # regular expression engine rejects.
                if uses_regex and \
                        instance_query.REGEX_ERROR.search(str(exc)):
                    raise exception.InvalidInput(
                        reason="invalid regular expression in a filter")
                raise
            instances = [_from_row(context, row) for row in rows]
            if ip_filters:
                instances = [inst for inst in instances
                             if instance_query.matches_ips(
                                 inst, ip_filters)][:limit]
            _load_optional(session, context,
                           {inst.uuid: inst for inst in instances},
                           expected_attrs or ())
        return cls.from_objects(context, instances)

    @classmethod
    def get_by_host(cls, context, host, expected_attrs=None):
        """The live (and soft-deleted) instances of a compute host, in the
        targeted cell."""
        return cls.get_by_filters(context, {"host": host, "deleted": False,
                                            "soft_deleted": True},
                                  expected_attrs=expected_attrs)


def _marker_instance(session, context, marker):
    row = session.execute(_SELECT.where(_I.c.uuid == marker)).first()
    if row is None:
        raise exception.MarkerNotFound(marker=marker)
    return _from_row(context, row)



# Loading --------------------------------------------------------------------

_COLUMN_FIELDS = tuple(
    name for name in Instance.fields
    if name in _I.c and name != "deleted")
_EXTRA_FIELDS = ("flavor", "old_flavor", "new_flavor", "keypairs",
                 "image_properties", "locked_reason", "trusted_certs")
_FLAVOR_FIELDS = {"flavor", "old_flavor", "new_flavor"}
_COLUMN_ATTRS = tuple("_obj_" + name for name in _COLUMN_FIELDS)
_FIELD_ATTRS = tuple((name, "_obj_" + name) for name in Instance.fields)
_BOOLEAN_ATTRS = tuple(
    "_obj_" + name for name in _COLUMN_FIELDS
    if isinstance(Instance.fields[name], fields.BooleanField))


# Every instance query starts from this (immutable) statement.
_SELECT = sa.select(
    *[_I.c[name] for name in _COLUMN_FIELDS],
    _I.c.deleted, _EXTRA.c.flavor, _EXTRA.c.image_properties,
    _EXTRA.c.locked_reason, _EXTRA.c.trusted_certs, _CACHE.c.network_info,
).select_from(_I).outerjoin(
    _EXTRA, _EXTRA.c.instance_uuid == _I.c.uuid).outerjoin(
    _CACHE, _CACHE.c.instance_uuid == _I.c.uuid)


def _from_row(context, row):
    """An Instance from a row of _SELECT: the columns, then deleted and
    the extra and info cache documents."""
    instance = Instance()
    loaded = instance.__dict__
    loaded.update(zip(_COLUMN_ATTRS, row))
    for attr in _BOOLEAN_ATTRS:
        loaded[attr] = bool(loaded[attr])
    (deleted, flavor_text, image_properties, locked_reason, trusted_certs,
     network_info) = row[len(_COLUMN_FIELDS):]
    loaded.update(_obj_deleted=bool(deleted),
                  _obj_image_properties=image_properties or {},
                  _obj_locked_reason=locked_reason,
                  _obj_trusted_certs=(json.loads(trusted_certs)
                                      if trusted_certs else None),
                  _obj_info_cache=network_info,
                  _obj_cell_uuid=context.cell_uuid)
    if flavor_text:
        loaded["_obj_flavor"] = flavor_from_json(flavor_text)
        loaded["_obj_old_flavor"] = flavor_from_json(flavor_text, "old")
        loaded["_obj_new_flavor"] = flavor_from_json(flavor_text, "new")
    instance._context = context
    return instance


# Statements built once: building and hashing a statement costs more
# than running it on the paths every GET takes.
_BY_UUID_ANY = _SELECT.where(_I.c.uuid == sa.bindparam("uuid"))
_BY_UUID = _BY_UUID_ANY.where(_I.c.deleted == 0)
_UUIDS = sa.bindparam("uuids", expanding=True)
_ITEMS_BY_UUIDS = {
    name: sa.select(model.c.instance_uuid, model.c.key,
                    model.c.value).where(model.c.instance_uuid.in_(_UUIDS),
                                         model.c.deleted == 0)
    for name, model in (("metadata", _META), ("system_metadata", _SYSMETA))}
_TAGS_BY_UUIDS = sa.select(_TAG.c.resource_id, _TAG.c.tag).where(
    _TAG.c.resource_id.in_(_UUIDS)).order_by(_TAG.c.tag)
_KEYPAIRS_BY_UUIDS = sa.select(_EXTRA.c.instance_uuid,
                               _EXTRA.c.keypairs).where(
    _EXTRA.c.instance_uuid.in_(_UUIDS))


def _load_optional(session, context, instances, attrs):
    """Fill the optional attributes of {uuid: instance}, one query each."""
    uuids = list(instances)
    wanted = set(attrs) & set(OPTIONAL_ATTRS)
    if not uuids or not wanted:
        return
    params = {"uuids": uuids}
    for name in ("metadata", "system_metadata"):
        if name in wanted:
            found = {uuid: {} for uuid in uuids}
            for uuid, key, value in session.execute(_ITEMS_BY_UUIDS[name],
                                                    params):
                found[uuid][key] = value
            for uuid, values in found.items():
                _set_loaded(instances[uuid], name, values)
                # what save() compares with to find changes
                setattr(instances[uuid], "_orig_" + name, dict(values))
    if "tags" in wanted:
        found = {uuid: [] for uuid in uuids}
        for uuid, tag in session.execute(_TAGS_BY_UUIDS, params):
            found[uuid].append(tag)
        for uuid, tags in found.items():
            _set_loaded(instances[uuid], "tags", tags)
    if "fault" in wanted:
        faults = instance_fault.latest_by_instance(session, context, uuids)
        for uuid in uuids:
            _set_loaded(instances[uuid], "fault", faults.get(uuid))
    if "keypairs" in wanted:
        rows = session.execute(_KEYPAIRS_BY_UUIDS, params).all()
        for uuid, text in rows:
            keypairs = (keypair.KeyPairList.obj_from_primitive(
                json.loads(text)) if text
                else keypair.KeyPairList(objects=[]))
            _set_loaded(instances[uuid], "keypairs", keypairs)


def _write_metadata(session, model, instance_uuid, old, new):
    """Make the rows of a metadata table say new (they said old; None:
    unknown, so every row is replaced)."""
    if old is None:
        session.execute(sa.delete(model).where(
            model.c.instance_uuid == instance_uuid))
        old = {}
    gone = [key for key in old if key not in new or old[key] != new[key]]
    if gone:
        session.execute(sa.delete(model).where(
            model.c.instance_uuid == instance_uuid, model.c.key.in_(gone)))
    added = [{"instance_uuid": instance_uuid, "key": key, "value": value,
              "deleted": 0, "created_at": utcnow()}
             for key, value in new.items()
             if key not in old or old[key] != value]
    if added:
        session.execute(sa.insert(model), added)


# The flavor document ----------------------------------------------------------

_FLAVOR_KEYS = ("id", "name", "memory_mb", "vcpus", "root_gb", "ephemeral_gb",
                "flavorid", "swap", "rxtx_factor", "vcpu_weight", "disabled",
                "is_public", "extra_specs", "description")


def flavor_to_json(flavor, old=None, new=None):
    """The flavors as instance_extra keeps them: Nova's {"cur", "old",
    "new"} document (old and new only while a resize waits for confirm
    or revert)."""
    def document(one):
        if one is None:
            return None
        return {key: one.get(key) for key in _FLAVOR_KEYS
                if one.obj_attr_is_set(key)}
    return json.dumps({"cur": document(flavor), "old": document(old),
                       "new": document(new)})


@functools.lru_cache(maxsize=1024)
def _flavor_attrs(text, which):
    """Flavor attributes of one flavor of a flavor document (servers of
    one flavor share the text, so a page of them parses it once); None
    when the document has no such flavor."""
    document = json.loads(text).get(which)
    if document is None:
        return None
    return tuple(("_obj_" + key, value) for key, value in document.items())


def flavor_from_json(text, which="cur"):
    attrs = _flavor_attrs(text, which)
    if attrs is None:
        return None
    flavor = flavor_obj.Flavor()
    loaded = flavor.__dict__
    loaded.update(attrs)
    loaded["_obj_extra_specs"] = dict(loaded.get("_obj_extra_specs") or {})
    loaded["_obj_projects"] = []
    flavor.obj_reset_changes()
    return flavor
