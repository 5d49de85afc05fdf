"""Options of the operations endpoints: /healthcheck, /metrics and the
health listener of the services that serve no API."""
from oslo_config import cfg
from oslo_middleware.healthcheck import opts as healthcheck_opts

DEFAULT_OPTS = [
    cfg.HostAddressOpt(
        "healthcheck_listen", default="127.0.0.1",
        help="Address of the health listener (/healthcheck and /metrics "
             "only) of a `stratus conductor`, `scheduler`, `compute` or "
             "`api` process (see healthcheck_port)."),
    cfg.PortOpt(
        "healthcheck_port",
        help="Port of that health listener. Unset: no such listener; the "
             "API listeners serve /healthcheck themselves, and the other "
             "services' health is their heartbeat (`openstack compute "
             "service list`)."),
]

HEALTHCHECK_OPTS = [
    cfg.FloatOpt(
        "check_timeout", default=2.0, min=0.1,
        help="Seconds a database `SELECT 1` or a broker connection may "
             "take before /healthcheck reports it unavailable."),
]

METRICS_OPTS = [
    cfg.BoolOpt(
        "enabled", default=True,
        help="Serve Prometheus metrics at /metrics."),
    cfg.BoolOpt(
        "on_public_listeners", default=False,
        help="Also serve /metrics (unauthenticated) on API listeners bound "
             "to an address other than loopback. By default only loopback "
             "listeners answer it (the health listener of [DEFAULT] "
             "healthcheck_port included); elsewhere the path goes to the "
             "API as any other."),
]


def register_opts(conf):
    conf.register_opts(DEFAULT_OPTS)
    # oslo.middleware's own [healthcheck] options (detailed, backends,
    # allowed_source_ranges, ...) are the ones operators know.
    conf.register_opts(healthcheck_opts.HEALTHCHECK_OPTS, group="healthcheck")
    conf.register_opts(healthcheck_opts.DISABLE_BY_FILE_OPTS,
                       group="healthcheck")
    conf.register_opts(HEALTHCHECK_OPTS, group="healthcheck")
    conf.register_opts(METRICS_OPTS, group="metrics")


def list_opts():
    return [("DEFAULT", DEFAULT_OPTS),
            ("healthcheck", healthcheck_opts.HEALTHCHECK_OPTS
             + healthcheck_opts.DISABLE_BY_FILE_OPTS + HEALTHCHECK_OPTS),
            ("metrics", METRICS_OPTS)]
