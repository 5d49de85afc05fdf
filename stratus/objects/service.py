"""Service: one running nova-compute, nova-conductor or nova-scheduler.

Lives in the database of the cell the service belongs to; lists span all
cells and every object records its ``cell_uuid``.
"""
import datetime

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from oslo_utils import uuidutils
from oslo_utils import versionutils

from stratus.db import cell_models
from stratus import constants
from stratus.db.types import utcnow
from stratus import exception
from stratus.objects import base
from stratus.objects import cell_mapping as cell_mapping_obj
from stratus.objects import fields
from stratus.objects import service_versions

# Bumped when a service's RPC or object handling changes (see
# service_versions.SERVICE_VERSION_HISTORY).
SERVICE_VERSION = service_versions.SERVICE_VERSION
OLDEST_SUPPORTED_SERVICE_VERSION = \
    service_versions.OLDEST_SUPPORTED_SERVICE_VERSION
# What a service that reports no version runs: 0.1.0's computes send
# their record without one.
UNREPORTED_VERSION = 1
_SERVICES = cell_models.Service
_BY_HOST_AND_BINARY = sa.select(_SERVICES.__table__).where(
    _SERVICES.deleted == 0, _SERVICES.host == sa.bindparam("host"),
    _SERVICES.binary == sa.bindparam("binary"))
_UPDATABLE = ("host", "binary", "topic", "report_count", "disabled",
              "disabled_reason", "last_seen_up", "forced_down", "version",
              "release")


@base.register
class Service(base.StratusObject, base.StratusPersistentObject):
    # 1.1: release
    VERSION = "1.1"
    fields = dict(base.StratusPersistentObject.fields, **{
        "id": fields.IntegerField(),
        "uuid": fields.UUIDField(),
        "host": fields.StringField(nullable=True),
        "binary": fields.StringField(nullable=True),
        "topic": fields.StringField(nullable=True),
        "report_count": fields.IntegerField(default=0),
        "disabled": fields.BooleanField(default=False),
        "disabled_reason": fields.StringField(nullable=True),
        "last_seen_up": fields.DateTimeField(nullable=True),
        "forced_down": fields.BooleanField(default=False),
        "version": fields.IntegerField(default=SERVICE_VERSION),
        "cell_uuid": fields.UUIDField(nullable=True),
        "release": fields.StringField(nullable=True),
    })

    def obj_make_compatible(self, primitive, target_version):
        super().obj_make_compatible(primitive, target_version)
        if versionutils.convert_version_to_tuple(target_version) < (1, 1):
            primitive.pop("release", None)

    @classmethod
    def _from_db(cls, context, row, cell_uuid):
        service = cls._from_row(cls(), row, context)
        service.cell_uuid = cell_uuid
        service.obj_reset_changes()
        return service

    @classmethod
    def _find(cls, context, not_found_id, *where, cell_uuid=None):
        query = sa.select(_SERVICES).where(_SERVICES.deleted == 0, *where)

        found = _over_cells(context, cell_uuid, lambda session, cell: [
            cls._from_db(context, row, cell)
            for row in session.scalars(query)])
        if not found:
            raise exception.ServiceNotFound(service_id=not_found_id)
        return found[0]

    @classmethod
    def get_by_id(cls, context, service_id, cell_uuid=None):
        return cls._find(context, service_id, _SERVICES.id == service_id,
                         cell_uuid=cell_uuid)

    @classmethod
    def get_by_uuid(cls, context, service_uuid):
        return cls._find(context, service_uuid, _SERVICES.uuid == service_uuid)

    @classmethod
    def get_by_host_and_binary(cls, context, host, binary, cell_uuid=None):
        if cell_uuid is not None:
            # The one-server GET's path: a statement built once.
            with context.cell_db_for(cell_uuid).reader() as session:
                row = session.execute(_BY_HOST_AND_BINARY, {
                    "host": host, "binary": binary}).first()
                if row is None:
                    raise exception.ServiceNotFound(
                        service_id="%s/%s" % (host, binary))
                return cls._from_db(context, row, cell_uuid)
        return cls._find(context, "%s/%s" % (host, binary),
                         _SERVICES.host == host, _SERVICES.binary == binary,
                         cell_uuid=cell_uuid)

    @classmethod
    def report(cls, context, cell_uuid, host, binary, topic, version=None,
               release=None, unreported_version=SERVICE_VERSION):
        """The service's record after this report: created on the first
        one (up from now on), a heartbeat on the others. version and
        release: what the service runs, sent with the first report of
        each start (so a service upgraded in place records its new ones),
        None on heartbeats; a record made without a version is of
        unreported_version (a conductor recording computes says
        UNREPORTED_VERSION: 0.1.0's send none). A compute older
        than OLDEST_SUPPORTED_SERVICE_VERSION is refused
        (ServiceTooOld)."""
        try:
            service = cls.get_by_host_and_binary(context, host, binary,
                                                 cell_uuid=cell_uuid)
        except exception.ServiceNotFound:
            service = None
        if binary == constants.COMPUTE_BINARY:
            check_supported(binary, host, version or (
                service.get("version") if service is not None else None)
                or unreported_version)
        if service is None:
            service = cls(context, host=host, binary=binary, topic=topic,
                          report_count=1, last_seen_up=utcnow(),
                          disabled=False, forced_down=False,
                          cell_uuid=cell_uuid,
                          version=version or unreported_version,
                          release=release)
            try:
                service.create()
                return service
            except exception.ServiceBinaryExists:
                service = cls.get_by_host_and_binary(context, host, binary,
                                                     cell_uuid=cell_uuid)
        if version is not None and (
                service.get("version"), service.get("release")) != (
                version, release):
            service.version, service.release = version, release
            service.save()
        service.record_heartbeat()
        return service

    @classmethod
    def get_minimum_version(cls, context, binary, cell_uuid=None):
        """The lowest version of the live services of binary in the cell
        cell_uuid, or in every host cell that answers (None: there are
        none). A service that recorded no version counts as
        UNREPORTED_VERSION."""
        query = sa.select(sa.func.min(sa.func.coalesce(
            _SERVICES.version, UNREPORTED_VERSION))).where(
            _SERVICES.deleted == 0, _SERVICES.binary == binary)

        found = [version for version in _over_cells(
            context, cell_uuid, lambda session, cell: [session.scalar(query)])
            if version is not None]
        return min(found) if found else None

    def _values(self):
        return {name: getattr(self, name) for name in _UPDATABLE
                if self.obj_attr_is_set(name)}

    def create(self):
        """Insert into the cell named by ``cell_uuid``."""
        if not self.obj_attr_is_set("uuid"):
            self.uuid = uuidutils.generate_uuid()
        values = dict(self._values(), uuid=self.uuid)
        values.setdefault("version", SERVICE_VERSION)
        try:
            with self._context.cell_db_for(self.cell_uuid).writer() as session:
                row = _SERVICES(**values)
                session.add(row)
                session.flush()
                self.id = row.id
                self.created_at = row.created_at
                self.report_count = row.report_count
        except sa_exc.IntegrityError:
            raise exception.ServiceBinaryExists(host=self.host,
                                                binary=self.binary)
        self.obj_reset_changes()

    def save(self):
        changes = {name: getattr(self, name)
                   for name in self.obj_what_changed() if name in _UPDATABLE}
        if changes:
            changes["updated_at"] = utcnow()
            with self._context.cell_db_for(self.cell_uuid).writer() as session:
                session.execute(sa.update(_SERVICES).where(
                    _SERVICES.id == self.id).values(**changes))
            self.updated_at = changes["updated_at"]
        self.obj_reset_changes()

    def record_heartbeat(self):
        """last_seen_up = now and one more report, in one statement."""
        now = utcnow()
        with self._context.cell_db_for(self.cell_uuid).writer() as session:
            session.execute(sa.update(_SERVICES).where(
                _SERVICES.id == self.id).values(
                    last_seen_up=now, updated_at=now,
                    report_count=_SERVICES.report_count + 1))
        self.last_seen_up = now
        self.report_count = self.get("report_count", 0) + 1
        self.obj_reset_changes()

    def destroy(self):
        """Soft-delete the service and, as in Nova, the compute nodes it
        manages."""
        now = utcnow()
        nodes = cell_models.ComputeNode
        with self._context.cell_db_for(self.cell_uuid).writer() as session:
            session.execute(sa.update(_SERVICES).where(
                _SERVICES.id == self.id).values(
                    deleted=_SERVICES.id, deleted_at=now))
            session.execute(sa.update(nodes).where(
                nodes.service_id == self.id, nodes.deleted == 0).values(
                    deleted=nodes.id, deleted_at=now))

    def is_up(self, service_down_time, now=None):
        """Seen within service_down_time seconds and not forced down."""
        if self.get("forced_down"):
            return False
        last_seen = self.get("last_seen_up") or self.get("created_at")
        if last_seen is None:
            return False
        now = now or utcnow()
        return now - last_seen <= datetime.timedelta(seconds=service_down_time)


def _over_cells(context, cell_uuid, read):
    """read(session, cell uuid) -> list in cell_uuid's database, or in
    every host cell that answers (None); the lists joined."""
    if cell_uuid is None:
        return cell_mapping_obj.over_host_cells(context, read)
    with context.cell_db_for(cell_uuid).reader() as session:
        return read(session, cell_uuid)


def check_supported(binary, host, version):
    """ServiceTooOld when a service of version is older than this control
    plane supports (OLDEST_SUPPORTED_SERVICE_VERSION)."""
    if version < OLDEST_SUPPORTED_SERVICE_VERSION:
        raise exception.ServiceTooOld(
            binary=binary, host=host, version=version,
            oldest=OLDEST_SUPPORTED_SERVICE_VERSION)


def raise_if_old_compute(context, cell_uuid=None):
    """What a control plane service checks at start, as Nova's: no live
    compute in any cell (in cell_uuid's when given) is older than
    OLDEST_SUPPORTED_SERVICE_VERSION (ServiceTooOld names the oldest)."""
    query = sa.select(_SERVICES.host, sa.func.coalesce(
        _SERVICES.version, UNREPORTED_VERSION)).where(
        _SERVICES.deleted == 0,
        _SERVICES.binary == constants.COMPUTE_BINARY,
        sa.func.coalesce(_SERVICES.version, UNREPORTED_VERSION)
        < OLDEST_SUPPORTED_SERVICE_VERSION)
    too_old = _over_cells(context, cell_uuid,
                          lambda session, cell: list(session.execute(query)))
    if too_old:
        host, version = min(too_old, key=lambda row: row[1])
        check_supported(constants.COMPUTE_BINARY, host, version)


def require_compute_version(context, version, feature):
    """ComputesTooOld (409) unless every live compute of every cell runs
    service version or newer: for what feature (its name in the message)
    needs of new computes."""
    minimum = Service.get_minimum_version(context, constants.COMPUTE_BINARY)
    if minimum is not None and minimum < version:
        raise exception.ComputesTooOld(feature=feature, version=version,
                                       minimum=minimum)


@base.register
class ServiceList(base.ObjectListBase, base.StratusObject):
    # 1.1: Service 1.1
    VERSION = "1.1"
    fields = {"objects": fields.ListOfObjectsField("Service")}

    @classmethod
    def get_all(cls, context, binary=None, host=None, disabled=None,
                down_cells=None, cell_uuids=None, hosts=None):
        """Services of every cell that answers (of those of cell_uuids
        when given), optionally filtered (hosts: of these hosts);
        down_cells: a list to add the uuids of the others to."""
        query = sa.select(_SERVICES).where(_SERVICES.deleted == 0)
        if binary is not None:
            query = query.where(_SERVICES.binary == binary)
        if host is not None:
            query = query.where(_SERVICES.host == host)
        if hosts is not None:
            query = query.where(_SERVICES.host.in_(list(hosts)))
        if disabled is not None:
            query = query.where(_SERVICES.disabled == disabled)
        query = query.order_by(_SERVICES.id)
        return cls.from_objects(context, cell_mapping_obj.over_host_cells(
            context, lambda session, cell: [
                Service._from_db(context, row, cell)
                for row in session.scalars(query)], down_cells,
            cell_uuids))
