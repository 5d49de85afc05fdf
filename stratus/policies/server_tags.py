from stratus.policies import base

POLICY_ROOT = "os_compute_api:os-server-tags:%s"

_ALL = "/servers/{server_id}/tags"
_ONE = "/servers/{server_id}/tags/{tag}"


def list_rules():
    return [
        base.rule(POLICY_ROOT % "index", base.PROJECT_READER_OR_ADMIN,
                  "List a server's tags", [("GET", _ALL)]),
        base.rule(POLICY_ROOT % "show", base.PROJECT_READER_OR_ADMIN,
                  "Check a server's tag", [("GET", _ONE)]),
        base.rule(POLICY_ROOT % "update_all", base.PROJECT_MEMBER_OR_ADMIN,
                  "Replace a server's tags", [("PUT", _ALL)]),
        base.rule(POLICY_ROOT % "delete_all", base.PROJECT_MEMBER_OR_ADMIN,
                  "Delete a server's tags", [("DELETE", _ALL)]),
        base.rule(POLICY_ROOT % "update", base.PROJECT_MEMBER_OR_ADMIN,
                  "Add a tag to a server", [("PUT", _ONE)]),
        base.rule(POLICY_ROOT % "delete", base.PROJECT_MEMBER_OR_ADMIN,
                  "Delete a server's tag", [("DELETE", _ONE)]),
    ]
