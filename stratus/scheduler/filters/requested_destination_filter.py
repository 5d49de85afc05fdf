"""RequestedDestinationFilter: the host and hypervisor an administrator
asked for at create (``host`` / ``hypervisor_hostname``, microversion
2.74)."""


class RequestedDestinationFilter:

    def __init__(self, conf):
        pass

    def for_request(self, ctx, spec):
        wanted = (spec.get("requested_host")
                  or spec.get("requested_hypervisor_hostname"))
        return self if wanted else None

    def host_passes(self, host_state, spec, resources):
        host = spec.get("requested_host")
        node = spec.get("requested_hypervisor_hostname")
        return ((not host or host == host_state.host)
                and (not node or node == host_state.nodename))
