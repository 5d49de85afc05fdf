"""Host filters: each decides whether one host can take the request.

A filter is a class with ``host_passes(host_state, spec, resources)``,
built with the conf; ``[filter_scheduler] enabled_filters`` names the ones
in use, in order. Each lives in its own module, listed in FILTER_MODULES.
"""
from stratus import scheduler

FILTER_MODULES = {
    "ComputeFilter": "compute_filter",
    "AvailabilityZoneFilter": "availability_zone_filter",
    "RequestedDestinationFilter": "requested_destination_filter",
    "CapacityFilter": "capacity_filter",
}


def load_filters(conf):
    return scheduler.load_plugins(conf, conf.filter_scheduler.enabled_filters,
                                  FILTER_MODULES, __name__, "filter")


def filter_hosts(filters, hosts, spec, resources):
    """The hosts that pass every filter, in their order."""
    return [host for host in hosts
            if all(f.host_passes(host, spec, resources) for f in filters)]
