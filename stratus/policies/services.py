from stratus.policies import base

POLICY_ROOT = "os_compute_api:os-services:%s"


def list_rules():
    return [
        base.rule(POLICY_ROOT % "list", base.ADMIN, "List all running "
                  "Compute services in a region", [("GET", "/os-services")]),
        base.rule(POLICY_ROOT % "update", base.ADMIN, "Update a Compute "
                  "service", [("PUT", "/os-services/{service_id}")]),
        base.rule(POLICY_ROOT % "delete", base.ADMIN, "Delete a Compute "
                  "service", [("DELETE", "/os-services/{service_id}")]),
    ]
