"""Host filters: each decides whether one host can take the request.

A filter is a class with ``host_passes(host_state, spec, resources)``,
built with the conf; ``[filter_scheduler] enabled_filters`` names the ones
in use, in order. Each lives in its own module, listed in FILTER_MODULES.
"""
import importlib

FILTER_MODULES = {
    "ComputeFilter": "compute_filter",
    "AvailabilityZoneFilter": "availability_zone_filter",
    "RequestedDestinationFilter": "requested_destination_filter",
    "CapacityFilter": "capacity_filter",
}


def load_filters(conf):
    filters = []
    for name in conf.filter_scheduler.enabled_filters:
        if name not in FILTER_MODULES:
            raise ValueError("Unknown scheduler filter %r; available: %s"
                             % (name, ", ".join(sorted(FILTER_MODULES))))
        module = importlib.import_module(__name__ + "." + FILTER_MODULES[name])
        filters.append(getattr(module, name)(conf))
    return filters


def filter_hosts(filters, hosts, spec, resources):
    """The hosts that pass every filter, in their order."""
    return [host for host in hosts
            if all(f.host_passes(host, spec, resources) for f in filters)]
