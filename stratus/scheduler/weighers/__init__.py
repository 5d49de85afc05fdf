"""Weighers rank the hosts that passed the filters.

A weigher is a class with ``weight(host_state, spec)``, built with the
conf, with ``option`` (the name of its multiplier option, which is also
the aggregate metadata key that overrides it) and ``multiplier`` (that
option's value); ``[filter_scheduler] weight_classes`` names the ones in
use. As in Nova, each weigher's raw weights are normalized to 0..1 over
the candidate hosts, multiplied by the host's multiplier (``multiplier_of``)
and summed. A weigher may define ``for_request(ctx, spec)`` like a filter:
the weigher to use for this request, or None to leave it out.
"""
from stratus import scheduler
from stratus.scheduler.filters import utils

WEIGHER_MODULES = {
    "RAMWeigher": "ram",
    "CPUWeigher": "cpu",
    "DiskWeigher": "disk",
    "IoOpsWeigher": "io_ops",
    "NumInstancesWeigher": "num_instances",
    "HypervisorVersionWeigher": "hypervisor_version",
    "ImagePropertiesWeigher": "image_props",
    "MetricsWeigher": "metrics",
    "BuildFailureWeigher": "compute",
    "CrossCellWeigher": "cross_cell",
    "ServerGroupSoftAffinityWeigher": "server_group_soft_affinity",
    "ServerGroupSoftAntiAffinityWeigher": "server_group_soft_anti_affinity",
}


def load_weighers(conf):
    return scheduler.load_plugins(conf, conf.filter_scheduler.weight_classes,
                                  WEIGHER_MODULES, __name__, "weigher")


def for_request(weighers, ctx, spec):
    return scheduler.for_request(weighers, ctx, spec)


def multiplier_of(host_state, option, default):
    """The weigher multiplier for this host: the lowest value the host's
    aggregates give the metadata key named like the option, else the
    option's value (Nova's get_weight_multiplier)."""
    return utils.aggregate_number(host_state, option, default, cast=float)


def weigh(weighers, hosts, spec=None):
    """[(total weight, host)] best first; equal weights keep host order."""
    totals = [0.0] * len(hosts)
    # Most hosts are in no aggregate: only the others can have their own
    # multipliers.
    grouped = [index for index, host in enumerate(hosts)
               if host.aggregate_metadata]
    for weigher in weighers:
        default = weigher.multiplier
        own = {index: multiplier_of(hosts[index], weigher.option, default)
               for index in grouped}
        if not default and not any(own.values()):
            continue
        # A weigher with weights() weighs the hosts together (it may read
        # something only when they differ in what it weighs).
        batch = getattr(weigher, "weights", None)
        raw = (batch(hosts, spec) if batch is not None
               else [weigher.weight(host, spec) for host in hosts])
        low, high = (min(raw), max(raw)) if raw else (0, 0)
        if high <= low:
            continue
        span = float(high - low)
        totals = [total + default * (value - low) / span
                  for total, value in zip(totals, raw)]
        for index, multiplier in own.items():
            if multiplier != default:
                totals[index] += (multiplier - default) * (
                    raw[index] - low) / span
    ranked = sorted(range(len(hosts)), key=lambda index: -totals[index])
    return [(totals[index], hosts[index]) for index in ranked]
