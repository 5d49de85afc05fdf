"""Registering fake compute hosts the way a compute does, through the
conductor's report functions (no RPC)."""
import datetime
import uuid

from stratus.conductor.tasks import compute_report
from stratus.db import api_models
from stratus.db import setup as db_setup
from stratus.objects import cell_mapping
from stratus.objects import compute_node
from stratus.objects import flavor as flavor_obj
from stratus.objects import request_spec as request_spec_obj
from stratus.objects import service as service_obj


def cell1(ctx):
    return [cell for cell in cell_mapping.CellMappingList.get_all(ctx)
            if cell.uuid != db_setup.CELL0_UUID][0]


def register_host(ctx, host, nodes=1, vcpus=4, memory_mb=4096, disk_gb=40,
                  cpu_ratio=1.0, memory_reserved=0, **values):
    cell = cell1(ctx)
    values = dict(dict(hypervisor_type="fake", hypervisor_version=1),
                  **values)
    compute_report.service_report(ctx, cell, service_obj.Service(
        host=host, binary="nova-compute", topic="compute"))
    return compute_report.compute_nodes_update(ctx, cell, host, [
        compute_node.ComputeNode(
            host=host, hypervisor_hostname="%s-node%d" % (host, index),
            vcpus=vcpus, memory_mb=memory_mb, local_gb=disk_gb,
            cpu_allocation_ratio=cpu_ratio, ram_allocation_ratio=1.0,
            disk_allocation_ratio=1.0, memory_mb_reserved=memory_reserved,
            **values)
        for index in range(nodes)])


def add_aggregate(ctx, name, hosts, **metadata):
    """An aggregate of hosts with metadata, written to the API DB (as the
    aggregates API does); its uuid."""
    with ctx.api_db.writer() as session:
        aggregate = api_models.Aggregate(uuid=str(uuid.uuid4()), name=name)
        session.add(aggregate)
        session.flush()
        for host in hosts:
            session.add(api_models.AggregateHost(host=host,
                                                 aggregate_id=aggregate.id))
        for key, value in metadata.items():
            session.add(api_models.AggregateMetadata(
                aggregate_id=aggregate.id, key=key, value=value))
        return aggregate.uuid


def mark_down(ctx, host):
    service = service_obj.Service.get_by_host_and_binary(
        ctx, host, "nova-compute")
    service.last_seen_up = service.last_seen_up - datetime.timedelta(hours=1)
    service.save()


def request_spec(vcpus=1, memory_mb=512, root_gb=1, **kwargs):
    flavor = flavor_obj.Flavor(
        id=1, flavorid="1", name="small", vcpus=vcpus, memory_mb=memory_mb,
        root_gb=root_gb, ephemeral_gb=0, swap=0, extra_specs={})
    kwargs.setdefault("project_id", "project")
    kwargs.setdefault("user_id", "user")
    return request_spec_obj.RequestSpec(flavor=flavor, **kwargs)
