from stratus.policies import base

POLICY_ROOT = "os_compute_api:os-instance-actions:%s"

_ALL = "/servers/{server_id}/os-instance-actions"
_ONE = "/servers/{server_id}/os-instance-actions/{request_id}"


def list_rules():
    return [
        base.rule(POLICY_ROOT % "list", base.PROJECT_READER_OR_ADMIN,
                  "List a server's actions", [("GET", _ALL)]),
        base.rule(POLICY_ROOT % "show", base.PROJECT_READER_OR_ADMIN,
                  "Show a server's action", [("GET", _ONE)]),
        base.rule(POLICY_ROOT % "events", base.ADMIN,
                  "See an action's events before 2.51, and their "
                  "tracebacks and hosts", [("GET", _ONE)]),
        base.rule(POLICY_ROOT % "events:details",
                  base.PROJECT_READER_OR_ADMIN,
                  "See the details of an action's events (2.84)",
                  [("GET", _ONE)]),
    ]
