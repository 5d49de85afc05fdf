"""MetricsWeigher: the sum of the host's metrics named in ``[metrics]
weight_setting`` (``name=ratio``, e.g. ``cpu.percent=-1.0`` to prefer
idle hosts), times ``[metrics] weight_multiplier`` (aggregate key
``metrics_weight_multiplier``). The computes report their metrics with
their nodes (the fake driver reports ``cpu.percent`` and friends from the
vCPUs its guests use). A host missing a metric fails the request when
``[metrics] required`` (pair it with MetricsFilter), else weighs
``weight_of_unavailable``."""
from stratus import exception
from stratus.scheduler import settings
from stratus.scheduler import weighers


class MetricsWeigher:
    option = "metrics_weight_multiplier"

    def __init__(self, conf):
        options = conf.metrics
        self.multiplier = options.weight_multiplier
        self.setting = settings.parse_ratios(options.weight_setting,
                                             "metrics.weight_setting")
        self.required = options.required
        self.weight_of_unavailable = options.weight_of_unavailable

    def for_request(self, ctx, spec):
        return self if self.setting else None

    def weight(self, host_state, spec):
        metrics = host_state.metrics
        value = 0.0
        for name, ratio in self.setting:
            try:
                value += float(metrics[name]) * ratio
            except (KeyError, TypeError, ValueError):
                if self.required:
                    raise exception.NoValidHost(
                        reason="Host %s does not report metric %s "
                               "([metrics] required)."
                               % (host_state.nodename, name))
                if ratio * weighers.multiplier_of(
                        host_state, self.option, self.multiplier):
                    return self.weight_of_unavailable
        return value
