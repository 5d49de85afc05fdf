"""The scheduler's view of the hosts.

Compute nodes, their services and availability zones change rarely: the
HostManager keeps them for ``[scheduler] host_cache_seconds`` and reloads
at once when placement knows a provider it has not seen. Free capacity
changes with every claim: it is read from placement for every request, in
one query.
"""
import threading
import time

from stratus.objects import aggregate as aggregate_obj
from stratus.objects import compute_node as compute_node_obj
from stratus.objects import service as service_obj
from stratus.placement import usages

COMPUTE_BINARY = "nova-compute"


class HostState:
    """One compute node as a scheduling candidate: its node, service,
    zone, and placement inventory and usage (updated as the request
    consumes it)."""

    def __init__(self, node, service, availability_zone, summary):
        self.node = node
        self.service = service
        self.availability_zone = availability_zone
        self.summary = summary

    @property
    def host(self):
        return self.node.host

    @property
    def nodename(self):
        return self.node.hypervisor_hostname

    @property
    def uuid(self):
        return self.node.uuid

    @property
    def cell_uuid(self):
        return self.node.cell_uuid

    def free(self, resource_class):
        return self.summary.free(resource_class)

    def consume(self, resources):
        self.summary.consume(resources)

    def __repr__(self):
        return "HostState(%s, %s)" % (self.host, self.nodename)


class _Topology:
    def __init__(self, nodes, services, zones, loaded_at):
        self.nodes = {node.uuid: node for node in nodes}
        self.services = {service.host: service for service in services}
        self.zones = zones
        self.loaded_at = loaded_at
        self.unknown = frozenset()


class HostManager:

    def __init__(self, conf):
        self.conf = conf
        self._topology = None
        self._lock = threading.Lock()

    def host_states(self, context, resource_classes, ignore_hosts=()):
        """HostStates of every node placement has inventory for."""
        summaries = usages.provider_summaries(context, resource_classes)
        topology = self._current_topology(context, set(summaries))
        default_zone = self.conf.default_availability_zone
        states = []
        for node_uuid, summary in summaries.items():
            node = topology.nodes.get(node_uuid)
            if node is None or node.host in ignore_hosts:
                continue
            states.append(HostState(
                node, topology.services.get(node.host),
                topology.zones.get(node.host, default_zone), summary))
        return states

    def _current_topology(self, context, provider_uuids):
        topology = self._topology
        max_age = self.conf.scheduler.host_cache_seconds
        if (topology is not None
                and time.monotonic() - topology.loaded_at < max_age
                and provider_uuids - set(topology.nodes) <= topology.unknown):
            return topology
        with self._lock:
            if self._topology is not topology:
                return self._topology
            topology = _Topology(
                compute_node_obj.ComputeNodeList.get_all(context),
                service_obj.ServiceList.get_all(context,
                                                binary=COMPUTE_BINARY),
                aggregate_obj.AggregateList.get_all(
                    context).availability_zones_by_host(),
                time.monotonic())
            # Providers that are not compute nodes of any cell (yet) do
            # not force a reload on every request.
            topology.unknown = frozenset(provider_uuids - set(topology.nodes))
            self._topology = topology
            return topology
