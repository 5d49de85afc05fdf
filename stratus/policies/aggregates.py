from stratus.policies import base

POLICY_ROOT = "os_compute_api:os-aggregates:%s"

# Nova names the 2.81 rule in its newer style.
IMAGES = "compute:aggregates:images"

_AGGREGATE = "/os-aggregates/{aggregate_id}"
_ACTION = _AGGREGATE + "/action (%s)"


def list_rules():
    return [
        base.rule(POLICY_ROOT % "index", base.ADMIN, "List all aggregates",
                  [("GET", "/os-aggregates")]),
        base.rule(POLICY_ROOT % "create", base.ADMIN, "Create an aggregate",
                  [("POST", "/os-aggregates")]),
        base.rule(POLICY_ROOT % "show", base.ADMIN,
                  "Show details for an aggregate", [("GET", _AGGREGATE)]),
        base.rule(POLICY_ROOT % "update", base.ADMIN,
                  "Update name and/or availability zone of an aggregate",
                  [("PUT", _AGGREGATE)]),
        base.rule(POLICY_ROOT % "delete", base.ADMIN, "Delete an aggregate",
                  [("DELETE", _AGGREGATE)]),
        base.rule(POLICY_ROOT % "add_host", base.ADMIN,
                  "Add a host to an aggregate",
                  [("POST", _ACTION % "add_host")]),
        base.rule(POLICY_ROOT % "remove_host", base.ADMIN,
                  "Remove a host from an aggregate",
                  [("POST", _ACTION % "remove_host")]),
        base.rule(POLICY_ROOT % "set_metadata", base.ADMIN,
                  "Create or replace metadata for an aggregate",
                  [("POST", _ACTION % "set_metadata")]),
        base.rule(IMAGES, base.ADMIN,
                  "Request images be pre-cached on the hosts of an "
                  "aggregate", [("POST", _AGGREGATE + "/images")]),
    ]
