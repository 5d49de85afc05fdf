"""Computes report in: their service record, their host mapping, their
compute nodes and the nodes' resource providers in placement (a new
provider joining the placement aggregates of its host's aggregates), with
the providers' COMPUTE_* traits (the driver's capabilities, and
COMPUTE_STATUS_DISABLED while the service is disabled).

A cell conductor (no API database) writes placement over its REST API
and maps no host: discover_hosts and the scheduler's periodic discovery
do, and join the host's new providers to its aggregates then."""
import os_resource_classes as orc
import os_traits

from stratus.compute import capability_traits
from stratus.conductor import placement_report
from stratus import exception
from stratus.objects import base as objects_base
from stratus.objects import compute_node as compute_node_obj
from stratus.objects import host_mapping as host_mapping_obj
from stratus.objects import service as service_obj
from stratus.objects import service_versions
from stratus.placement import providers
from stratus import constants



def service_report(ctx, cell, service):
    """Create the service in this conductor's cell on its first report
    (mapping a new compute host to the cell at once, so it can take
    servers without ``discover_hosts``; not a cell conductor, which has
    no API database), record a heartbeat afterwards; with the version
    and release the service says it runs (on its first report). A
    compute older than this conductor supports is refused (ServiceTooOld:
    it stops)."""
    stored = service_obj.Service.report(ctx, cell.uuid, service.host,
                                        service.binary, service.topic,
                                        version=service.get("version"),
                                        release=service.get("release"),
                                        unreported_version=service_obj
                                        .UNREPORTED_VERSION)
    if stored.binary == constants.COMPUTE_BINARY and \
            stored.report_count == 1 and placement_report.has_api(ctx):
        host_mapping_obj.ensure_host_mapping(ctx, stored.host, cell)
    if stored.version < service_obj.SERVICE_VERSION:
        # The reporter's release is known here, whatever [upgrade_levels]
        # says: its answer is in that release's objects (a primitive,
        # which the caller's serializer makes an object again), or a
        # 0.1.0 compute could not read its Service and stop beating.
        return objects_base.back_levelled(stored, service_versions.entry(
            stored.version)[service_versions.OBJECTS])
    return stored


def compute_nodes_update(ctx, cell, host, compute_nodes, traits=None):
    """Store the host's nodes, then give each its resource provider
    (uuid = node uuid, name = hypervisor_hostname) with VCPU, MEMORY_MB and
    DISK_GB inventories; unchanged providers are not written, the others
    in bulk. traits: the capability traits of the host's driver (None
    from a compute older than conductor RPC 1.3: then only the disabled
    status is kept in step)."""
    try:
        service = service_obj.Service.get_by_host_and_binary(
            ctx, host, constants.COMPUTE_BINARY, cell_uuid=cell.uuid)
    except exception.ServiceNotFound:
        service = None
    nodes = compute_node_obj.ComputeNodeList.update_host(
        ctx, cell.uuid, host, service.id if service is not None else None,
        list(compute_nodes))
    placement = placement_report.of(ctx)
    created = placement.ensure_root_providers(ctx, {
        node.uuid: (node.hypervisor_hostname, node_inventories(node))
        for node in nodes})
    if created and placement_report.has_api(ctx):
        host_mapping_obj.join_host_aggregates(ctx, host, sorted(created))
    _sync_traits(ctx, nodes, traits,
                 service is not None and service.disabled)
    return nodes


def _sync_traits(ctx, nodes, traits, disabled):
    """Each node's provider gets the traits its compute reports (and
    COMPUTE_STATUS_DISABLED while the service is disabled, so a node
    registered while it is gets it at once); the compute's other former
    traits go, the operator's stay."""
    status = {os_traits.COMPUTE_STATUS_DISABLED} if disabled else set()
    if traits is None:
        wanted = {node.uuid: set(status) for node in nodes}
        owned = {os_traits.COMPUTE_STATUS_DISABLED}.__contains__
    else:
        wanted = {node.uuid: capability_traits.node_traits(traits, node)
                  | status for node in nodes}

        def owned(name):
            return (name == os_traits.COMPUTE_STATUS_DISABLED
                    or capability_traits.owned(name))
    placement_report.of(ctx).sync_traits(ctx, wanted, owned)


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
