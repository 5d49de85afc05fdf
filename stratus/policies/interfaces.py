from stratus.policies import base

POLICY_ROOT = "os_compute_api:os-attach-interfaces:%s"


def list_rules():
    return [
        base.rule(POLICY_ROOT % "list", base.PROJECT_READER_OR_ADMIN,
                  "List a server's port interfaces",
                  [("GET", "/servers/{server_id}/os-interface")]),
        base.rule(POLICY_ROOT % "show", base.PROJECT_READER_OR_ADMIN,
                  "Show one port interface of a server",
                  [("GET", "/servers/{server_id}/os-interface/{port_id}")]),
        base.rule(POLICY_ROOT % "create", base.PROJECT_MEMBER_OR_ADMIN,
                  "Attach a port interface to a server",
                  [("POST", "/servers/{server_id}/os-interface")]),
        base.rule(POLICY_ROOT % "delete", base.PROJECT_MEMBER_OR_ADMIN,
                  "Detach a port interface from a server",
                  [("DELETE",
                    "/servers/{server_id}/os-interface/{port_id}")]),
    ]
