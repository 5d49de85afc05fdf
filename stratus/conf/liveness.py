"""Liveness, fail-fast and shutdown (docs/operations.md, "Liveness,
fail-fast and shutdown"): options of several sections, kept together
because they are tuned together against [DEFAULT] report_interval and
service_down_time."""
from oslo_config import cfg

DEFAULT_OPTS = [
    cfg.FloatOpt("graceful_shutdown_timeout", default=5.0, min=0.0,
                 help="Seconds a service given SIGTERM or SIGINT waits for "
                      "the work it already took before it exits. It stops "
                      "taking messages at once; a compute hands builds it "
                      "has not started back to the conductor, which "
                      "places them elsewhere. What is still running then "
                      "is cut short and settled when the service starts "
                      "again."),
]

API_OPTS = [
    cfg.FloatOpt("rpc_unavailable_timeout", default=5.0, min=0.5,
                 help="Seconds the API tries to hand a request's message "
                      "(a create, a delete, an action) to the message "
                      "broker before it answers 503 with nothing changed. "
                      "Messages sent within this time go on as usual."),
]

SCHEDULER_OPTS = [
    cfg.FloatOpt("outage_wait", default=30.0, min=0.0,
                 help="Seconds a scheduling request waits, instead of "
                      "failing with NoValidHost, while every compute "
                      "service looks down because all of them went quiet "
                      "at once (a broker outage: their heartbeats could "
                      "not be delivered). It goes on as soon as one "
                      "heartbeat arrives. At most half of [conductor] "
                      "task_lease, so that the build's lease outlasts the "
                      "wait. 0 never waits."),
    cfg.FloatOpt("outage_window", default=20.0, min=0.0,
                 help="Computes whose last heartbeats lie within this many "
                      "seconds of each other went quiet at once (a broker "
                      "outage), not one by one."),
]


def register_opts(conf):
    conf.register_opts(DEFAULT_OPTS)
    conf.register_opts(API_OPTS, group="api")
    conf.register_opts(SCHEDULER_OPTS, group="scheduler")


def list_opts():
    return [("DEFAULT", DEFAULT_OPTS), ("api", API_OPTS),
            ("scheduler", SCHEDULER_OPTS)]
