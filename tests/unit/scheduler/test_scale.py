"""What keeps the scheduler fast on large clouds: placement's candidates
bound the hosts a request looks at, the host cache follows the nodes that
change, and computes register their nodes in bulk."""
import datetime
import gc
import json
import time
import uuid

import pytest

from stratus import exception
from stratus.objects import aggregate as aggregate_obj
from stratus.objects import compute_node as compute_node_obj
from stratus.objects import service as service_obj
from stratus.placement import host_aggregates
from stratus.placement import providers
from stratus.placement import traits
from stratus.scheduler import host_state
from stratus.scheduler import manager as scheduler_manager
from tests.unit.scheduler import hosts


def _scheduler(conf, ctx):
    return scheduler_manager.SchedulerManager(conf, None, ctx.databases)


def _pick(scheduler, ctx, spec=None, alternates=True):
    spec = spec or hosts.request_spec()
    return scheduler.select_destinations(ctx, spec, [str(uuid.uuid4())],
                                         return_alternates=alternates)[0]


def _uuid_of(ctx, host):
    return hosts.register_host(ctx, host)[0].uuid


def test_a_request_looks_at_max_placement_results_hosts(conf, ctx):
    conf.set_override("max_placement_results", 2, group="scheduler")
    conf.set_override("max_attempts", 10, group="scheduler")
    for name in ("h1", "h2", "h3", "h4"):
        hosts.register_host(ctx, name)
    picks = _pick(_scheduler(conf, ctx), ctx)
    assert len(picks) == 2


def test_randomized_candidates_still_fit_the_request(conf, ctx):
    conf.set_override("max_placement_results", 1, group="scheduler")
    conf.set_override("randomize_allocation_candidates", True,
                      group="placement")
    hosts.register_host(ctx, "small", vcpus=1)
    hosts.register_host(ctx, "big", vcpus=8)
    scheduler = _scheduler(conf, ctx)
    for _ in range(4):  # big holds four of them
        assert _pick(scheduler, ctx, hosts.request_spec(vcpus=2))[
            0].service_host == "big"


def test_flavor_traits_and_disabled_computes_shape_the_candidates(conf,
                                                                  ctx):
    h1, h2 = _uuid_of(ctx, "h1"), _uuid_of(ctx, "h2")
    scheduler = _scheduler(conf, ctx)
    spec = hosts.request_spec()
    spec.flavor.extra_specs = {"trait:HW_CPU_X86_AVX2": "required"}
    with pytest.raises(exception.NoValidHost):
        _pick(scheduler, ctx, spec)
    traits.set_provider_traits(ctx, h2, ["HW_CPU_X86_AVX2"])
    assert _pick(scheduler, ctx, spec)[0].service_host == "h2"
    spec.flavor.extra_specs = {"trait:HW_CPU_X86_AVX2": "forbidden"}
    assert [s.service_host for s in _pick(scheduler, ctx, spec)] == ["h1"]
    traits.set_provider_traits(ctx, h1, ["COMPUTE_STATUS_DISABLED"])
    assert [s.service_host for s in _pick(scheduler, ctx)] == ["h2"]
    spec.flavor.extra_specs = {"trait:CUSTOM_NOBODY_HAS_IT": "required"}
    with pytest.raises(exception.NoValidHost):
        _pick(scheduler, ctx, spec)


def test_the_host_cache_follows_changed_and_deleted_nodes(conf, ctx):
    conf.set_override("host_cache_seconds", 0, group="scheduler")
    conf.set_override("enabled_filters", ["NumInstancesFilter"],
                      group="filter_scheduler")
    conf.set_override("max_instances_per_host", 5, group="filter_scheduler")
    hosts.register_host(ctx, "h1")
    hosts.register_host(ctx, "h2")
    scheduler = _scheduler(conf, ctx)
    assert {s.service_host for s in _pick(scheduler, ctx)} == {"h1", "h2"}
    hosts.register_host(ctx, "h1", stats=json.dumps({"num_instances": 5}))
    assert [s.service_host for s in _pick(scheduler, ctx)] == ["h2"]
    service_obj.Service.get_by_host_and_binary(
        ctx, "h2", "nova-compute").destroy()
    with pytest.raises(exception.NoValidHost):
        _pick(scheduler, ctx)


def test_a_quiet_clouds_refresh_reads_no_node_yet_sees_the_next_change(
        conf, ctx, monkeypatch):
    monkeypatch.setattr(host_state, "_IN_FLIGHT_MARGIN",
                        datetime.timedelta(seconds=0.2))
    calls = []
    changed_since = compute_node_obj.ComputeNodeList.changed_since

    def recording(context, since, known=None, down_cells=None):
        changed, deleted = changed_since(context, since, known, down_cells)
        calls.append((since, len(changed) + len(deleted)))
        return changed, deleted
    monkeypatch.setattr(compute_node_obj.ComputeNodeList, "changed_since",
                        recording)
    nodes = hosts.register_host(ctx, "h1", nodes=3)
    registered = max(node.stamp() for node in nodes)
    manager = host_state.HostManager(conf)
    manager.refresh(ctx)
    for _ in range(2):
        time.sleep(0.3)
        manager.refresh(ctx)
    # Past the margin, the window no longer holds the registration.
    assert calls[-1][0] > registered
    hosts.register_host(ctx, "h1", nodes=3, vcpus=8)
    manager.refresh(ctx)
    assert [count for _since, count in calls] == [0, 0, 3]
    assert {node.vcpus for node in manager._topology.nodes.values()} == {8}


def test_a_large_clouds_objects_leave_full_collections(conf, ctx,
                                                        monkeypatch):
    monkeypatch.setattr(host_state, "FREEZE_MIN_NODES", 4)
    manager = host_state.HostManager(conf)
    hosts.register_host(ctx, "h1", nodes=3)
    try:
        manager.refresh(ctx)
        assert gc.get_freeze_count() == 0
        hosts.register_host(ctx, "h2", nodes=2)
        manager.refresh(ctx)
        frozen = gc.get_freeze_count()
        assert frozen > 0
        # Again only once the cloud has doubled.
        hosts.register_host(ctx, "h3", nodes=2)
        manager.refresh(ctx)
        assert gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()


def test_nodes_register_in_bulk_and_follow_changed_inventories(ctx):
    nodes = hosts.register_host(ctx, "h1", nodes=3, vcpus=4)
    for node in nodes:
        assert providers.get_inventories(ctx, node.uuid)["VCPU"].total == 4
        assert providers.get_provider(ctx, node.uuid).name == \
            node.hypervisor_hostname
    hosts.register_host(ctx, "h1", nodes=3, vcpus=16)
    for node in nodes:
        assert providers.get_inventories(ctx, node.uuid)["VCPU"].total == 16
    hosts.register_host(ctx, "h1", nodes=3, vcpus=16, disk_gb=0)
    assert "DISK_GB" not in providers.get_inventories(ctx, nodes[0].uuid)


def test_a_requested_zone_asks_placement_for_its_aggregates_only(conf, ctx):
    conf.set_override("enabled_filters", [], group="filter_scheduler")
    conf.set_override("query_placement_for_availability_zone", True,
                      group="scheduler")
    in_zone = _uuid_of(ctx, "h1")
    hosts.register_host(ctx, "h2")
    hosts.add_aggregate(ctx, "zone-a", ["h1"], availability_zone="az1")
    aggregate = [a for a in aggregate_obj.AggregateList.get_all(ctx)
                 if a.name == "zone-a"][0]
    host_aggregates.add_member(ctx, aggregate.uuid, [in_zone])
    scheduler = _scheduler(conf, ctx)
    spec = hosts.request_spec(availability_zone="az1")
    assert [s.service_host for s in _pick(scheduler, ctx, spec)] == ["h1"]
    conf.set_override("query_placement_for_availability_zone", False,
                      group="scheduler")
    assert {s.service_host for s in _pick(scheduler, ctx, spec)} == {
        "h1", "h2"}
