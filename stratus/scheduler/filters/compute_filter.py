"""ComputeFilter: the host's compute service is enabled and up."""


class ComputeFilter:

    def __init__(self, conf):
        self.service_down_time = conf.service_down_time

    def host_passes(self, host_state, spec, resources):
        service = host_state.service
        return (service is not None and not service.disabled
                and service.is_up(self.service_down_time))
