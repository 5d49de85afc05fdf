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
]

FILTER_SCHEDULER_OPTS = [
    cfg.ListOpt("enabled_filters",
                default=["ComputeFilter", "AvailabilityZoneFilter",
                         "RequestedDestinationFilter", "CapacityFilter"],
                help="Host filters the scheduler applies, in order."),
    cfg.ListOpt("weight_classes", default=["RAMWeigher"],
                help="Weighers that rank the hosts that pass the filters."),
    cfg.FloatOpt("ram_weight_multiplier", default=1.0,
                 help="Multiplier of the RAM weigher: positive spreads "
                      "servers over hosts with the most free RAM, negative "
                      "stacks them on the fullest."),
    cfg.IntOpt("host_subset_size", default=1, min=1,
               help="The chosen host is picked at random among this many "
                    "best-weighed hosts (reduces collisions between "
                    "concurrent requests)."),
    cfg.BoolOpt("shuffle_best_same_weighed_hosts", default=False,
                help="Pick at random among hosts of equal best weight."),
]


def register_opts(conf):
    conf.register_opts(SCHEDULER_OPTS, group="scheduler")
    conf.register_opts(FILTER_SCHEDULER_OPTS, group="filter_scheduler")


def list_opts():
    return [("scheduler", SCHEDULER_OPTS),
            ("filter_scheduler", FILTER_SCHEDULER_OPTS)]
