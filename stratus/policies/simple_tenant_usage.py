from stratus.policies import base

POLICY_ROOT = "os_compute_api:os-simple-tenant-usage:%s"


def list_rules():
    return [
        base.rule(POLICY_ROOT % "show", base.PROJECT_READER_OR_ADMIN,
                  "Show usage statistics for a specific tenant",
                  [("GET", "/os-simple-tenant-usage/{tenant_id}")]),
        base.rule(POLICY_ROOT % "list", base.ADMIN,
                  "List per tenant usage statistics for all tenants",
                  [("GET", "/os-simple-tenant-usage")]),
    ]
