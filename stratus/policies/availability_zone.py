from stratus.policies import base

POLICY_ROOT = "os_compute_api:os-availability-zone:%s"


def list_rules():
    return [
        base.rule(POLICY_ROOT % "list", base.ANY,
                  "List availability zone information without host "
                  "information", [("GET", "/os-availability-zone")]),
        base.rule(POLICY_ROOT % "detail", base.ADMIN,
                  "List detailed availability zone information with host "
                  "information", [("GET", "/os-availability-zone/detail")]),
    ]
