from stratus.policies import base

POLICY_ROOT = "os_compute_api:os-quota-sets:%s"


def list_rules():
    return [
        base.rule(POLICY_ROOT % "update", base.ADMIN, "Update the quotas",
                  [("PUT", "/os-quota-sets/{tenant_id}")]),
        base.rule(POLICY_ROOT % "defaults", base.ANY,
                  "List the default quotas",
                  [("GET", "/os-quota-sets/{tenant_id}/defaults")]),
        base.rule(POLICY_ROOT % "show", base.PROJECT_READER_OR_ADMIN,
                  "Show a quota", [("GET", "/os-quota-sets/{tenant_id}")]),
        base.rule(POLICY_ROOT % "delete", base.ADMIN,
                  "Revert quotas to the defaults",
                  [("DELETE", "/os-quota-sets/{tenant_id}")]),
        base.rule(POLICY_ROOT % "detail", base.PROJECT_READER_OR_ADMIN,
                  "Show the detail of a quota",
                  [("GET", "/os-quota-sets/{tenant_id}/detail")]),
    ]
