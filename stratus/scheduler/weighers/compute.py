"""BuildFailureWeigher: hosts whose recent builds failed weigh less, by
the number of failures the compute reports since its last successful
build. The large default ``[filter_scheduler]
build_failure_weight_multiplier`` (1000000.0) outweighs the other
weighers, so a host that fails every build stops attracting servers."""


class BuildFailureWeigher:
    option = "build_failure_weight_multiplier"

    def __init__(self, conf):
        self.multiplier = conf.filter_scheduler.build_failure_weight_multiplier

    def weight(self, host_state, spec):
        return -host_state.failed_builds
