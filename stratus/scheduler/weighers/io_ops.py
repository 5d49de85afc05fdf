"""IoOpsWeigher: the number of I/O heavy operations running on the host
(builds, resizes, snapshots, ...); the default ``[filter_scheduler]
io_ops_weight_multiplier`` of -1.0 prefers quiet hosts."""


class IoOpsWeigher:
    option = "io_ops_weight_multiplier"

    def __init__(self, conf):
        self.multiplier = conf.filter_scheduler.io_ops_weight_multiplier

    def weight(self, host_state, spec):
        return host_state.num_io_ops
