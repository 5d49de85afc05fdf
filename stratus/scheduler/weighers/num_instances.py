"""NumInstancesWeigher: the number of instances on the host; off by
default (``[filter_scheduler] num_instances_weight_multiplier`` 0.0),
positive packs, negative spreads."""


class NumInstancesWeigher:
    option = "num_instances_weight_multiplier"

    def __init__(self, conf):
        self.multiplier = conf.filter_scheduler.num_instances_weight_multiplier

    def weight(self, host_state, spec):
        return host_state.num_instances
