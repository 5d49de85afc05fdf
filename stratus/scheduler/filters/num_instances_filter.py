"""NumInstancesFilter: hosts with ``[filter_scheduler]
max_instances_per_host`` instances or more take no more. The count is
what the compute last reported, plus what this request placed there."""


class NumInstancesFilter:

    def __init__(self, conf):
        self.max_instances = conf.filter_scheduler.max_instances_per_host

    def max_instances_of(self, host_state):
        return self.max_instances

    def host_passes(self, host_state, spec, resources):
        return host_state.num_instances < self.max_instances_of(host_state)
