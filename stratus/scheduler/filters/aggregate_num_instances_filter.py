"""AggregateNumInstancesFilter: NumInstancesFilter with the limit read
from the ``max_instances_per_host`` metadata of the host's aggregates (the
lowest when several set it), else ``[filter_scheduler]
max_instances_per_host``."""
from stratus.scheduler.filters import num_instances_filter
from stratus.scheduler.filters import utils


class AggregateNumInstancesFilter(num_instances_filter.NumInstancesFilter):

    def max_instances_of(self, host_state):
        return utils.aggregate_number(host_state, "max_instances_per_host",
                                      self.max_instances)
