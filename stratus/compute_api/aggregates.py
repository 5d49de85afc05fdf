"""Host aggregates: what the os-aggregates API asks of the cloud.

Nova's rules for availability zones, which are aggregate metadata
(``availability_zone``): a zone is never empty-named nor the internal
services' zone; a host is in at most one zone; a host that runs servers
never changes zone (adding it to, removing it from or renaming the zone
of an aggregate). Membership is mirrored into placement: the aggregate
uuid becomes a placement aggregate of the host's compute node providers.

Image pre-caching (2.81) checks that the images exist, then leaves the
work to the conductor (a cast): each host of the aggregate fetches them.
"""
import uuid as uuid_lib

import sqlalchemy as sa

from stratus.conductor import rpcapi as conductor_rpcapi
from stratus.db import cell_models
from stratus import exception
from stratus.objects import aggregate as aggregate_obj
from stratus.objects import cell_mapping as cell_mapping_obj
from stratus.objects import compute_node as compute_node_obj
from stratus.objects import host_mapping as host_mapping_obj
from stratus.objects import service as service_obj
from stratus.placement import host_aggregates
from stratus import constants

AZ_KEY = aggregate_obj.AZ_METADATA_KEY


class AggregateAPI:

    def __init__(self, conf, messaging=None):
        self.conf = conf
        self.messaging = messaging

    def get(self, ctx, aggregate_id):
        return aggregate_obj.Aggregate.get_by_id(ctx, aggregate_id)

    def list(self, ctx):
        return aggregate_obj.AggregateList.get_all(ctx)

    def create(self, ctx, name, availability_zone=None):
        aggregate = aggregate_obj.Aggregate(ctx, uuid=str(uuid_lib.uuid4()),
                                            name=name, metadata={})
        if availability_zone is not None:
            self._check_zone_name(availability_zone, "create", name)
            aggregate.metadata = {AZ_KEY: availability_zone}
        aggregate.create()
        return aggregate

    def update(self, ctx, aggregate_id, name=None, availability_zone=False):
        """Rename and/or set the zone (availability_zone=False: leave it)."""
        aggregate = self.get(ctx, aggregate_id)
        metadata_updates = {}
        if availability_zone is not False:
            self._check_zone_change(ctx, aggregate, availability_zone,
                                    "update")
            metadata_updates[AZ_KEY] = availability_zone
        if name is not None:
            aggregate.name = name
        aggregate.save(metadata_updates)
        return aggregate

    def set_metadata(self, ctx, aggregate_id, metadata):
        """Merge {key: value or None (remove)} into the metadata."""
        aggregate = self.get(ctx, aggregate_id)
        if AZ_KEY in metadata:
            self._check_zone_change(ctx, aggregate, metadata[AZ_KEY],
                                    "update aggregate metadata of")
        aggregate.save(metadata)
        return aggregate

    def delete(self, ctx, aggregate_id):
        aggregate = self.get(ctx, aggregate_id)
        if aggregate.hosts:
            raise exception.InvalidAggregateAction(
                action="delete", aggregate_id=aggregate_id,
                reason="Host aggregate is not empty")
        aggregate.destroy()

    def add_host(self, ctx, aggregate_id, host):
        aggregate = self.get(ctx, aggregate_id)
        _check_compute_host(ctx, host)
        if host in aggregate.hosts:
            raise exception.AggregateHostExists(
                aggregate_id=aggregate_id, host=host)
        zone = aggregate.availability_zone
        if zone:
            conflicting = sorted(
                other.availability_zone for other in
                aggregate_obj.AggregateList.get_by_host(ctx, host)
                if other.availability_zone
                and other.availability_zone != zone)
            if conflicting:
                raise exception.InvalidAggregateAction(
                    action="add host to", aggregate_id=aggregate_id,
                    reason="Host already in availability zone %s"
                    % ", ".join(conflicting))
            if (self._zone_of(ctx, host) != zone
                    and _servers_on(ctx, [host])):
                raise exception.InvalidAggregateAction(
                    action="add host to", aggregate_id=aggregate_id,
                    reason="Host %s has servers: its availability zone "
                           "cannot change" % host)
        aggregate.add_host(host)
        host_aggregates.add_member(ctx, aggregate.uuid,
                                   _provider_uuids(ctx, host))
        return aggregate

    def remove_host(self, ctx, aggregate_id, host):
        aggregate = self.get(ctx, aggregate_id)
        if host not in aggregate.hosts:
            raise exception.AggregateHostNotFound(
                aggregate_id=aggregate_id, host=host)
        zone = aggregate.availability_zone
        if zone and _servers_on(ctx, [host]):
            others = [other for other in
                      aggregate_obj.AggregateList.get_by_host(ctx, host)
                      if other.id != aggregate.id
                      and other.availability_zone == zone]
            if not others and zone != self.conf.default_availability_zone:
                raise exception.InvalidAggregateAction(
                    action="remove host from", aggregate_id=aggregate_id,
                    reason="Host %s has servers: its availability zone "
                           "cannot change" % host)
        aggregate.remove_host(host)
        host_aggregates.remove_member(ctx, aggregate.uuid,
                                      _provider_uuids(ctx, host))
        return aggregate

    def cache_images(self, ctx, aggregate, image_ids, image_api):
        """Ask the aggregate's hosts to cache these images (ImageNotFound
        before anything is asked if one does not exist)."""
        for image_id in image_ids:
            image_api.get(ctx, image_id)
        conductor_rpcapi.ConductorAPI(self.messaging).cache_images(
            ctx, aggregate, image_ids)

    # Zones ----------------------------------------------------------------

    def _check_zone_name(self, zone, action, aggregate_id):
        if not zone:
            raise exception.InvalidAggregateAction(
                action=action, aggregate_id=aggregate_id,
                reason="Aggregates do not support an empty named "
                       "availability zone")
        if zone == self.conf.internal_service_availability_zone:
            raise exception.InvalidAggregateAction(
                action=action, aggregate_id=aggregate_id,
                reason="The availability zone of internal services, %s, "
                       "cannot hold compute hosts" % zone)

    def _check_zone_change(self, ctx, aggregate, zone, action):
        """The aggregate's hosts may move to zone: no other zone holds
        them, and none of those that would change zone runs servers."""
        self._check_zone_name(zone, action, aggregate.id)
        if not aggregate.hosts or zone == aggregate.availability_zone:
            return
        conflicting = set()
        for other in aggregate_obj.AggregateList.get_all(ctx):
            if (other.id != aggregate.id and other.availability_zone
                    and other.availability_zone != zone
                    and set(other.hosts) & set(aggregate.hosts)):
                conflicting.add(other.availability_zone)
        if conflicting:
            raise exception.InvalidAggregateAction(
                action=action, aggregate_id=aggregate.id,
                reason="One or more hosts already in availability zone(s) "
                       "%s" % ", ".join(sorted(conflicting)))
        if _servers_on(ctx, aggregate.hosts):
            raise exception.InvalidAggregateAction(
                action=action, aggregate_id=aggregate.id,
                reason="One or more hosts contain servers in this zone")

    def _zone_of(self, ctx, host):
        zones = [other.availability_zone for other in
                 aggregate_obj.AggregateList.get_by_host(ctx, host)
                 if other.availability_zone]
        return ",".join(sorted(set(zones))) or (
            self.conf.default_availability_zone)


def _check_compute_host(ctx, host):
    """ComputeHostNotFound unless a compute service runs on host."""
    try:
        mapping = host_mapping_obj.HostMapping.get_by_host(ctx, host)
        service_obj.Service.get_by_host_and_binary(
            ctx, host, constants.COMPUTE_BINARY,
            cell_uuid=mapping.cell_mapping.uuid)
    except (exception.HostMappingNotFound, exception.ServiceNotFound):
        raise exception.ComputeHostNotFound(host=host)


def _servers_on(ctx, hosts):
    """Whether any live server is on one of these hosts, in any cell."""
    instances = cell_models.Instance.__table__
    query = sa.select(instances.c.id).where(
        instances.c.host.in_(list(hosts)), instances.c.deleted == 0).limit(1)
    for cell in cell_mapping_obj.CellMappingList.get_all(ctx).host_cells():
        with ctx.cell_db_for(cell.uuid).reader() as session:
            if session.execute(query).first() is not None:
                return True
    return False


def _provider_uuids(ctx, host):
    return [node.uuid for node in
            compute_node_obj.ComputeNodeList.get_by_host(ctx, host)]
