"""/servers/{id}/shares (2.97): Nova's defaults, project readers look,
project members attach and detach."""
from stratus.policies import base

POLICY_ROOT = "os_compute_api:os-server-shares:%s"


def list_rules():
    return [
        base.rule(POLICY_ROOT % "index", base.PROJECT_READER,
                  "List all shares for given server",
                  [("GET", "/servers/{server_id}/shares")]),
        base.rule(POLICY_ROOT % "create", base.PROJECT_MEMBER,
                  "Attach a share to the specified server",
                  [("POST", "/servers/{server_id}/shares")]),
        base.rule(POLICY_ROOT % "show", base.PROJECT_READER,
                  "Show a share configured for the specified server",
                  [("GET", "/servers/{server_id}/shares/{share_id}")]),
        base.rule(POLICY_ROOT % "delete", base.PROJECT_MEMBER,
                  "Detach a share from the specified server",
                  [("DELETE", "/servers/{server_id}/shares/{share_id}")]),
    ]
