"""[audit]: the conductor's self-audit (stratus/conductor/self_audit.py):
drift between the cell databases, the API database and placement, found,
reported and, where safe, healed."""
from oslo_config import cfg

AUDIT_OPTS = [
    cfg.IntOpt("interval", default=0, min=0,
               help="Seconds between the super conductor's self-audit "
                    "passes; 0 (the default) turns the audit off. Each "
                    "pass reads every cell database and every placement "
                    "allocation: on a large cloud, keep it to hours."),
    cfg.BoolOpt("heal", default=True,
                help="Heal what is safe to heal (with interval > 0): "
                     "delete allocations found orphaned by two passes in "
                     "a row, map live servers that have no instance "
                     "mapping, delete the build requests of servers "
                     "already in a cell. False: report only."),
]


def register_opts(conf):
    conf.register_opts(AUDIT_OPTS, group="audit")


def list_opts():
    return [("audit", AUDIT_OPTS)]
