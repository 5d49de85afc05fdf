"""RAMWeigher: more free RAM weighs more, so servers spread out (a
negative ``[filter_scheduler] ram_weight_multiplier`` stacks them)."""
import os_resource_classes as orc


class RAMWeigher:
    option = "ram_weight_multiplier"

    def __init__(self, conf):
        self.multiplier = conf.filter_scheduler.ram_weight_multiplier

    def weight(self, host_state, spec):
        return host_state.free(orc.MEMORY_MB)
