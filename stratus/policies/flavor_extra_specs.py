from stratus.policies import base

POLICY_ROOT = "os_compute_api:os-flavor-extra-specs:%s"


def list_rules():
    return [
        base.rule(POLICY_ROOT % "index", base.PROJECT_READER_OR_ADMIN,
                  "List a flavor's extra specs; also decides whether "
                  "flavor bodies include them (2.61 and later)",
                  [("GET", "/flavors/{flavor_id}/os-extra_specs"),
                   ("GET", "/flavors/detail"),
                   ("GET", "/flavors/{flavor_id}"),
                   ("POST", "/flavors"),
                   ("PUT", "/flavors/{flavor_id}")]),
        base.rule(POLICY_ROOT % "show", base.PROJECT_READER_OR_ADMIN,
                  "Show one extra spec of a flavor",
                  [("GET", "/flavors/{flavor_id}/os-extra_specs/{key}")]),
        base.rule(POLICY_ROOT % "create", base.ADMIN,
                  "Add or change extra specs of a flavor",
                  [("POST", "/flavors/{flavor_id}/os-extra_specs")]),
        base.rule(POLICY_ROOT % "update", base.ADMIN,
                  "Change one extra spec of a flavor",
                  [("PUT", "/flavors/{flavor_id}/os-extra_specs/{key}")]),
        base.rule(POLICY_ROOT % "delete", base.ADMIN,
                  "Delete one extra spec of a flavor",
                  [("DELETE", "/flavors/{flavor_id}/os-extra_specs/{key}")]),
    ]
