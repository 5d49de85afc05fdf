"""Aggregate: a named group of hosts with metadata. Lives in the API DB.

Availability zones are made of aggregates: the metadata key
``availability_zone`` names the zone of the aggregate's hosts. The rules
about zones (no host in two zones, ...) are the business layer's
(stratus/compute_api/aggregates.py); this module stores.
"""
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from stratus.db import api_models
from stratus.db.types import utcnow
from stratus import exception
from stratus.objects import base
from stratus.objects import fields

AZ_METADATA_KEY = "availability_zone"

_AGGREGATES = api_models.Aggregate.__table__
_HOSTS = api_models.AggregateHost.__table__
_METADATA = api_models.AggregateMetadata.__table__


@base.register
class Aggregate(base.StratusObject, base.StratusTimestampObject):
    VERSION = "1.0"
    fields = dict(base.StratusTimestampObject.fields, **{
        "id": fields.IntegerField(),
        "uuid": fields.UUIDField(),
        "name": fields.StringField(),
        "hosts": fields.ListOfStringsField(default=[]),
        "metadata": fields.DictOfStringsField(default={}),
    })

    @property
    def availability_zone(self):
        return self.metadata.get(AZ_METADATA_KEY)

    @classmethod
    def get_by_id(cls, context, aggregate_id):
        with context.api_db.reader() as session:
            row = session.execute(sa.select(_AGGREGATES).where(
                _AGGREGATES.c.id == aggregate_id)).first()
            if row is None:
                raise exception.AggregateNotFound(aggregate_id=aggregate_id)
            return _load(context, session, [row])[0]

    def create(self):
        """Insert with the metadata set so far (the zone, at create)."""
        now = utcnow()
        try:
            with self._context.api_db.writer() as session:
                self.id = session.execute(_AGGREGATES.insert().values(
                    uuid=self.uuid, name=self.name, created_at=now)
                ).inserted_primary_key[0]
                metadata = self.get("metadata") or {}
                if metadata:
                    session.execute(_METADATA.insert(), [
                        dict(aggregate_id=self.id, key=key, value=value,
                             created_at=now)
                        for key, value in metadata.items()])
        except sa_exc.IntegrityError:
            raise exception.AggregateNameExists(aggregate_name=self.name)
        self.created_at = now
        self.updated_at = None
        self.hosts = []
        self.metadata = dict(self.get("metadata") or {})
        self.obj_reset_changes()

    def save(self, metadata_updates=None):
        """Write a changed name, and {key: value or None (delete)} to the
        metadata, in one transaction."""
        now = utcnow()
        try:
            with self._context.api_db.writer() as session:
                values = {"updated_at": now}
                if "name" in self.obj_what_changed():
                    values["name"] = self.name
                session.execute(_AGGREGATES.update().where(
                    _AGGREGATES.c.id == self.id).values(**values))
                for key, value in (metadata_updates or {}).items():
                    _set_metadata_item(session, self.id, key, value, now)
        except sa_exc.IntegrityError:
            raise exception.AggregateNameExists(aggregate_name=self.name)
        metadata = dict(self.metadata)
        for key, value in (metadata_updates or {}).items():
            if value is None:
                metadata.pop(key, None)
            else:
                metadata[key] = value
        self.metadata = metadata
        self.updated_at = now
        self.obj_reset_changes()

    def destroy(self):
        with self._context.api_db.writer() as session:
            for table in (_HOSTS, _METADATA):
                session.execute(table.delete().where(
                    table.c.aggregate_id == self.id))
            session.execute(_AGGREGATES.delete().where(
                _AGGREGATES.c.id == self.id))

    def add_host(self, host):
        try:
            with self._context.api_db.writer() as session:
                session.execute(_HOSTS.insert().values(
                    aggregate_id=self.id, host=host, created_at=utcnow()))
        except sa_exc.IntegrityError:
            raise exception.AggregateHostExists(aggregate_id=self.id, host=host)
        self.hosts = sorted(set(self.hosts) | {host})
        self.obj_reset_changes()

    def remove_host(self, host):
        with self._context.api_db.writer() as session:
            removed = session.execute(_HOSTS.delete().where(
                _HOSTS.c.aggregate_id == self.id,
                _HOSTS.c.host == host)).rowcount
        if not removed:
            raise exception.AggregateHostNotFound(aggregate_id=self.id, host=host)
        self.hosts = [name for name in self.hosts if name != host]
        self.obj_reset_changes()


def _set_metadata_item(session, aggregate_id, key, value, now):
    where = (_METADATA.c.aggregate_id == aggregate_id, _METADATA.c.key == key)
    if value is None:
        session.execute(_METADATA.delete().where(*where))
        return
    if not session.execute(_METADATA.update().where(*where).values(
            value=value, updated_at=now)).rowcount:
        session.execute(_METADATA.insert().values(
            aggregate_id=aggregate_id, key=key, value=value, created_at=now))


@base.register
class AggregateList(base.ObjectListBase, base.StratusObject):
    VERSION = "1.0"
    fields = {"objects": fields.ListOfObjectsField("Aggregate")}

    @classmethod
    def get_all(cls, context):
        with context.api_db.reader() as session:
            rows = session.execute(sa.select(_AGGREGATES).order_by(
                _AGGREGATES.c.id)).all()
            return cls.from_objects(context, _load(context, session, rows))

    @classmethod
    def get_by_host(cls, context, host):
        """The aggregates the host is in."""
        with context.api_db.reader() as session:
            rows = session.execute(sa.select(_AGGREGATES).join(
                _HOSTS, _HOSTS.c.aggregate_id == _AGGREGATES.c.id).where(
                _HOSTS.c.host == host).order_by(_AGGREGATES.c.id)).all()
            return cls.from_objects(context, _load(context, session, rows))

    def availability_zones_by_host(self):
        """{host: zone} for hosts in an aggregate with a zone (a host in
        several zones has them joined with commas, as in Nova)."""
        zones = {}
        for aggregate in self:
            zone = aggregate.availability_zone
            if zone:
                for host in aggregate.hosts:
                    zones.setdefault(host, set()).add(zone)
        return {host: ",".join(sorted(names)) for host, names in zones.items()}


def _load(context, session, rows):
    """Aggregates of these rows with their hosts and metadata (two more
    queries, whatever the number of rows)."""
    if not rows:
        return []
    ids = [row.id for row in rows]
    hosts = session.execute(sa.select(_HOSTS.c.aggregate_id, _HOSTS.c.host)
                            .where(_HOSTS.c.aggregate_id.in_(ids))).all()
    metadata = session.execute(sa.select(
        _METADATA.c.aggregate_id, _METADATA.c.key, _METADATA.c.value).where(
        _METADATA.c.aggregate_id.in_(ids))).all()
    by_id = {}
    for row in rows:
        aggregate = Aggregate._from_row(Aggregate(), row, context,
                                        skip=("hosts", "metadata"))
        aggregate.hosts = []
        aggregate.metadata = {}
        by_id[row.id] = aggregate
    for aggregate_id, host in hosts:
        by_id[aggregate_id].hosts.append(host)
    for aggregate_id, key, value in metadata:
        by_id[aggregate_id].metadata[key] = value
    for aggregate in by_id.values():
        aggregate.hosts.sort()
        aggregate.obj_reset_changes()
    return list(by_id.values())
