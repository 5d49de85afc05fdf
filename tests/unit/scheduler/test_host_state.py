"""The HostManager's view: what it loads in bulk with the topology, and
how a request's placements change it."""
import json
import uuid

import pytest

from stratus import exception
from stratus.scheduler import host_state
from stratus.scheduler import manager as scheduler_manager
from tests.unit.scheduler import hosts

RESOURCES = ["VCPU", "MEMORY_MB", "DISK_GB"]


@pytest.fixture
def scheduler(conf, databases):
    conf.set_override("host_cache_seconds", 0, group="scheduler")
    return scheduler_manager.SchedulerManager(conf, None, databases)


def _uuids(count):
    return [str(uuid.uuid4()) for _ in range(count)]


def test_host_states_carry_aggregates_stats_metrics_and_node_details(
        conf, ctx):
    hosts.register_host(
        ctx, "h1", hypervisor_type="QEMU", hypervisor_version=8002000,
        cpu_info=json.dumps({"arch": "x86_64"}), host_ip="10.1.2.3",
        stats=json.dumps({"num_instances": 3, "io_workload": 1,
                          "failed_builds": 2}),
        metrics=json.dumps([{"name": "cpu.percent", "value": 0.5,
                             "source": "fake"}]),
        supported_instances=json.dumps([["x86_64", "QEMU", "hvm"]]))
    hosts.register_host(ctx, "h2")
    hosts.add_aggregate(ctx, "fast", ["h1"], ssd="true",
                        ram_weight_multiplier="2")
    hosts.add_aggregate(ctx, "cheap", ["h1", "h2"], ram_weight_multiplier="-1")
    states = {state.host: state for state in host_state.HostManager(
        conf).host_states(ctx, RESOURCES)}
    h1, h2 = states["h1"], states["h2"]
    assert sorted(aggregate.name for aggregate in h1.aggregates) == [
        "cheap", "fast"]
    assert sorted(h1.aggregate_values("ram_weight_multiplier")) == ["-1", "2"]
    assert h2.aggregate_values("ssd") == ()
    assert (h1.num_instances, h1.num_io_ops, h1.failed_builds) == (3, 1, 2)
    assert (h2.num_instances, h2.num_io_ops, h2.failed_builds) == (0, 0, 0)
    assert h1.metrics == {"cpu.percent": 0.5}
    assert h1.supported_instances == [("x86_64", "qemu", "hvm")]
    assert (h1.hypervisor_type, h1.hypervisor_version, h1.host_ip) == (
        "QEMU", 8002000, "10.1.2.3")
    assert (h1.free_ram_mb, h1.vcpus_total, h1.free_disk_mb) == (
        4096, 4, 40 * 1024)


def test_a_multi_create_counts_its_own_servers(conf, ctx, scheduler):
    conf.set_override("enabled_filters", ["NumInstancesFilter",
                                          "CapacityFilter"],
                      group="filter_scheduler")
    conf.set_override("max_instances_per_host", 2, group="filter_scheduler")
    scheduler = scheduler_manager.SchedulerManager(conf, None,
                                                   ctx.databases)
    hosts.register_host(ctx, "h1", memory_mb=65536, vcpus=64,
                        stats=json.dumps({"num_instances": 1}))
    hosts.register_host(ctx, "h2", memory_mb=4096)
    results = scheduler.select_destinations(ctx, hosts.request_spec(),
                                            _uuids(3))
    assert sorted(r[0].service_host for r in results) == ["h1", "h2", "h2"]
    with pytest.raises(exception.NoValidHost):
        scheduler.select_destinations(ctx, hosts.request_spec(), _uuids(4))


def test_io_ops_weigher_spreads_a_multi_create(conf, ctx):
    conf.set_override("weight_classes", ["IoOpsWeigher"],
                      group="filter_scheduler")
    conf.set_override("host_cache_seconds", 0, group="scheduler")
    scheduler = scheduler_manager.SchedulerManager(conf, None,
                                                   ctx.databases)
    for name in ("h1", "h2", "h3"):
        hosts.register_host(ctx, name, memory_mb=65536, vcpus=64)
    results = scheduler.select_destinations(ctx, hosts.request_spec(),
                                            _uuids(3))
    assert sorted(r[0].service_host for r in results) == ["h1", "h2", "h3"]
