import concurrent.futures
import uuid

import pytest

from stratus import context
from stratus import exception
from stratus.db import api_models
from stratus.placement import allocations
from stratus.placement import usages
from stratus.scheduler import manager as scheduler_manager
from tests.unit.scheduler import hosts


@pytest.fixture
def ctx(databases):
    return context.get_admin_context(databases)


@pytest.fixture
def scheduler(conf, databases):
    conf.set_override("host_cache_seconds", 0, group="scheduler")
    return scheduler_manager.SchedulerManager(conf, None, databases)


def _uuids(count):
    return [str(uuid.uuid4()) for _ in range(count)]


def _usage(ctx, nodes):
    return {node.hypervisor_hostname: usages.provider_usages(ctx, node.uuid)
            for node in nodes}


def test_chosen_host_is_claimed_and_alternates_are_not(ctx, scheduler):
    nodes = list(hosts.register_host(ctx, "h1", memory_mb=8192)) + list(
        hosts.register_host(ctx, "h2", memory_mb=4096)) + list(
        hosts.register_host(ctx, "h3", memory_mb=2048))
    instance = _uuids(1)
    [selections] = scheduler.select_destinations(
        ctx, hosts.request_spec(), instance)
    assert [s.service_host for s in selections] == ["h1", "h2", "h3"]
    chosen = selections[0]
    assert chosen.compute_node_uuid == nodes[0].uuid
    assert chosen.compute_node_id == nodes[0].id
    assert chosen.cell_uuid == hosts.cell1(ctx).uuid
    assert chosen.availability_zone == "nova"
    assert allocations.get_allocations(ctx, instance[0]) == {
        nodes[0].uuid: {"VCPU": 1, "MEMORY_MB": 512, "DISK_GB": 1}}
    assert allocations.from_allocation_request(
        selections[1].allocation_request) == {
        nodes[1].uuid: {"VCPU": 1, "MEMORY_MB": 512, "DISK_GB": 1}}
    assert _usage(ctx, nodes)["h2-node0"] == {}


def test_multi_create_spreads_and_respects_max_attempts(conf, ctx, scheduler):
    conf.set_override("max_attempts", 2, group="scheduler")
    nodes = hosts.register_host(ctx, "h1", nodes=3)
    results = scheduler.select_destinations(
        ctx, hosts.request_spec(memory_mb=1024), _uuids(3))
    assert sorted(r[0].nodename for r in results) == [
        "h1-node0", "h1-node1", "h1-node2"]
    assert all(len(r) == 2 for r in results)
    assert all(u["MEMORY_MB"] == 1024 for u in _usage(ctx, nodes).values())


def test_no_valid_host_when_nothing_fits_and_claims_are_undone(ctx, scheduler):
    nodes = hosts.register_host(ctx, "h1", vcpus=2)
    with pytest.raises(exception.NoValidHost):
        scheduler.select_destinations(ctx, hosts.request_spec(vcpus=1),
                                      _uuids(3))
    assert _usage(ctx, nodes) == {"h1-node0": {}}
    with pytest.raises(exception.NoValidHost):
        scheduler.select_destinations(ctx, hosts.request_spec(vcpus=3),
                                      _uuids(1))


def test_down_disabled_and_other_zone_hosts_are_skipped(ctx, scheduler,
                                                        databases):
    hosts.register_host(ctx, "down")
    hosts.mark_down(ctx, "down")
    hosts.register_host(ctx, "zoned")
    with databases.api.writer() as session:
        aggregate = api_models.Aggregate(uuid=str(uuid.uuid4()), name="agg")
        session.add(aggregate)
        session.flush()
        session.add(api_models.AggregateHost(host="zoned",
                                             aggregate_id=aggregate.id))
        session.add(api_models.AggregateMetadata(
            aggregate_id=aggregate.id, key="availability_zone", value="az1"))
    hosts.register_host(ctx, "plain", memory_mb=1024)
    [selections] = scheduler.select_destinations(
        ctx, hosts.request_spec(), _uuids(1))
    assert [s.service_host for s in selections] == ["zoned", "plain"]
    [selections] = scheduler.select_destinations(
        ctx, hosts.request_spec(availability_zone="az1"), _uuids(1))
    assert [(s.service_host, s.availability_zone)
            for s in selections] == [("zoned", "az1")]
    [selections] = scheduler.select_destinations(
        ctx, hosts.request_spec(requested_host="plain"), _uuids(1))
    assert [s.service_host for s in selections] == ["plain"]


def test_concurrent_requests_never_overcommit(ctx, scheduler):
    nodes = list(hosts.register_host(ctx, "h1", vcpus=3)) + list(
        hosts.register_host(ctx, "h2", vcpus=4))

    def select(_):
        try:
            return scheduler.select_destinations(
                ctx, hosts.request_spec(vcpus=1), _uuids(1))[0][0].service_host
        except exception.NoValidHost:
            return None
    with concurrent.futures.ThreadPoolExecutor(12) as pool:
        picked = list(pool.map(select, range(20)))
    assert sorted(filter(None, picked)) == ["h1"] * 3 + ["h2"] * 4
    assert [u["VCPU"] for u in _usage(ctx, nodes).values()] == [3, 4]
