"""The resource tracker: what this host's hypervisor nodes have and use.

Totals come from the driver; usage is the sum of the instances placed on
each node. Every ``update_resources_interval`` the tracker recounts from
the instances the database places on this host and sends the nodes to
``ConductorAPI.compute_nodes_update``, which also keeps the nodes'
placement inventories (totals, allocation ratios, reserved amounts) in
step, and their COMPUTE_* capability traits (``capability_traits``,
from the driver). Builds and deletes mark their node changed; ``report_changed_nodes``
sends those every few seconds, so ``os-hypervisors`` shows a boot at once
without a database write per boot.

Only nodes whose values differ from what was last sent go out, so a host
simulating thousands of idle nodes costs nothing between changes; every
``FULL_REPORT_EVERY``-th update (the first included) sends all of them, so
nodes whose rows were removed (a deleted service) come back. Reports go
out in chunks (``ReportChunks``): small first, doubled while a chunk is
answered quickly, halved when one is slow, so that no call waits for
the RPC timeout however the conductor writes placement (in SQL, or a
cell conductor's REST calls, three per new node).
"""
import collections
import json
import math
import threading
import time

from stratus.compute import capability_traits
from stratus.objects import compute_node as compute_node_obj
from stratus.objects import fields

VMState = fields.VMState
TaskState = fields.TaskState

# Instances in these states hold no resources on the host.
_NOT_CONSUMING = frozenset([VMState.DELETED, VMState.SHELVED_OFFLOADED])
FULL_REPORT_EVERY = 10
# Nodes per compute_nodes_update call: one conductor transaction each, so
# a host of 50,000 nodes neither sends one huge message nor holds the
# databases for minutes. Chunks start at the smallest and grow while
# answered within CHUNK_SECONDS.
REPORT_CHUNK_MIN = 50
REPORT_CHUNK = 1000
CHUNK_SECONDS = 5.0
# Task states of I/O heavy operations (Nova's io_workload), besides builds.
IO_TASK_STATES = frozenset([
    "resize_migrating", "rebuilding", "resize_prep", "image_snapshot",
    "image_backup", "rescuing", "unshelving"])


class Usage:
    __slots__ = ("node", "vcpus", "memory_mb", "local_gb", "busy", "io")

    def __init__(self, instance):
        self.node = instance.node
        self.vcpus = instance.vcpus or 0
        self.memory_mb = instance.memory_mb or 0
        self.local_gb = (instance.root_gb or 0) + (instance.ephemeral_gb or 0)
        self.busy = (instance.vm_state == VMState.BUILDING
                     or instance.task_state is not None)
        self.io = (instance.vm_state == VMState.BUILDING
                   or instance.task_state in IO_TASK_STATES)


class ReportChunks:
    """The size of the next chunk of a report: doubled (up to
    REPORT_CHUNK) after a chunk answered within the target seconds,
    halved (down to REPORT_CHUNK_MIN) after one that took twice as
    long; kept between reports."""

    def __init__(self, target=CHUNK_SECONDS):
        self.size = REPORT_CHUNK_MIN
        self.target = target

    def answered(self, seconds):
        if seconds <= self.target:
            self.size = min(self.size * 2, REPORT_CHUNK)
        elif seconds > 2 * self.target:
            self.size = max(self.size // 2, REPORT_CHUNK_MIN)


class ResourceTracker:
    def __init__(self, conf, host, driver, conductor):
        self.conf = conf
        self.host = host
        self.driver = driver
        self.conductor = conductor
        self._traits = capability_traits.driver_traits(driver)
        self._usage = {}
        self._changed_nodes = set()
        self._sent = {}
        self._updates = 0
        self._chunks = ReportChunks()
        # Builds that failed on each node since its last successful one
        # (the scheduler's BuildFailureWeigher reads them in the stats).
        self._failed_builds = {}
        self._lock = threading.Lock()

    def build_failed(self, node):
        with self._lock:
            self._failed_builds[node] = self._failed_builds.get(node, 0) + 1
            self._changed_nodes.add(node)

    def build_succeeded(self, node):
        with self._lock:
            if self._failed_builds.pop(node, 0):
                self._changed_nodes.add(node)

    def update_usage(self, instance):
        """Count what the instance uses, in the state it is in now."""
        with self._lock:
            self._usage[instance.uuid] = Usage(instance)
            self._changed_nodes.add(instance.node)

    def remove_usage(self, instance):
        with self._lock:
            usage = self._usage.pop(instance.uuid, None)
            if usage is not None:
                self._changed_nodes.add(usage.node)

    def update_available_resource(self, ctx):
        """Recount usage from the database and report the nodes."""
        instances = self.conductor.instances_on_host(ctx, self.host)
        usage = {instance.uuid: Usage(instance) for instance in instances
                 if instance.vm_state not in _NOT_CONSUMING}
        with self._lock:
            self._usage = usage
            self._changed_nodes.clear()
            full = self._updates % FULL_REPORT_EVERY == 0
            self._updates += 1
        return self._report(ctx, self.driver.node_resources(), full)

    def report_changed_nodes(self, ctx):
        with self._lock:
            changed, self._changed_nodes = self._changed_nodes, set()
        if not changed:
            return None
        return self._report(ctx, [resources for resources
                                  in self.driver.node_resources()
                                  if resources.nodename in changed])

    def _report(self, ctx, node_resources, full=False):
        """Send the nodes whose values changed (all of them if full); the
        stored ComputeNodeList, or None when nothing had to be sent."""
        by_node = collections.defaultdict(list)
        with self._lock:
            for usage in self._usage.values():
                by_node[usage.node].append(usage)
            failed = dict(self._failed_builds)
        values = {resources.nodename: self._node_values(
            resources, by_node[resources.nodename],
            failed.get(resources.nodename, 0))
            for resources in node_resources}
        if not full:
            values = {name: node for name, node in values.items()
                      if self._sent.get(name) != node}
        if not values:
            return None
        stored = []
        names = list(values)
        start = 0
        while start < len(names):
            size = self._chunks.size
            chunk = {name: values[name]
                     for name in names[start:start + size]}
            start += size
            nodes = [compute_node_obj.ComputeNode(**node)
                     for node in chunk.values()]
            sent_at = time.monotonic()
            stored.extend(self.conductor.compute_nodes_update(
                ctx, self.host,
                compute_node_obj.ComputeNodeList(objects=nodes),
                traits=self._traits))
            self._chunks.answered(time.monotonic() - sent_at)
            with self._lock:
                self._sent.update(chunk)
        return compute_node_obj.ComputeNodeList(objects=stored)

    def _node_values(self, resources, on_node, failed_builds=0):
        conf = self.conf
        memory_used = conf.reserved_host_memory_mb + sum(
            usage.memory_mb for usage in on_node)
        disk_reserved_gb = math.ceil(conf.reserved_host_disk_mb / 1024)
        disk_used = disk_reserved_gb + sum(usage.local_gb for usage in on_node)
        return dict(
            host=self.host,
            hypervisor_hostname=resources.nodename,
            vcpus=resources.vcpus,
            memory_mb=resources.memory_mb,
            local_gb=resources.local_gb,
            vcpus_used=sum(usage.vcpus for usage in on_node),
            memory_mb_used=memory_used,
            local_gb_used=disk_used,
            free_ram_mb=resources.memory_mb - memory_used,
            free_disk_gb=resources.local_gb - disk_used,
            disk_available_least=resources.local_gb - disk_used,
            running_vms=len(on_node),
            current_workload=sum(1 for usage in on_node if usage.busy),
            hypervisor_type=resources.hypervisor_type,
            hypervisor_version=resources.hypervisor_version,
            cpu_info=resources.cpu_info,
            host_ip=resources.host_ip,
            cpu_allocation_ratio=conf.cpu_allocation_ratio,
            ram_allocation_ratio=conf.ram_allocation_ratio,
            disk_allocation_ratio=conf.disk_allocation_ratio,
            vcpus_reserved=conf.reserved_host_cpus,
            memory_mb_reserved=conf.reserved_host_memory_mb,
            disk_gb_reserved=disk_reserved_gb,
            supported_instances=json.dumps(
                [list(entry) for entry in resources.supported_instances]),
            metrics=json.dumps(list(resources.metrics), sort_keys=True),
            stats=json.dumps({
                "num_instances": len(on_node),
                "io_workload": sum(1 for usage in on_node if usage.io),
                "failed_builds": failed_builds}, sort_keys=True))
