"""Servers, and the server attributes and actions Nova polices under
their own names (extended attributes, lock)."""
from stratus.policies import base

SERVERS = "os_compute_api:servers:%s"
EXTENDED_ATTRIBUTES = "os_compute_api:os-extended-server-attributes"
LOCK = "os_compute_api:os-lock-server:%s"
# Nova's name (not os_compute_api:...): resize and cold migrate may cross
# cells. Nobody by default ("!"), as in Nova.
CROSS_CELL_RESIZE = "compute:servers:resize:cross_cell"

_SERVER = "/servers/{server_id}"
_ACTION = "/servers/{server_id}/action"


def list_rules():
    return [
        base.rule(SERVERS % "index", base.PROJECT_READER_OR_ADMIN,
                  "List servers", [("GET", "/servers")]),
        base.rule(SERVERS % "detail", base.PROJECT_READER_OR_ADMIN,
                  "List servers with details", [("GET", "/servers/detail")]),
        base.rule(SERVERS % "index:get_all_tenants", base.ADMIN,
                  "List servers of all projects",
                  [("GET", "/servers")]),
        base.rule(SERVERS % "detail:get_all_tenants", base.ADMIN,
                  "List servers of all projects with details",
                  [("GET", "/servers/detail")]),
        base.rule(SERVERS % "allow_all_filters", base.ADMIN,
                  "Filter server lists by any attribute",
                  [("GET", "/servers"), ("GET", "/servers/detail")]),
        base.rule(SERVERS % "show", base.PROJECT_READER_OR_ADMIN,
                  "Show a server", [("GET", _SERVER)]),
        base.rule(SERVERS % "show:flavor-extra-specs",
                  base.PROJECT_READER_OR_ADMIN,
                  "See the extra specs of a server's flavor (2.47)",
                  [("GET", _SERVER), ("GET", "/servers/detail")]),
        base.rule(SERVERS % "show:host_status", base.ADMIN,
                  "See the state of a server's host (2.16)",
                  [("GET", _SERVER), ("GET", "/servers/detail")]),
        base.rule(SERVERS % "show:host_status:unknown-only", base.ADMIN,
                  "See a server's host state only when it is UNKNOWN",
                  [("GET", _SERVER), ("GET", "/servers/detail")]),
        base.rule(SERVERS % "create", base.PROJECT_MEMBER_OR_ADMIN,
                  "Create a server", [("POST", "/servers")]),
        base.rule(SERVERS % "create:forced_host", base.ADMIN,
                  "Create a server on a host named in the availability "
                  "zone (zone:host:node)", [("POST", "/servers")]),
        base.rule(SERVERS % "create:requested_destination", base.ADMIN,
                  "Create a server on a given host or node (2.74)",
                  [("POST", "/servers")]),
        base.rule(SERVERS % "create:zero_disk_flavor", base.ADMIN,
                  "Create an image-backed server with a zero-disk flavor",
                  [("POST", "/servers")]),
        base.rule(SERVERS % "update", base.PROJECT_MEMBER_OR_ADMIN,
                  "Update a server", [("PUT", _SERVER)]),
        base.rule(SERVERS % "delete", base.PROJECT_MEMBER_OR_ADMIN,
                  "Delete a server", [("DELETE", _SERVER)]),
        base.rule(EXTENDED_ATTRIBUTES, base.ADMIN,
                  "See a server's host, hypervisor and instance name "
                  "(OS-EXT-SRV-ATTR)",
                  [("GET", _SERVER), ("GET", "/servers/detail")]),
        base.rule(CROSS_CELL_RESIZE, "!",
                  "Resize or cold migrate a server into another cell (a "
                  "move stays in its cell when it can even then; disabled "
                  "for everyone by default)", [("POST", _ACTION)]),
        base.rule(LOCK % "lock", base.PROJECT_MEMBER_OR_ADMIN,
                  "Lock a server", [("POST", _ACTION)]),
        base.rule(LOCK % "unlock", base.PROJECT_MEMBER_OR_ADMIN,
                  "Unlock a server locked by its own project",
                  [("POST", _ACTION)]),
        base.rule(LOCK % "unlock:unlock_override", base.ADMIN,
                  "Unlock a server locked by someone else",
                  [("POST", _ACTION)]),
    ]
