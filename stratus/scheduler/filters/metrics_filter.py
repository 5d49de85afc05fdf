"""MetricsFilter: only hosts reporting every metric named in ``[metrics]
weight_setting`` pass (use it with ``[metrics] required = true``, so the
MetricsWeigher never meets a host without them)."""
from stratus.scheduler import settings


class MetricsFilter:

    def __init__(self, conf):
        self.names = frozenset(
            name for name, _ratio in settings.parse_ratios(
                conf.metrics.weight_setting, "metrics.weight_setting"))

    def for_request(self, ctx, spec):
        return self if self.names else None

    def host_passes(self, host_state, spec, resources):
        return self.names <= host_state.metrics.keys()
