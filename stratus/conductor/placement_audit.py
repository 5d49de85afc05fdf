"""Drift between the cells and placement, found and healed: what
`stratus manage placement heal_allocations | audit | sync_aggregates`
(stratus/cmd/manage_placement.py) do, as nova-manage's.

- heal: a server on a host with no allocations gets its flavor's
  resources allocated on its compute node's provider; one whose
  allocations name another project or user gets them re-owned.
  Servers in a task (a move, a build) are left alone: their allocations
  are the task's to change.
- orphans: allocations whose consumer is neither a live server nor a
  live migration record in any cell, nor a server being built (a
  consumer placement kept after a failed delete, a lost migration).
- aggregates: every compute node provider of a host in a host aggregate
  is a member of that aggregate's uuid in placement.

Every function takes an admin context with the API database; output is
called with each message the verbose commands print.
"""
import dataclasses

from stratus.db import consistency
from stratus import exception
from stratus.objects import cell_mapping as cell_mapping_obj
from stratus.objects import compute_node as compute_node_obj
from stratus.objects import host_mapping as host_mapping_obj
from stratus.objects import instance as instance_obj
from stratus.objects import request_spec as request_spec_obj
from stratus.placement import aggregates as placement_aggregates
from stratus.placement import allocations
from stratus.placement import exception as placement_exception
from stratus.placement import providers
from stratus.scheduler import resources


class HealError(Exception):
    """A server that cannot be healed; code: nova-manage's exit code."""
    code = 3


class ComputeNodeMissing(HealError):
    code = 2


# heal ----------------------------------------------------------------------

def _no_output(_message):
    pass


def heal_instance(cctx, instance, output=_no_output, dry_run=False,
                  force=False):
    """Heal one server of the targeted cell; True when its allocations
    were (or, dry_run, would be) created or updated."""
    if instance.task_state is not None:
        output("Instance %s is undergoing a task state transition: %s"
               % (instance.uuid, instance.task_state))
        return False
    if instance.node is None:
        output("Instance %s is not on a host." % instance.uuid)
        return False
    held = allocations.show_consumer(cctx, instance.uuid)
    if held.allocations and not force:
        if (held.project_id, held.user_id) == (instance.project_id,
                                               instance.user_id):
            output("Instance %s already has allocations with matching "
                   "consumer project/user." % instance.uuid)
            return False
        return _reown(cctx, instance, held, output, dry_run)
    node_uuid = _node_uuid(cctx, instance)
    wanted = {node_uuid: resources.from_flavor(instance.flavor,
                                               _is_bfv(cctx, instance))}
    if dry_run:
        output("[dry-run] Create allocations for instance %s: %s"
               % (instance.uuid, wanted))
        return True
    try:
        allocations.replace_allocations(cctx, [allocations.ConsumerAllocations(
            instance.uuid, wanted, instance.project_id, instance.user_id)])
    except exception.StratusException as exc:
        raise HealError("Failed to create allocations for instance %s "
                        "against resource provider %s. Error: %s"
                        % (instance.uuid, node_uuid, exc)) from exc
    output("Successfully created allocations for instance %s against "
           "resource provider %s." % (instance.uuid, node_uuid))
    return True


def _reown(cctx, instance, held, output, dry_run):
    if dry_run:
        output("[dry-run] Update allocations for instance %s: %s"
               % (instance.uuid, held.allocations))
        return True
    try:
        allocations.replace_allocations(cctx, [allocations.ConsumerAllocations(
            instance.uuid, held.allocations, instance.project_id,
            instance.user_id, held.generation)])
    except exception.StratusException as exc:
        raise HealError("Failed to update allocations for consumer %s. "
                        "Error: %s" % (instance.uuid, exc)) from exc
    output("Successfully updated allocations for instance %s."
           % instance.uuid)
    return True


def _node_uuid(cctx, instance):
    try:
        return compute_node_obj.ComputeNode.get_by_host_and_nodename(
            cctx, instance.host, instance.node).uuid
    except exception.NotFound as exc:
        raise ComputeNodeMissing(
            "Compute host %s could not be found." % instance.host) from exc


def _is_bfv(cctx, instance):
    try:
        spec = request_spec_obj.RequestSpec.get_by_instance_uuid(
            cctx, instance.uuid)
    except exception.RequestSpecNotFound:
        return False
    return bool(spec.get("is_bfv", False))


def heal_cell(cctx, max_count, unlimited, output=_no_output, dry_run=False):
    """Heal the targeted cell's servers, oldest first, max_count at a
    time (all of them when unlimited, else until max_count were healed);
    how many were healed."""
    healed = 0
    marker = None
    while True:
        servers = instance_obj.InstanceList.get_by_filters(
            cctx, {"deleted": False}, sort_keys=["created_at", "id"],
            sort_dirs=["asc", "asc"], limit=max_count, marker=marker,
            expected_attrs=["flavor"])
        if not servers:
            return healed
        output("Found %d candidate instances." % len(servers))
        for server in servers:
            if heal_instance(cctx, server, output, dry_run):
                healed += 1
                if not unlimited and healed == max_count:
                    return healed
        marker = servers[-1].uuid


# orphans -------------------------------------------------------------------

@dataclasses.dataclass
class Orphan:
    """Allocations of a consumer on one provider that nothing stands for."""
    consumer_uuid: str
    provider_uuid: str
    resources: dict


def find_orphans(ctx, provider_uuid=None):
    """The Orphans on that provider (every provider when None); raises
    ResourceProviderNotFound for an unknown provider."""
    if provider_uuid:
        uuids = [providers.get_provider(ctx, provider_uuid).uuid]
    else:
        uuids = [provider.uuid for provider in providers.list_providers(ctx)]
    held = {uuid: allocations.provider_allocations(ctx, uuid)[0]
            for uuid in uuids}
    consumers = sorted({consumer for by_consumer in held.values()
                        for consumer in by_consumer})
    # A server being built holds allocations before its cell has it: its
    # build request stands for it (read before the cells: a build ends
    # by creating the server in its cell, then deleting the request).
    live = consistency.build_requests(ctx.api_db, consumers)
    for cell in cell_mapping_obj.CellMappingList.get_all(ctx):
        live |= consistency.live_consumers(ctx.cell_db_for(cell.uuid),
                                           consumers)
    return [Orphan(consumer, uuid, amounts)
            for uuid in uuids
            for consumer, amounts in sorted(held[uuid].items())
            if consumer not in live]


def delete_orphan(ctx, orphan):
    """Remove the orphan's allocations on its provider (its others
    stay)."""
    held = allocations.show_consumer(ctx, orphan.consumer_uuid)
    remaining = {uuid: amounts for uuid, amounts in held.allocations.items()
                 if uuid != orphan.provider_uuid}
    if not remaining:
        try:
            allocations.delete_allocations(ctx, orphan.consumer_uuid)
        except placement_exception.ConsumerNotFound:
            pass
        return
    allocations.replace_allocations(ctx, [allocations.ConsumerAllocations(
        orphan.consumer_uuid, remaining, held.project_id, held.user_id,
        held.generation, held.consumer_type)])


# aggregates ----------------------------------------------------------------

class AggregateUpdateFailed(Exception):
    """placement refused a provider's new aggregates."""


@dataclasses.dataclass
class AggregateSync:
    """Hosts sync_aggregates could not place (by what was missing)."""
    unmapped_hosts: set = dataclasses.field(default_factory=set)
    computes_not_found: set = dataclasses.field(default_factory=set)
    providers_not_found: dict = dataclasses.field(default_factory=dict)


def sync_aggregates(ctx, aggregates, output=_no_output):
    """Add the providers of each aggregate host's compute nodes (all of
    them: a host of the fake driver has several, as the aggregates API
    adds them all) to the aggregate's uuid in placement; an
    AggregateSync of what could not be done."""
    result = AggregateSync()
    host_providers = {}
    output("Filling in missing placement aggregates")
    for aggregate in aggregates:
        output("Processing aggregate: %s" % aggregate.name)
        for host in aggregate.hosts:
            output("Processing host: %s" % host)
            if host not in host_providers:
                provider_uuids = _providers_of_host(ctx, host, result)
                if not provider_uuids:
                    continue
                host_providers[host] = provider_uuids
            for provider_uuid in host_providers[host]:
                _join(ctx, aggregate, host, provider_uuid, result, output)
    return result


def _providers_of_host(ctx, host, result):
    try:
        host_mapping_obj.HostMapping.get_by_host(ctx, host)
    except exception.HostMappingNotFound:
        result.unmapped_hosts.add(host)
        return []
    nodes = compute_node_obj.ComputeNodeList.get_by_host(ctx, host)
    if not nodes:
        result.computes_not_found.add(host)
    return [node.uuid for node in nodes]


def _join(ctx, aggregate, host, provider_uuid, result, output):
    try:
        current, generation = placement_aggregates.provider_aggregates(
            ctx, provider_uuid)
        if aggregate.uuid in current:
            return
        placement_aggregates.set_provider_aggregates(
            ctx, provider_uuid, current + [aggregate.uuid], generation)
    except placement_exception.ResourceProviderNotFound:
        result.providers_not_found[host] = provider_uuid
        return
    except placement_exception.PlacementError as exc:
        raise AggregateUpdateFailed(
            "Failed updating provider aggregates for host (%s), provider "
            "(%s) and aggregate (%s). Error: %s"
            % (host, provider_uuid, aggregate.uuid, exc)) from exc
    output("Successfully added host (%s) and provider (%s) to aggregate "
           "(%s)." % (host, provider_uuid, aggregate.uuid))

