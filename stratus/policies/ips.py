from stratus.policies import base

POLICY_ROOT = "os_compute_api:ips:%s"


def list_rules():
    return [
        base.rule(POLICY_ROOT % "index", base.PROJECT_READER_OR_ADMIN,
                  "List a server's addresses",
                  [("GET", "/servers/{server_id}/ips")]),
        base.rule(POLICY_ROOT % "show", base.PROJECT_READER_OR_ADMIN,
                  "Show a server's addresses on one network",
                  [("GET", "/servers/{server_id}/ips/{network_label}")]),
    ]
