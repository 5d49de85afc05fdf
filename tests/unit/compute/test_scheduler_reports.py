"""What computes report for the scheduler's filters and weighers: stats
(instances, I/O operations, failed builds), supported instances and CPU
metrics from the fake driver."""
import json
import time

from stratus.objects import compute_node as compute_node_obj
from tests.unit.compute.test_manager import build
from tests.unit.compute.test_manager import errored
from tests.unit.compute.test_manager import settled


def _node(hosts, compute, nodename, until=lambda stats: True, timeout=10):
    """(stats, metrics, node) as reported, once until(stats) holds (the
    build's last usage update follows the save the test waits for)."""
    deadline = time.monotonic() + timeout
    while True:
        compute.tracker.report_changed_nodes(hosts.ctx)
        node = compute_node_obj.ComputeNode.get_by_host_and_nodename(
            hosts.ctx, "cmp1", nodename)
        stats = json.loads(node.stats)
        if until(stats) or time.monotonic() > deadline:
            metrics = {item["name"]: item["value"]
                       for item in json.loads(node.metrics)}
            return stats, metrics, node
        time.sleep(0.02)


def test_nodes_report_counts_supported_instances_and_metrics(hosts):
    hosts.conf.set_override("nodes", 1, group="fake_driver")
    hosts.conf.set_override("vcpus", 4, group="fake_driver")
    compute = hosts.start_compute("cmp1")
    stats, metrics, node = _node(hosts, compute, "cmp1")
    assert stats == {"num_instances": 0, "io_workload": 0,
                     "failed_builds": 0}
    assert metrics["cpu.percent"] == 0.0
    assert metrics["cpu.idle.percent"] == 1.0
    assert json.loads(node.supported_instances) == [
        ["x86_64", "fake", "hvm"], ["i686", "fake", "hvm"]]
    instance = hosts.create_instance("cmp1", "cmp1")
    build(hosts, instance)
    hosts.wait_for(instance.uuid, settled)
    hosts.wait_for_events(instance.uuid, 1)
    stats, metrics, node = _node(hosts, compute, "cmp1",
                                 lambda stats: not stats["io_workload"])
    assert (stats["num_instances"], stats["io_workload"]) == (1, 0)
    assert metrics["cpu.percent"] == instance.vcpus / 4.0


def test_failed_builds_count_until_one_succeeds(hosts):
    hosts.conf.set_override("nodes", 1, group="fake_driver")
    hosts.conf.set_override("fail_spawn_name_regex", "^broken",
                            group="fake_driver")
    compute = hosts.start_compute("cmp1")
    for name in ("broken-1", "broken-2"):
        instance = hosts.create_instance("cmp1", "cmp1", name=name)
        build(hosts, instance)
        hosts.wait_for(instance.uuid, errored)
    assert _node(hosts, compute, "cmp1")[0]["failed_builds"] == 2
    instance = hosts.create_instance("cmp1", "cmp1", name="fine")
    build(hosts, instance)
    hosts.wait_for(instance.uuid, settled)
    hosts.wait_for_events(instance.uuid, 1)
    assert _node(hosts, compute, "cmp1")[0]["failed_builds"] == 0
