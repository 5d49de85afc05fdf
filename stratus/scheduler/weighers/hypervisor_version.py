"""HypervisorVersionWeigher: newer hypervisors weigh more (a negative
``[filter_scheduler] hypervisor_version_weight_multiplier`` prefers older
ones)."""


class HypervisorVersionWeigher:
    option = "hypervisor_version_weight_multiplier"

    def __init__(self, conf):
        self.multiplier = (
            conf.filter_scheduler.hypervisor_version_weight_multiplier)

    def weight(self, host_state, spec):
        return host_state.hypervisor_version or 0
