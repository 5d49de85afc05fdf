from stratus.policies import base

POLICY_ROOT = "os_compute_api:os-server-password:%s"
SHOW = POLICY_ROOT % "show"
CLEAR = POLICY_ROOT % "clear"


def list_rules():
    return [
        base.rule(SHOW, base.PROJECT_READER_OR_ADMIN,
                  "Show the encrypted administrative password of a server",
                  [("GET", "/servers/{server_id}/os-server-password")]),
        base.rule(CLEAR, base.PROJECT_MEMBER_OR_ADMIN,
                  "Clear the encrypted administrative password of a server",
                  [("DELETE", "/servers/{server_id}/os-server-password")]),
    ]
