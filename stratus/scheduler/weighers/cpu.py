"""CPUWeigher: more free vCPUs (placement capacity, allocation ratio
included, minus what is allocated) weigh more, so servers spread out (a
negative ``[filter_scheduler] cpu_weight_multiplier`` stacks them)."""
import os_resource_classes as orc


class CPUWeigher:
    option = "cpu_weight_multiplier"

    def __init__(self, conf):
        self.multiplier = conf.filter_scheduler.cpu_weight_multiplier

    def weight(self, host_state, spec):
        return host_state.free(orc.VCPU)
