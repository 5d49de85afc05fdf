"""SimpleCIDRAffinityFilter: with the ``build_near_host_ip`` hint, only
hosts whose IP is in that address's network pass; the ``cidr`` hint gives
the prefix length (``/24`` by default). An address or prefix that cannot
be read lets no host pass.
"""
import ipaddress

from stratus.scheduler.filters import utils

DEFAULT_CIDR = "/24"


class SimpleCIDRAffinityFilter:

    def __init__(self, conf):
        pass

    def for_request(self, ctx, spec):
        near = utils.hint(spec, "build_near_host_ip")
        if not near:
            return None
        cidr = utils.hint(spec, "cidr", DEFAULT_CIDR)
        try:
            network = ipaddress.ip_network(str(near) + str(cidr),
                                           strict=False)
        except ValueError:
            network = None
        return NearNetwork(network)

    def host_passes(self, host_state, spec, resources):
        """Unprepared use (each call reads the hint again)."""
        prepared = self.for_request(None, spec)
        return prepared is None or prepared.host_passes(host_state, spec,
                                                        resources)


class NearNetwork:

    def __init__(self, network):
        self.network = network

    def host_passes(self, host_state, spec, resources):
        if self.network is None or not host_state.host_ip:
            return False
        try:
            return ipaddress.ip_address(host_state.host_ip) in self.network
        except ValueError:
            return False
