"""Host filters: each decides whether one host can take the request.

A filter is a class with ``host_passes(host_state, spec, resources)``,
built with the conf; ``[filter_scheduler] enabled_filters`` names the ones
in use, in order. Each lives in its own module, listed in FILTER_MODULES.

A filter may also define ``for_request(ctx, spec)``, called once per
request before any host is looked at: it returns the filter to use for
this request (itself, or an object holding what it read for the request,
e.g. the hosts of the servers a ``same_host`` hint names), or None when
the request asks nothing of it, so it costs nothing per host.
"""
from stratus import scheduler

FILTER_MODULES = {
    "ComputeFilter": "compute_filter",
    "AvailabilityZoneFilter": "availability_zone_filter",
    "RequestedDestinationFilter": "requested_destination_filter",
    "CapacityFilter": "capacity_filter",
    "AllHostsFilter": "all_hosts_filter",
    "ComputeCapabilitiesFilter": "compute_capabilities_filter",
    "ImagePropertiesFilter": "image_props_filter",
    "SameHostFilter": "same_host_filter",
    "DifferentHostFilter": "different_host_filter",
    "SimpleCIDRAffinityFilter": "simple_cidr_affinity_filter",
    "AggregateInstanceExtraSpecsFilter": "aggregate_instance_extra_specs",
    "AggregateImagePropertiesIsolation":
        "aggregate_image_properties_isolation",
    "AggregateMultiTenancyIsolation": "aggregate_multitenancy_isolation",
    "AggregateTypeAffinityFilter": "type_filter",
    "IoOpsFilter": "io_ops_filter",
    "AggregateIoOpsFilter": "aggregate_io_ops_filter",
    "NumInstancesFilter": "num_instances_filter",
    "AggregateNumInstancesFilter": "aggregate_num_instances_filter",
    "IsolatedHostsFilter": "isolated_hosts_filter",
    "JsonFilter": "json_filter",
    "MetricsFilter": "metrics_filter",
    "ServerGroupAffinityFilter": "server_group_affinity_filter",
    "ServerGroupAntiAffinityFilter": "server_group_anti_affinity_filter",
}


def load_filters(conf):
    return scheduler.load_plugins(conf, conf.filter_scheduler.enabled_filters,
                                  FILTER_MODULES, __name__, "filter")


def for_request(filters, ctx, spec):
    """The filters as they apply to this request (see the module doc)."""
    return scheduler.for_request(filters, ctx, spec)


def filter_hosts(filters, hosts, spec, resources):
    """The hosts that pass every filter, in their order."""
    return [host for host in hosts
            if all(f.host_passes(host, spec, resources) for f in filters)]
