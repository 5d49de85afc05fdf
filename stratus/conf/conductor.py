"""[conductor]: the deadlines of transitional states and of conductor
tasks (see docs/state-machine.md, "Who owns a transitional state")."""
from oslo_config import cfg

CONDUCTOR_OPTS = [
    cfg.IntOpt("stuck_check_interval", default=10, min=0,
               help="Seconds between the conductor's checks for servers "
                    "whose transitional state lost its owner; 0 disables "
                    "the periodic check (it still runs once at start)."),
    cfg.IntOpt("in_flight_grace", default=10, min=1,
               help="Seconds a server may stay in a build, delete or "
                    "action task_state on a compute that is up before "
                    "the conductor's check asks that compute whether it "
                    "holds the work (compute RPC get_in_flight); work "
                    "it does not hold (its message or its reply was lost, "
                    "e.g. in a broker outage) is sent again (builds, "
                    "deletes) or settled (actions) at once instead of "
                    "waiting for its deadline."),
    cfg.IntOpt("db_retry_seconds", default=30, min=0,
               help="Seconds database work waits for a database that "
                    "refuses connections or dropped them before it "
                    "fails: the conductor and the scheduler try a "
                    "refused connection again with backoff for this long "
                    "(the scheduler also makes a decision cut off by a "
                    "lost connection again), and a compute sends a "
                    "conductor call answered 'database unreachable' "
                    "again with backoff for this long. Keep it below "
                    "[DEFAULT] rpc_response_timeout. 0: fail at once."),
    cfg.IntOpt("task_lease", default=60, min=1,
               help="Seconds a conductor holds a build request it works "
                    "on. A build request left longer than this by a "
                    "conductor that died is resumed by another (or by "
                    "the same one restarted)."),
    cfg.IntOpt("build_timeout", default=300, min=1,
               help="Seconds a server may stay in a build task_state "
                    "before the check acts: ERROR with a fault when its "
                    "compute is down; the build is sent again when the "
                    "compute is up but never started it (scheduling)."),
    cfg.IntOpt("delete_timeout", default=120, min=1,
               help="Seconds a server may stay 'deleting' on a compute "
                    "that is down before the conductor deletes it "
                    "locally (guest reaped when the compute returns)."),
    cfg.IntOpt("action_timeout", default=300, min=1,
               help="Seconds a server action's task_state may last on a "
                    "compute that is down before the conductor clears it "
                    "(vm_state from the last known power state)."),
    cfg.IntOpt("move_timeout", default=600, min=1,
               help="Seconds a move's task_state may last before the "
                    "conductor's check takes it as abandoned and rolls it "
                    "back; keep it above three [DEFAULT] "
                    "rpc_response_timeout (a live move task may wait out "
                    "a call to a compute and its rollback's calls; the "
                    "conductor warns at start otherwise)."),
    cfg.BoolOpt("in_process_owners", default=False,
                help="Every service that owns servers' transitional states "
                     "(conductor, scheduler, computes) runs in this one "
                     "process over its in-process message transport, as "
                     "in `stratus all-in-one`: whatever the databases show "
                     "in transit from before this process started was "
                     "held by one that died, with its messages, so the "
                     "conductor settles or resumes it all at start "
                     "instead of after its deadline. `stratus all-in-one` "
                     "sets it; never set it where other processes run "
                     "conductors or computes."),
]


def register_opts(conf):
    conf.register_opts(CONDUCTOR_OPTS, group="conductor")


def list_opts():
    return [("conductor", CONDUCTOR_OPTS)]
