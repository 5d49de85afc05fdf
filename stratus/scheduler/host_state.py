"""The scheduler's view of the hosts.

Placement picks the candidates: the nodes with room for the request and
the traits it needs, at most ``[scheduler] max_placement_results`` of
them (see ``placement_query``); only those become HostStates, whatever
the size of the cloud. Free capacity changes with every claim: placement
reads it with the candidates, for every request.

Compute nodes, their services, aggregates and availability zones change
rarely: the HostManager keeps them (the topology) for ``[scheduler]
host_cache_seconds``, then refreshes it from the nodes changed since
(services and aggregates are few and read whole), and at once when
placement offers a provider it has not seen. What a filter or weigher
reads of a node beyond its columns (stats, metrics, supported instances)
is parsed once per node version, on first use.

Instance counts and I/O operations come from the compute's reports (the
node's ``stats``, Nova's ``num_instances`` and ``io_workload``), so no
request counts instances; ``HostState.consume`` keeps them current within
one request, so a multi-create spreads.
"""
import collections
import datetime
import gc
import json
import logging
import threading
import time

import os_resource_classes as orc

from stratus.db import api as db_api
from stratus.objects import aggregate as aggregate_obj
from stratus.objects import cell_mapping as cell_mapping_obj
from stratus.objects import compute_node as compute_node_obj
from stratus.objects import instance_queries
from stratus.objects import service as service_obj
from stratus.placement import candidates
from stratus.placement import usages
from stratus import constants

LOG = logging.getLogger(__name__)

_NO_AGGREGATES = ()
_NO_METADATA = {}
# Rows written by a transaction that committed after a refresh read may
# carry a timestamp from before it: the next refresh reads them again.
_IN_FLIGHT_MARGIN = datetime.timedelta(seconds=10)
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
# From this many nodes on, the objects of the process are frozen out of
# the garbage collector's full collections (gc.freeze) whenever the cloud
# has doubled since the last time: they live as long as the process, and
# walking them cost 100-400 ms pauses in a few percent of the decisions
# at 10,000 nodes.
FREEZE_MIN_NODES = 5000


class NodeDetails:
    """What filters read of a node's JSON columns, parsed on first use
    and shared by every request of one topology."""
    __slots__ = ("_node", "_stats", "_metrics", "_supported", "_counts")

    def __init__(self, node):
        self._node = node
        self._stats = self._metrics = self._supported = self._counts = None

    @property
    def counts(self):
        """(num_instances, num_io_ops, failed_builds) as last reported."""
        if self._counts is None:
            stats, node = self.stats, self._node
            self._counts = (
                _int(stats.get("num_instances"), node.get("running_vms") or 0),
                _int(stats.get("io_workload"),
                     node.get("current_workload") or 0),
                _int(stats.get("failed_builds")))
        return self._counts

    @property
    def stats(self):
        if self._stats is None:
            stats = _json(self._node.get("stats"), {})
            self._stats = stats if isinstance(stats, dict) else {}
        return self._stats

    @property
    def metrics(self):
        """{metric name: value} (Nova's MonitorMetric list, keyed)."""
        if self._metrics is None:
            self._metrics = {
                item["name"]: item.get("value")
                for item in _json(self._node.get("metrics"), [])
                if isinstance(item, dict) and "name" in item}
        return self._metrics

    @property
    def supported_instances(self):
        """[(architecture, hypervisor type, vm mode)], lower case."""
        if self._supported is None:
            self._supported = [
                tuple(str(part).lower() for part in item)
                for item in _json(self._node.get("supported_instances"), [])
                if isinstance(item, (list, tuple))]
        return self._supported


def _json(text, default):
    if not text:
        return default
    try:
        return json.loads(text)
    except ValueError:
        return default


def _int(value, default=0):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


class HostState:
    """One compute node as a scheduling candidate: its node, service,
    zone, aggregates, and placement inventory and usage (updated, with the
    instance and I/O counts, as the request consumes it).

    The attribute names are Nova's, so ``capabilities:`` extra specs and
    JsonFilter ``$variables`` written for Nova read the same values."""

    def __init__(self, node, service, availability_zone, summary,
                 aggregates=_NO_AGGREGATES, aggregate_metadata=_NO_METADATA,
                 details=None, image_properties=None, offered=False):
        self.node = node
        self.service = service
        self.availability_zone = availability_zone
        self.summary = summary
        self.aggregates = aggregates
        self.aggregate_metadata = aggregate_metadata
        self.details = details or NodeDetails(node)
        # Counter of (property, value) over the node's instances' images,
        # loaded only when a weigher uses it.
        self.instance_image_properties = image_properties
        (self.num_instances, self.num_io_ops,
         self.failed_builds) = self.details.counts
        # offered: placement offered the host for this request's
        # resources, so until the request places a server on it, it has
        # room for one.
        self.fits = offered

    def _field(self, name):
        # The object's stored value, None when unset: filters and weighers
        # read these for every host of every request, and the versioned
        # object's accessors cost several times more.
        return self.node.__dict__.get("_obj_" + name)

    @property
    def host(self):
        return self._field("host")

    @property
    def nodename(self):
        return self._field("hypervisor_hostname")

    hypervisor_hostname = nodename

    @property
    def uuid(self):
        return self._field("uuid")

    @property
    def cell_uuid(self):
        return self._field("cell_uuid")

    @property
    def hypervisor_type(self):
        return self._field("hypervisor_type")

    @property
    def hypervisor_version(self):
        return self._field("hypervisor_version")

    @property
    def cpu_info(self):
        return self._field("cpu_info")

    @property
    def host_ip(self):
        return self._field("host_ip")

    @property
    def cpu_allocation_ratio(self):
        return self._field("cpu_allocation_ratio")

    @property
    def ram_allocation_ratio(self):
        return self._field("ram_allocation_ratio")

    @property
    def disk_allocation_ratio(self):
        return self._field("disk_allocation_ratio")

    @property
    def stats(self):
        return self.details.stats

    @property
    def metrics(self):
        return self.details.metrics

    @property
    def supported_instances(self):
        return self.details.supported_instances

    # Capacity, as placement sees it for this request.
    @property
    def free_ram_mb(self):
        return self.free(orc.MEMORY_MB)

    @property
    def free_disk_mb(self):
        return self.free(orc.DISK_GB) * 1024

    @property
    def vcpus_total(self):
        return self._field("vcpus") or 0

    @property
    def vcpus_used(self):
        return self.summary.usages.get(orc.VCPU,
                                       self._field("vcpus_used") or 0)

    @property
    def total_usable_ram_mb(self):
        return self._field("memory_mb") or 0

    @property
    def total_usable_disk_gb(self):
        return self._field("local_gb") or 0

    def free(self, resource_class):
        return self.summary.free(resource_class)

    def aggregate_values(self, key):
        """The values of an aggregate metadata key over the host's
        aggregates, as written (one per aggregate that sets it)."""
        return self.aggregate_metadata.get(key, ())

    def consume(self, resources):
        self.fits = False
        self.summary.consume(resources)
        self.num_instances += 1
        self.num_io_ops += 1

    def __repr__(self):
        return "HostState(%s, %s)" % (self.host, self.nodename)


class _Topology:
    """Nodes, services, zones and aggregates at one moment. A refresh
    builds a new one from the last (the nodes that changed since, the
    services and aggregates, which are few), so requests in flight keep
    the one they started with."""

    def __init__(self, nodes, details, stamps, services, aggregates,
                 read_at, last_change, writers_clock):
        self.nodes = nodes
        self.details = details
        self.services = {service.host: service for service in services}
        self.zones = aggregates.availability_zones_by_host()
        self.aggregates, self.metadata = by_host(aggregates)
        self.image_properties = None
        self.loaded_at = time.monotonic()
        # The next refresh reads the rows changed since what the writers'
        # clock showed at least when this one read (writers_clock: the
        # latest change seen, or the last such bound plus the time passed
        # since, whichever is later), less a margin for transactions in
        # flight; the rows it already holds are not built again. So a
        # quiet cloud's refresh reads nothing once the margin has passed.
        self.read_at = read_at
        self._stamps = stamps
        self.last_change = last_change
        self.writers_clock = writers_clock
        self.unknown = frozenset()
        self.down_cells = frozenset()

    @classmethod
    def load(cls, context, previous=None):
        read_at = time.monotonic()
        # Cells whose database cannot be reached: their nodes are kept
        # (as last read) but not offered until the cell answers again.
        down = []
        if previous is None:
            nodes = {node.uuid: node for node in
                     compute_node_obj.ComputeNodeList.get_all(
                         context, down_cells=down)}
            details = {uuid: NodeDetails(node)
                       for uuid, node in nodes.items()}
            stamps = {uuid: node.stamp() for uuid, node in nodes.items()}
            last_change = _latest(stamps.values(), _EPOCH)
            writers_clock = last_change
        else:
            nodes, details = dict(previous.nodes), dict(previous.details)
            stamps = dict(previous._stamps)
            since = previous.writers_clock - _IN_FLIGHT_MARGIN
            changed, deleted = compute_node_obj.ComputeNodeList.changed_since(
                context, since, previous.stamps_since(since),
                down_cells=down)
            back = previous.down_cells - set(down)
            if back:
                # What changed in a cell while it could not be read is
                # not in the window: the cell is read whole.
                changed, deleted = _read_cells_again(
                    context, back, nodes, changed, deleted, down)
            for uuid in deleted:
                nodes.pop(uuid, None)
                details.pop(uuid, None)
                stamps.pop(uuid, None)
            for node in changed:
                nodes[node.uuid] = node
                details[node.uuid] = NodeDetails(node)
                stamps[node.uuid] = node.stamp()
            last_change = _latest((stamps[node.uuid] for node in changed),
                                  previous.last_change)
            writers_clock = max(last_change, previous.writers_clock
                                + datetime.timedelta(
                                    seconds=read_at - previous.read_at))
        services = service_obj.ServiceList.get_all(
            context, binary=constants.COMPUTE_BINARY, down_cells=down)
        topology = cls(nodes, details, stamps, services,
                       aggregate_obj.AggregateList.get_all(context),
                       read_at, last_change, writers_clock)
        topology.down_cells = frozenset(down)
        was_down = frozenset() if previous is None else previous.down_cells
        for cell_uuid in sorted(topology.down_cells - was_down):
            LOG.warning("Cell %s cannot be reached: its hosts are not "
                        "offered until it answers again", cell_uuid)
        for cell_uuid in sorted(was_down - topology.down_cells):
            LOG.info("Cell %s answers again: its hosts are offered",
                     cell_uuid)
        return topology

    def stamps_since(self, since):
        """{uuid: stamp} of the nodes changed at or after since (what a
        refresh need not build again)."""
        return {uuid: stamp for uuid, stamp in self._stamps.items()
                if stamp is not None and stamp >= since}


def _read_cells_again(context, cell_uuids, nodes, changed, deleted, down):
    """(changed, deleted) of a refresh, with the cells of cell_uuids read
    whole: all their nodes changed, their known nodes not read deleted."""
    whole = compute_node_obj.ComputeNodeList.get_all(
        context, down_cells=down, cell_uuids=cell_uuids)
    answered = set(cell_uuids) - set(down)
    seen = {node.uuid for node in whole}
    gone = [uuid for uuid, node in nodes.items()
            if node.get("cell_uuid") in answered and uuid not in seen]
    others = [node for node in changed
              if node.get("cell_uuid") not in answered]
    return others + list(whole), list(deleted) + gone


def _latest(stamps, default):
    return max((stamp for stamp in stamps if stamp is not None),
               default=default)


def by_host(aggregates):
    """({host: [Aggregate]}, {host: {metadata key: [values]}}) for the
    hosts in any of the aggregates."""
    members = collections.defaultdict(list)
    metadata = collections.defaultdict(lambda: collections.defaultdict(list))
    for aggregate in aggregates:
        for host in aggregate.hosts:
            members[host].append(aggregate)
            for key, value in aggregate.metadata.items():
                metadata[host][key].append(value)
    return dict(members), {host: dict(values)
                           for host, values in metadata.items()}


class HostManager:

    def __init__(self, conf):
        self.conf = conf
        self._topology = None
        self._lock = threading.Lock()
        self._frozen_at = 0

    def host_states(self, context, candidate_query, ignore_hosts=()):
        """HostStates of the nodes placement offers for the request
        (a candidates.CandidateQuery), with their usage as it read it."""
        summaries = {}
        for uuid, summary in candidates.find_candidates(
                context, candidate_query).provider_summaries.items():
            if summary.root_provider_uuid == uuid:
                summaries[uuid] = usages.ProviderSummary(
                    uuid, None, summary.inventories, summary.usages)
        topology = self._current_topology(context, set(summaries))
        self._read_down_services_again(context, topology, summaries)
        default_zone = self.conf.default_availability_zone
        aggregates, metadata = topology.aggregates, topology.metadata
        image_properties = topology.image_properties
        states = []
        down_cells = topology.down_cells
        for node_uuid, summary in summaries.items():
            node = topology.nodes.get(node_uuid)
            if node is None or node.host in ignore_hosts \
                    or node.get("cell_uuid") in down_cells:
                continue
            host = node.host
            states.append(HostState(
                node, topology.services.get(host),
                topology.zones.get(host, default_zone), summary,
                aggregates.get(host, _NO_AGGREGATES),
                metadata.get(host, _NO_METADATA),
                topology.details[node_uuid],
                None if image_properties is None else image_properties.get(
                    (host, node.hypervisor_hostname), collections.Counter()),
                offered=True))
        return states

    def _read_down_services_again(self, context, topology, offered):
        """The services of offered nodes that the view has down (or has
        not), read again from their cells: a compute that came back (its
        cell restarted) counts as up at once, not once the view is
        refreshed (Nova reads the services for every request). Costs a
        query per such cell only while placement offers nodes of a host
        that is down."""
        down_time = self.conf.service_down_time
        cells = collections.defaultdict(set)
        for uuid in offered:
            node = topology.nodes.get(uuid)
            if node is None or node.get("cell_uuid") in topology.down_cells:
                continue
            service = topology.services.get(node.host)
            if service is None or not service.is_up(down_time):
                cells[node.get("cell_uuid")].add(node.host)
        for cell_uuid, hosts in cells.items():
            for service in service_obj.ServiceList.get_all(
                    context, binary=constants.COMPUTE_BINARY,
                    cell_uuids=None if cell_uuid is None else [cell_uuid],
                    hosts=sorted(hosts)):
                topology.services[service.host] = service

    def _current_topology(self, context, provider_uuids):
        topology = self._topology
        max_age = self.conf.scheduler.host_cache_seconds
        if (topology is not None
                and time.monotonic() - topology.loaded_at < max_age
                and all(uuid in topology.nodes or uuid in topology.unknown
                        for uuid in provider_uuids)):
            return topology
        with self._lock:
            if self._topology is not topology:
                return self._topology
            return self._refresh(context, provider_uuids)

    def refresh(self, context):
        """Bring the topology up to date (the scheduler's periodic task,
        so that requests find it warm)."""
        with self._lock:
            self._refresh(context, set())

    def _refresh(self, context, provider_uuids):
        previous = self._topology
        if previous is not None and any(
                uuid not in previous.nodes and uuid not in previous.unknown
                for uuid in provider_uuids):
            # Perhaps a node of a cell mapped since the cells were read.
            cell_mapping_obj.forget_cells()
        # One connection and transaction per database for the whole read
        # (a cell's changed nodes and its services; the API database's
        # cells and aggregates), not one per query: the refresh runs every
        # second, in every cell.
        with db_api.shared_readers():
            topology = _Topology.load(context, self._topology)
            if self.conf.filter_scheduler.image_props_weight_multiplier:
                topology.image_properties = (
                    instance_queries.image_properties_by_node(context))
        # Providers that are not compute nodes of any cell (yet) do
        # not force a reload on every request.
        topology.unknown = frozenset(provider_uuids - set(topology.nodes))
        self._topology = topology
        if len(topology.nodes) >= max(FREEZE_MIN_NODES, 2 * self._frozen_at):
            # Garbage first, so that only live objects are frozen (cyclic
            # garbage of frozen objects would never be collected).
            gc.collect()
            gc.freeze()
            self._frozen_at = len(topology.nodes)
        return topology
