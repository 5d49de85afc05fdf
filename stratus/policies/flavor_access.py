from stratus.policies import base

BASE_POLICY_NAME = "os_compute_api:os-flavor-access"
POLICY_ROOT = "os_compute_api:os-flavor-access:%s"


def list_rules():
    return [
        base.rule(BASE_POLICY_NAME, base.ADMIN,
                  "List the projects that may use a private flavor",
                  [("GET", "/flavors/{flavor_id}/os-flavor-access")]),
        base.rule(POLICY_ROOT % "add_tenant_access", base.ADMIN,
                  "Give a project access to a private flavor",
                  [("POST", "/flavors/{flavor_id}/action "
                            "(addTenantAccess)")]),
        base.rule(POLICY_ROOT % "remove_tenant_access", base.ADMIN,
                  "Take a project's access to a private flavor away",
                  [("POST", "/flavors/{flavor_id}/action "
                            "(removeTenantAccess)")]),
    ]
