"""The addFixedIp / removeFixedIp server actions (Nova's
policies/multinic.py)."""
from stratus.policies import base

BASE_POLICY_NAME = "os_compute_api:os-multinic:%s"


def list_rules():
    member = base.PROJECT_MEMBER_OR_ADMIN
    return [
        base.rule(BASE_POLICY_NAME % "add", member,
                  "Add a fixed IP address to a server (deprecated)",
                  [("POST", "/servers/{server_id}/action")]),
        base.rule(BASE_POLICY_NAME % "remove", member,
                  "Remove a fixed IP address from a server (deprecated)",
                  [("POST", "/servers/{server_id}/action")]),
    ]
