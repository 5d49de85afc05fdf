"""IoOpsFilter: hosts running ``[filter_scheduler] max_io_ops_per_host``
or more I/O heavy operations at once (builds, resizes, migrations,
snapshots, backups, rebuilds, rescues, unshelves) take no more. The
count is what the compute last reported, plus what this request placed
there."""


class IoOpsFilter:

    def __init__(self, conf):
        self.max_io_ops = conf.filter_scheduler.max_io_ops_per_host

    def max_io_ops_of(self, host_state):
        return self.max_io_ops

    def host_passes(self, host_state, spec, resources):
        return host_state.num_io_ops < self.max_io_ops_of(host_state)
