"""Aggregate: a named group of hosts with metadata. Lives in the API DB.

Minimal for now: listing with hosts and metadata, which is what
availability zones are made of (metadata key ``availability_zone``).
"""
import sqlalchemy as sa

from stratus.db import api_models
from stratus.objects import base
from stratus.objects import fields

AZ_METADATA_KEY = "availability_zone"


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


@base.register
class AggregateList(base.ObjectListBase, base.StratusObject):
    VERSION = "1.0"
    fields = {"objects": fields.ListOfObjectsField("Aggregate")}

    @classmethod
    def get_all(cls, context):
        with context.api_db.reader() as session:
            rows = session.scalars(sa.select(api_models.Aggregate).order_by(
                api_models.Aggregate.id)).all()
            hosts = session.execute(sa.select(
                api_models.AggregateHost.aggregate_id,
                api_models.AggregateHost.host)).all()
            metadata = session.execute(sa.select(
                api_models.AggregateMetadata.aggregate_id,
                api_models.AggregateMetadata.key,
                api_models.AggregateMetadata.value)).all()
            return cls.from_objects(context, [
                _aggregate(context, row, hosts, metadata) for row in rows])

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


def _aggregate(context, row, hosts, metadata):
    aggregate = Aggregate._from_row(Aggregate(), row, context,
                                    skip=("hosts", "metadata"))
    aggregate.hosts = sorted(host for agg_id, host in hosts
                             if agg_id == row.id)
    aggregate.metadata = {key: value for agg_id, key, value in metadata
                          if agg_id == row.id}
    aggregate.obj_reset_changes()
    return aggregate
