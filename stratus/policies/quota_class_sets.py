from stratus.policies import base

POLICY_ROOT = "os_compute_api:os-quota-class-sets:%s"


def list_rules():
    return [
        base.rule(POLICY_ROOT % "show", base.ADMIN,
                  "List quotas for specific quota classs",
                  [("GET", "/os-quota-class-sets/{quota_class}")]),
        base.rule(POLICY_ROOT % "update", base.ADMIN,
                  "Update quotas for specific quota class",
                  [("PUT", "/os-quota-class-sets/{quota_class}")]),
    ]
