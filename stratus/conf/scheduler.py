from oslo_config import cfg

SCHEDULER_OPTS = [
    cfg.IntOpt("max_attempts", default=3, min=1,
               help="Hosts tried for one build before the server goes to "
                    "ERROR (the first choice plus alternates)."),
    cfg.FloatOpt("host_cache_seconds", default=1.0, min=0.0,
                 help="Seconds the scheduler reuses its view of compute "
                      "nodes, services and aggregates before reading them "
                      "again (free capacity is read on every request; a "
                      "node it has not seen yet triggers a reload at "
                      "once). 0 reads them for every request."),
    cfg.IntOpt("max_placement_results", default=1000, min=1,
               help="Allocation candidates the scheduler asks placement "
                    "for; only these hosts are filtered and weighed."),
    cfg.BoolOpt("query_placement_for_availability_zone", default=False,
                help="Ask placement only for hosts in the aggregates of a "
                     "requested availability zone (AvailabilityZoneFilter "
                     "still checks every host). Needs every aggregate "
                     "mirrored into placement, as the aggregates API does "
                     "from this release on."),
    cfg.BoolOpt("limit_tenants_to_placement_aggregate", default=False,
                help="Place a project named in an aggregate's "
                     "filter_tenant_id* metadata only on the hosts of "
                     "those aggregates (asked of placement)."),
    cfg.BoolOpt("placement_aggregate_required_for_tenants", default=False,
                help="With limit_tenants_to_placement_aggregate: a project "
                     "no aggregate names gets no host (NoValidHost) "
                     "instead of any host."),
    cfg.BoolOpt("query_placement_for_image_type_support", default=False,
                help="Ask placement only for hosts reporting "
                     "COMPUTE_IMAGE_TYPE_<disk format> of the image a "
                     "server boots from."),
    cfg.BoolOpt("enable_isolated_aggregate_filtering", default=False,
                help="Keep requests that do not require every trait an "
                     "aggregate's trait:<NAME>=required metadata names "
                     "off that aggregate's hosts."),
    cfg.IntOpt("discover_hosts_in_cells_interval", default=-1, min=-1,
                help="Seconds between the scheduler's runs of host "
                     "discovery (what `stratus manage cell_v2 "
                     "discover_hosts` does: map the compute hosts of every "
                     "cell that have no host mapping yet). -1 never runs "
                     "it, 0 runs it every 60 seconds. Enable it on one "
                     "scheduler only: several would collide mapping the "
                     "same hosts."),
    cfg.BoolOpt("image_metadata_prefilter", default=False,
                help="Turn image properties (hw_architecture, hw_disk_bus, "
                     "hw_vif_model, hw_video_model, ...) into traits "
                     "placement requires of the host."),
]

PLACEMENT_OPTS = [
    cfg.BoolOpt("randomize_allocation_candidates", default=False,
                help="Draw the scheduler's allocation candidates at random "
                     "from every provider that fits, rather than the first "
                     "ones in provider order: with max_placement_results "
                     "below the number of hosts, servers then spread over "
                     "the whole cloud."),
]

# Nova's default filters, then Stratus's own.
DEFAULT_FILTERS = ["ComputeFilter", "ComputeCapabilitiesFilter",
                   "ImagePropertiesFilter", "ServerGroupAntiAffinityFilter",
                   "ServerGroupAffinityFilter", "AvailabilityZoneFilter",
                   "RequestedDestinationFilter", "CapacityFilter"]
DEFAULT_WEIGHERS = ["RAMWeigher", "CPUWeigher", "DiskWeigher",
                    "IoOpsWeigher", "NumInstancesWeigher",
                    "HypervisorVersionWeigher", "ImagePropertiesWeigher",
                    "MetricsWeigher", "BuildFailureWeigher",
                    "CrossCellWeigher", "ServerGroupSoftAffinityWeigher",
                    "ServerGroupSoftAntiAffinityWeigher"]
AGGREGATE_OVERRIDE = (" An aggregate's metadata key of the same name "
                      "overrides it for the aggregate's hosts (the lowest "
                      "value wins for a host in several).")


def _multiplier(name, default, what):
    return cfg.FloatOpt(name, default=default,
                        help="Multiplier of the %s." % what
                        + AGGREGATE_OVERRIDE)


FILTER_SCHEDULER_OPTS = [
    cfg.ListOpt("enabled_filters", default=DEFAULT_FILTERS,
                help="Host filters the scheduler applies, in order."),
    cfg.ListOpt("weight_classes", default=DEFAULT_WEIGHERS,
                help="Weighers that rank the hosts that pass the filters."),
    _multiplier("ram_weight_multiplier", 1.0,
                "RAM weigher: positive spreads servers over hosts with the "
                "most free RAM, negative stacks them on the fullest"),
    _multiplier("cpu_weight_multiplier", 1.0,
                "CPU weigher: positive prefers hosts with the most free "
                "vCPUs, negative stacks"),
    _multiplier("disk_weight_multiplier", 1.0,
                "disk weigher: positive prefers hosts with the most free "
                "disk, negative stacks"),
    _multiplier("io_ops_weight_multiplier", -1.0,
                "I/O ops weigher: negative prefers hosts with fewer "
                "concurrent I/O heavy operations, positive the busiest"),
    _multiplier("num_instances_weight_multiplier", 0.0,
                "instance count weigher: positive prefers hosts with more "
                "instances, negative with fewer"),
    _multiplier("hypervisor_version_weight_multiplier", 1.0,
                "hypervisor version weigher: positive prefers newer "
                "hypervisors, negative older"),
    _multiplier("image_props_weight_multiplier", 0.0,
                "image properties weigher: positive packs servers on hosts "
                "whose instances share the request's image properties, "
                "negative spreads them; 0 turns the weigher (and the "
                "loading of instance image properties) off"),
    cfg.ListOpt("image_props_weight_setting", default=[],
                help="Image properties the image properties weigher "
                     "counts, each 'name=ratio'; empty counts every "
                     "property with ratio 1."),
    _multiplier("soft_affinity_weight_multiplier", 1.0,
                "soft-affinity weigher: hosts with more members of the "
                "request's soft-affinity group weigh more"),
    _multiplier("soft_anti_affinity_weight_multiplier", 1.0,
                "soft-anti-affinity weigher: hosts with fewer members of "
                "the request's soft-anti-affinity group weigh more"),
    _multiplier("build_failure_weight_multiplier", 1000000.0,
                "build failure weigher: hosts whose recent builds failed "
                "weigh less (failures count until a build succeeds)"),
    _multiplier("cross_cell_move_weight_multiplier", 1000000.0,
                "cross-cell weigher: when a server moves, hosts in its "
                "current cell are preferred; negative prefers other cells"),
    cfg.IntOpt("max_io_ops_per_host", default=8, min=0,
               help="IoOpsFilter: hosts with this many concurrent I/O "
                    "heavy operations (builds, resizes, snapshots, ...) "
                    "take no more. AggregateIoOpsFilter reads the "
                    "aggregate metadata key of the same name first."),
    cfg.IntOpt("max_instances_per_host", default=50, min=1,
               help="NumInstancesFilter: hosts with this many instances "
                    "take no more. AggregateNumInstancesFilter reads the "
                    "aggregate metadata key of the same name first."),
    cfg.ListOpt("isolated_images", default=[],
                help="IsolatedHostsFilter: image IDs that boot only on "
                     "isolated_hosts."),
    cfg.ListOpt("isolated_hosts", default=[],
                help="IsolatedHostsFilter: hosts that boot only "
                     "isolated_images."),
    cfg.BoolOpt("restrict_isolated_hosts_to_isolated_images", default=True,
                help="IsolatedHostsFilter: isolated hosts take no other "
                     "image (false: they take other images too)."),
    cfg.StrOpt("aggregate_image_properties_isolation_namespace",
               help="AggregateImagePropertiesIsolation: only aggregate "
                    "metadata keys in this namespace are compared with "
                    "image properties (unset: every key)."),
    cfg.StrOpt("aggregate_image_properties_isolation_separator",
               default=".",
               help="AggregateImagePropertiesIsolation: separator between "
                    "the namespace and the key."),
    cfg.IntOpt("host_subset_size", default=1, min=1,
               help="The chosen host is picked at random among this many "
                    "best-weighed hosts (reduces collisions between "
                    "concurrent requests)."),
    cfg.BoolOpt("shuffle_best_same_weighed_hosts", default=False,
                help="Pick at random among hosts of equal best weight."),
]


METRICS_OPTS = [
    cfg.FloatOpt("weight_multiplier", default=1.0,
                 help="Multiplier of the metrics weigher. The aggregate "
                      "metadata key metrics_weight_multiplier overrides "
                      "it for the aggregate's hosts (the lowest value wins "
                      "for a host in several)."),
    cfg.ListOpt("weight_setting", default=[],
                help="Metrics the metrics weigher sums, each "
                     "'name=ratio' (e.g. 'cpu.percent=-1.0'); MetricsFilter "
                     "keeps only hosts that report all of them."),
    cfg.BoolOpt("required", default=True,
                help="A host missing a metric of weight_setting makes the "
                     "request fail (true) or weighs weight_of_unavailable "
                     "(false). Enable MetricsFilter with true."),
    cfg.FloatOpt("weight_of_unavailable", default=-10000.0,
                 help="Weight of a host missing a metric when required is "
                      "false."),
]


def register_opts(conf):
    conf.register_opts(SCHEDULER_OPTS, group="scheduler")
    conf.register_opts(PLACEMENT_OPTS, group="placement")
    conf.register_opts(FILTER_SCHEDULER_OPTS, group="filter_scheduler")
    conf.register_opts(METRICS_OPTS, group="metrics")


def list_opts():
    return [("scheduler", SCHEDULER_OPTS), ("placement", PLACEMENT_OPTS),
            ("filter_scheduler", FILTER_SCHEDULER_OPTS),
            ("metrics", METRICS_OPTS)]
