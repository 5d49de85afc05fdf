"""AggregateIoOpsFilter: IoOpsFilter with the limit read from the
``max_io_ops_per_host`` metadata of the host's aggregates (the lowest
when several set it), else ``[filter_scheduler] max_io_ops_per_host``."""
from stratus.scheduler.filters import io_ops_filter
from stratus.scheduler.filters import utils


class AggregateIoOpsFilter(io_ops_filter.IoOpsFilter):

    def max_io_ops_of(self, host_state):
        return utils.aggregate_number(host_state, "max_io_ops_per_host",
                                      self.max_io_ops)
