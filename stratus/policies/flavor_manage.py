from stratus.policies import base

POLICY_ROOT = "os_compute_api:os-flavor-manage:%s"


def list_rules():
    return [
        base.rule(POLICY_ROOT % "create", base.ADMIN, "Create a flavor",
                  [("POST", "/flavors")]),
        base.rule(POLICY_ROOT % "update", base.ADMIN,
                  "Update a flavor's description",
                  [("PUT", "/flavors/{flavor_id}")]),
        base.rule(POLICY_ROOT % "delete", base.ADMIN, "Delete a flavor",
                  [("DELETE", "/flavors/{flavor_id}")]),
    ]
