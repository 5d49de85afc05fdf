"""ComputeFilter: the host's compute service is enabled and up."""


class ComputeFilter:

    def __init__(self, conf):
        self.service_down_time = conf.service_down_time

    def for_request(self, ctx, spec):
        return _ServicesUp(self.service_down_time)

    def host_passes(self, host_state, spec, resources):
        return self.for_request(None, spec).host_passes(host_state, spec,
                                                         resources)


class _ServicesUp:
    """One request's answers: a compute service simulating thousands of
    nodes is checked once, not once per node."""

    def __init__(self, service_down_time):
        self.service_down_time = service_down_time
        self.up = {}

    def host_passes(self, host_state, spec, resources):
        service = host_state.service
        if service is None:
            return False
        up = self.up.get(service.host)
        if up is None:
            up = self.up[service.host] = (
                not service.disabled
                and service.is_up(self.service_down_time))
        return up
