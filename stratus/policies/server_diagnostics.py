from stratus.policies import base

DIAGNOSTICS = "os_compute_api:os-server-diagnostics"


def list_rules():
    return [
        base.rule(DIAGNOSTICS, base.ADMIN, "Show the usage data for a server",
                  [("GET", "/servers/{server_id}/diagnostics")]),
    ]
