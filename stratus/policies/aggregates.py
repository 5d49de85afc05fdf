from stratus.policies import base

POLICY_ROOT = "os_compute_api:os-aggregates:%s"


def list_rules():
    return [
        base.rule(POLICY_ROOT % "index", base.ADMIN, "List all aggregates",
                  [("GET", "/os-aggregates")]),
    ]
