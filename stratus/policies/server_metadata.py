from stratus.policies import base

POLICY_ROOT = "os_compute_api:server-metadata:%s"

_ALL = "/servers/{server_id}/metadata"
_ONE = "/servers/{server_id}/metadata/{key}"


def list_rules():
    return [
        base.rule(POLICY_ROOT % "index", base.PROJECT_READER_OR_ADMIN,
                  "List a server's metadata", [("GET", _ALL)]),
        base.rule(POLICY_ROOT % "show", base.PROJECT_READER_OR_ADMIN,
                  "Show a server's metadata item", [("GET", _ONE)]),
        base.rule(POLICY_ROOT % "create", base.PROJECT_MEMBER_OR_ADMIN,
                  "Add or change a server's metadata items",
                  [("POST", _ALL)]),
        base.rule(POLICY_ROOT % "update_all", base.PROJECT_MEMBER_OR_ADMIN,
                  "Replace a server's metadata", [("PUT", _ALL)]),
        base.rule(POLICY_ROOT % "update", base.PROJECT_MEMBER_OR_ADMIN,
                  "Set a server's metadata item", [("PUT", _ONE)]),
        base.rule(POLICY_ROOT % "delete", base.PROJECT_MEMBER_OR_ADMIN,
                  "Delete a server's metadata item", [("DELETE", _ONE)]),
    ]
