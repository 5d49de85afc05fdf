from stratus.policies import base

CREATE = "os_compute_api:os-server-external-events:create"


def list_rules():
    return [
        base.rule(CREATE, base.SERVICE_ROLE,
                  "Create one or more external events",
                  [("POST", "/os-server-external-events")]),
    ]
