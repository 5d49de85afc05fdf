"""/os-volumes and /os-snapshots (Nova's policies/volumes.py): the
deprecated proxies to the block storage service."""
from stratus.policies import base

POLICY_NAME = "os_compute_api:os-volumes:%s"


def list_rules():
    reader, member = base.PROJECT_READER_OR_ADMIN, base.PROJECT_MEMBER_OR_ADMIN
    deprecated = " (deprecated proxy to the block storage service)"
    return [
        base.rule(POLICY_NAME % "list", reader,
                  "List volumes" + deprecated, [("GET", "/os-volumes")]),
        base.rule(POLICY_NAME % "create", member,
                  "Create a volume" + deprecated,
                  [("POST", "/os-volumes")]),
        base.rule(POLICY_NAME % "detail", reader,
                  "List volumes in detail" + deprecated,
                  [("GET", "/os-volumes/detail")]),
        base.rule(POLICY_NAME % "show", reader,
                  "Show a volume" + deprecated,
                  [("GET", "/os-volumes/{volume_id}")]),
        base.rule(POLICY_NAME % "delete", member,
                  "Delete a volume" + deprecated,
                  [("DELETE", "/os-volumes/{volume_id}")]),
        base.rule(POLICY_NAME % "snapshots:list", reader,
                  "List snapshots" + deprecated,
                  [("GET", "/os-snapshots")]),
        base.rule(POLICY_NAME % "snapshots:create", member,
                  "Create a snapshot" + deprecated,
                  [("POST", "/os-snapshots")]),
        base.rule(POLICY_NAME % "snapshots:detail", reader,
                  "List snapshots in detail" + deprecated,
                  [("GET", "/os-snapshots/detail")]),
        base.rule(POLICY_NAME % "snapshots:show", reader,
                  "Show a snapshot" + deprecated,
                  [("GET", "/os-snapshots/{snapshot_id}")]),
        base.rule(POLICY_NAME % "snapshots:delete", member,
                  "Delete a snapshot" + deprecated,
                  [("DELETE", "/os-snapshots/{snapshot_id}")]),
    ]
