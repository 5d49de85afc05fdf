"""HostStates and RequestSpecs in memory, for filter and weigher tests."""
import datetime
import itertools
import json
import uuid

from stratus.objects import aggregate as aggregate_obj
from stratus.objects import compute_node
from stratus.objects import flavor as flavor_obj
from stratus.objects import image_meta as image_meta_obj
from stratus.objects import request_spec as request_spec_obj
from stratus.objects import service as service_obj
from stratus.placement import providers
from stratus.placement import usages
from stratus.scheduler import host_state

_IDS = itertools.count(1)


def aggregate(hosts, **metadata):
    return aggregate_obj.Aggregate(
        id=next(_IDS), uuid=str(uuid.uuid4()), name="agg%d" % next(_IDS),
        hosts=list(hosts), metadata=metadata)


def host(name="h1", node=None, vcpus=4, vcpus_used=0, memory_mb=4096,
         memory_used=0, disk_gb=40, disk_used=0, aggregates=(), stats=None,
         metrics=None, supported_instances=None, hypervisor_type="fake",
         hypervisor_version=1000, cpu_info="", host_ip="192.168.1.10",
         cell_uuid=None, running_vms=0, current_workload=0,
         image_properties=None, cpu_ratio=1.0):
    """A HostState of one node; aggregates: Aggregate objects (only those
    naming this host count)."""
    nodename = node or name + "-node"
    node_obj = compute_node.ComputeNode(
        id=next(_IDS), uuid=str(uuid.uuid4()), host=name,
        hypervisor_hostname=nodename, vcpus=vcpus, memory_mb=memory_mb,
        local_gb=disk_gb, vcpus_used=vcpus_used, hypervisor_type=hypervisor_type,
        hypervisor_version=hypervisor_version, cpu_info=cpu_info,
        host_ip=host_ip, running_vms=running_vms,
        current_workload=current_workload,
        stats=None if stats is None else json.dumps(stats),
        metrics=None if metrics is None else json.dumps(
            [{"name": key, "value": value, "source": "test"}
             for key, value in metrics.items()]),
        supported_instances=None if supported_instances is None
        else json.dumps(supported_instances),
        cpu_allocation_ratio=cpu_ratio, ram_allocation_ratio=1.0,
        disk_allocation_ratio=1.0,
        cell_uuid=cell_uuid or str(uuid.UUID(int=1)))
    service = service_obj.Service(
        host=name, binary="nova-compute", disabled=False, forced_down=False,
        last_seen_up=datetime.datetime.now(datetime.timezone.utc))
    summary = usages.ProviderSummary(node_obj.uuid, 1, {
        "VCPU": providers.Inventory(total=vcpus, allocation_ratio=cpu_ratio),
        "MEMORY_MB": providers.Inventory(total=memory_mb),
        "DISK_GB": providers.Inventory(total=disk_gb)}, {
        "VCPU": vcpus_used, "MEMORY_MB": memory_used, "DISK_GB": disk_used})
    members, metadata = host_state.by_host(
        [agg for agg in aggregates if name in agg.hosts])
    return host_state.HostState(
        node_obj, service, "nova", summary, members.get(name, ()),
        metadata.get(name, {}), image_properties=image_properties)


def spec(extra_specs=None, image_properties=None, image_id=None, hints=None,
         flavor_name="small", project_id="project", vcpus=1, memory_mb=512,
         **kwargs):
    flavor = flavor_obj.Flavor(
        id=1, flavorid="1", name=flavor_name, vcpus=vcpus,
        memory_mb=memory_mb, root_gb=1, ephemeral_gb=0, swap=0,
        extra_specs=dict(extra_specs or {}))
    image = None
    if image_properties is not None or image_id is not None:
        image = image_meta_obj.ImageMeta(
            id=image_id or str(uuid.uuid4()),
            properties=dict(image_properties or {}))
    return request_spec_obj.RequestSpec(
        flavor=flavor, image=image, project_id=project_id, user_id="user",
        scheduler_hints={name: value if isinstance(value, list) else [value]
                         for name, value in (hints or {}).items()},
        **kwargs)


def passes(host_filter, host_state_, spec_, ctx=None):
    """Whether the host passes the filter as the scheduler uses it
    (prepared for the request first)."""
    prepare = getattr(host_filter, "for_request", None)
    if prepare is not None:
        host_filter = prepare(ctx, spec_)
        if host_filter is None:
            return True
    return host_filter.host_passes(host_state_, spec_, {})
