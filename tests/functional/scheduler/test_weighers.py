"""Weighers through the Compute API: where a server lands."""
import json
import time

import pytest

from stratus.objects import compute_node as compute_node_obj

from tests.functional.scheduler.conftest import MAIN_HOST
from tests.functional.scheduler.conftest import host_of
from tests.functional.scheduler.conftest import node_of

pytestmark = pytest.mark.slow


def test_aggregate_multiplier_changes_where_a_server_lands(stack):
    stack.start(weighers=["RAMWeigher"])
    # The main host has 64 GiB, the small one 16 GiB.
    stack.add_compute("small", memory_mb=16384)
    assert host_of(stack.boot("spread")) == MAIN_HOST
    stack.add_aggregate("packed", [MAIN_HOST, "small"],
                        ram_weight_multiplier="-1.0")
    assert host_of(stack.boot("stacked")) == "small"


def test_hosts_whose_builds_fail_are_avoided(stack):
    stack.start(weighers=["RAMWeigher", "BuildFailureWeigher"])
    stack.add_compute("flaky", memory_mb=131072,
                      fail_spawn_name_regex="^doomed")
    # The roomier host is tried first, fails, and the alternate builds it.
    assert host_of(stack.boot("doomed")) == MAIN_HOST
    stack.wait_for_node("flaky",
                        lambda stats, node: stats.get("failed_builds") == 1)
    assert host_of(stack.boot("fine")) == MAIN_HOST
    # With the weigher off for these hosts RAM decides again, and a
    # successful build clears the count.
    stack.add_aggregate("forgiving", [MAIN_HOST, "flaky"],
                        build_failure_weight_multiplier="0")
    assert host_of(stack.boot("lucky")) == "flaky"
    stack.wait_for_node("flaky",
                        lambda stats, node: stats.get("failed_builds") == 0)


def test_metrics_weigher_prefers_idle_hypervisors(stack):
    stack.start(nodes=2, weighers=["MetricsWeigher"],
                metrics__weight_setting=["cpu.percent=-1.0"],
                fake_driver__vcpus=2)
    first = stack.boot("first")
    busy = node_of(first)
    [idle] = {MAIN_HOST + "-node1", MAIN_HOST + "-node2"} - {busy}
    _wait_for_metric(stack, busy)
    assert node_of(stack.boot("second")) == idle


def _wait_for_metric(stack, nodename):
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        node = compute_node_obj.ComputeNode.get_by_host_and_nodename(
            stack.ctx, MAIN_HOST, nodename)
        metrics = {item["name"]: item["value"]
                   for item in json.loads(node.metrics or "[]")}
        if metrics.get("cpu.percent", 0) > 0:
            return metrics
        time.sleep(0.05)
    raise AssertionError("%s never reported load" % nodename)
