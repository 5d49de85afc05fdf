"""Computes report in: their service record, their host mapping, their
compute nodes and the nodes' resource providers in placement (a new
provider joining the placement aggregates of its host's aggregates)."""
import os_resource_classes as orc

from stratus import exception
from stratus.objects import aggregate as aggregate_obj
from stratus.objects import compute_node as compute_node_obj
from stratus.objects import host_mapping as host_mapping_obj
from stratus.objects import service as service_obj
from stratus.placement import host_aggregates
from stratus.placement import providers

COMPUTE_BINARY = "nova-compute"


def service_report(ctx, cell, service):
    """Create the service in this conductor's cell on its first report
    (mapping a new compute host to the cell at once, so it can take
    servers without ``discover_hosts``), record a heartbeat afterwards."""
    stored = service_obj.Service.report(ctx, cell.uuid, service.host,
                                        service.binary, service.topic)
    if stored.binary == COMPUTE_BINARY and stored.report_count == 1:
        host_mapping_obj.ensure_host_mapping(ctx, stored.host, cell)
    return stored


def compute_nodes_update(ctx, cell, host, compute_nodes):
    """Store the host's nodes, then give each its resource provider
    (uuid = node uuid, name = hypervisor_hostname) with VCPU, MEMORY_MB and
    DISK_GB inventories; unchanged providers are not written."""
    try:
        service_id = service_obj.Service.get_by_host_and_binary(
            ctx, host, COMPUTE_BINARY, cell_uuid=cell.uuid).id
    except exception.ServiceNotFound:
        service_id = None
    nodes = compute_node_obj.ComputeNodeList.update_host(
        ctx, cell.uuid, host, service_id, list(compute_nodes))
    current = providers.providers_with_inventories(
        ctx, [node.uuid for node in nodes])
    for node in nodes:
        name, inventories = current.get(node.uuid, (None, None))
        if name != node.hypervisor_hostname:
            providers.ensure_provider(ctx, node.uuid, node.hypervisor_hostname)
            if name is None:
                _join_host_aggregates(ctx, host, node.uuid)
        wanted = node_inventories(node)
        if inventories != wanted:
            providers.set_inventories(ctx, node.uuid, wanted)
    return nodes


def _join_host_aggregates(ctx, host, provider_uuid):
    """A node new to placement joins the placement aggregates of its
    host's aggregates (the host may have joined them first)."""
    for aggregate in aggregate_obj.AggregateList.get_by_host(ctx, host):
        host_aggregates.add_member(ctx, aggregate.uuid, [provider_uuid])


def node_inventories(node):
    inventories = {}
    for resource_class, total, reserved, ratio in (
            (orc.VCPU, node.vcpus, node.vcpus_reserved,
             node.cpu_allocation_ratio),
            (orc.MEMORY_MB, node.memory_mb, node.memory_mb_reserved,
             node.ram_allocation_ratio),
            (orc.DISK_GB, node.local_gb, node.disk_gb_reserved,
             node.disk_allocation_ratio)):
        if total > 0:
            inventories[resource_class] = providers.Inventory(
                total=total, reserved=min(reserved, total),
                allocation_ratio=ratio)
    return inventories
