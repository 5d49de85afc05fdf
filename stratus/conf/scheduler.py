from oslo_config import cfg

SCHEDULER_OPTS = [
    cfg.IntOpt("max_attempts", default=3, min=1,
               help="Hosts tried for one build before the server goes to "
                    "ERROR (the first choice plus alternates)."),
]


def register_opts(conf):
    conf.register_opts(SCHEDULER_OPTS, group="scheduler")


def list_opts():
    return [("scheduler", SCHEDULER_OPTS)]
