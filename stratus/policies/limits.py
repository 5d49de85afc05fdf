from stratus.policies import base

BASE_POLICY_NAME = "os_compute_api:limits"
OTHER_PROJECT_LIMIT_POLICY_NAME = "os_compute_api:limits:other_project"


def list_rules():
    return [
        base.rule(BASE_POLICY_NAME, base.ANY,
                  "Show rate and absolute limits of the caller's project",
                  [("GET", "/limits")]),
        base.rule(OTHER_PROJECT_LIMIT_POLICY_NAME, base.ADMIN,
                  "Show the limits of another project (tenant_id)",
                  [("GET", "/limits")]),
    ]
