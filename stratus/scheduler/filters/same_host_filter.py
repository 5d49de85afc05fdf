"""SameHostFilter: with the ``same_host`` hint (a server UUID or a list),
only the hypervisors where one of those servers runs pass.

The servers' hosts are read once per request (one query per cell), not
per host.
"""
from stratus.objects import instance_queries
from stratus.scheduler.filters import utils



class SameHostFilter:
    hint = "same_host"
    # Whether the hosts of the servers named are the ones that pass.
    wanted = True

    def __init__(self, conf):
        pass

    def for_request(self, ctx, spec):
        uuids = utils.hint_list(spec, self.hint)
        if not uuids:
            return None
        return NodesOfServers(
            instance_queries.nodes_of_instances(ctx, uuids), self.wanted)


class NodesOfServers:
    """Passes the hosts on (wanted) or off (not wanted) the nodes given."""

    def __init__(self, nodes, wanted):
        self.nodes = nodes
        self.wanted = wanted

    def host_passes(self, host_state, spec, resources):
        on_node = (host_state.host, host_state.nodename) in self.nodes
        return on_node == self.wanted
