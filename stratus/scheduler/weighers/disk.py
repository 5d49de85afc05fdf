"""DiskWeigher: more free local disk weighs more, so servers spread out
(a negative ``[filter_scheduler] disk_weight_multiplier`` stacks them).
Requests that ask for no disk (booted from a volume, no ephemeral or swap)
see every host alike."""
import os_resource_classes as orc


class DiskWeigher:
    option = "disk_weight_multiplier"

    def __init__(self, conf):
        self.multiplier = conf.filter_scheduler.disk_weight_multiplier

    def weight(self, host_state, spec):
        return host_state.free(orc.DISK_GB)
