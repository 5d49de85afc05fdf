"""Weighers rank the hosts that passed the filters.

A weigher is a class with ``weight(host_state)`` and a ``multiplier``,
built with the conf; ``[filter_scheduler] weight_classes`` names the ones
in use. As in Nova, each weigher's raw weights are normalized to 0..1 over
the candidate hosts, multiplied, and summed.
"""
from stratus import scheduler

WEIGHER_MODULES = {
    "RAMWeigher": "ram",
}


def load_weighers(conf):
    return scheduler.load_plugins(conf, conf.filter_scheduler.weight_classes,
                                  WEIGHER_MODULES, __name__, "weigher")


def weigh(weighers, hosts):
    """[(total weight, host)] best first; equal weights keep host order."""
    totals = [0.0] * len(hosts)
    for weigher in weighers:
        raw = [weigher.weight(host) for host in hosts]
        low, high = (min(raw), max(raw)) if raw else (0, 0)
        for index, value in enumerate(raw):
            normalized = (value - low) / (high - low) if high > low else 0.0
            totals[index] += weigher.multiplier * normalized
    ranked = sorted(range(len(hosts)), key=lambda index: -totals[index])
    return [(totals[index], hosts[index]) for index in ranked]
