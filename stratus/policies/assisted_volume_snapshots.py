"""/os-assisted-volume-snapshots (Nova's
policies/assisted_volume_snapshots.py): the block storage service asks
the compute to snapshot a volume it attached."""
from stratus.policies import base

POLICY_ROOT = "os_compute_api:os-assisted-volume-snapshots:%s"


def list_rules():
    return [
        base.rule(POLICY_ROOT % "create", base.SERVICE_ROLE,
                  "Create an assisted volume snapshot",
                  [("POST", "/os-assisted-volume-snapshots")]),
        base.rule(POLICY_ROOT % "delete", base.SERVICE_ROLE,
                  "Delete an assisted volume snapshot",
                  [("DELETE", "/os-assisted-volume-snapshots/{snapshot_id}")]),
    ]
