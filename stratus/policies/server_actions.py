"""The server actions of POST /servers/{id}/action, under Nova's rule
names (lock and unlock are in servers.py)."""
from stratus.policies import base

REBOOT = "os_compute_api:servers:reboot"
STOP = "os_compute_api:servers:stop"
START = "os_compute_api:servers:start"
PAUSE = "os_compute_api:os-pause-server:%s"
SUSPEND = "os_compute_api:os-suspend-server:%s"
RESCUE = "os_compute_api:os-rescue"
UNRESCUE = "os_compute_api:os-unrescue"
CRASH_DUMP = "os_compute_api:servers:trigger_crash_dump"
ADMIN_PASSWORD = "os_compute_api:os-admin-password"
ADMIN_ACTIONS = "os_compute_api:os-admin-actions:%s"
CONSOLE_OUTPUT = "os_compute_api:os-console-output"
CREATE_IMAGE = "os_compute_api:servers:create_image"
CREATE_BACKUP = "os_compute_api:os-create-backup"
REBUILD = "os_compute_api:servers:rebuild"
REBUILD_TRUSTED_CERTS = "os_compute_api:servers:rebuild:trusted_certs"
DEFERRED_DELETE = "os_compute_api:os-deferred-delete:%s"
SHELVE = "os_compute_api:os-shelve:%s"
RESIZE = "os_compute_api:servers:resize"
CONFIRM_RESIZE = "os_compute_api:servers:confirm_resize"
REVERT_RESIZE = "os_compute_api:servers:revert_resize"
MIGRATE = "os_compute_api:os-migrate-server:migrate"
MIGRATE_HOST = "os_compute_api:os-migrate-server:migrate:host"
EVACUATE = "os_compute_api:os-evacuate"
MIGRATE_LIVE = "os_compute_api:os-migrate-server:migrate_live"
MIGRATE_LIVE_HOST = "os_compute_api:os-migrate-server:migrate_live:host"

_ACTION = [("POST", "/servers/{server_id}/action")]


def list_rules():
    member = base.PROJECT_MEMBER_OR_ADMIN
    return [
        base.rule(REBOOT, member, "Reboot a server", _ACTION),
        base.rule(STOP, member, "Stop a server", _ACTION),
        base.rule(START, member, "Start a server", _ACTION),
        base.rule(PAUSE % "pause", member, "Pause a server", _ACTION),
        base.rule(PAUSE % "unpause", member, "Unpause a server", _ACTION),
        base.rule(SUSPEND % "suspend", member, "Suspend a server", _ACTION),
        base.rule(SUSPEND % "resume", member, "Resume a server", _ACTION),
        base.rule(RESCUE, member, "Rescue a server", _ACTION),
        base.rule(UNRESCUE, member, "Unrescue a server", _ACTION),
        base.rule(CRASH_DUMP, member,
                  "Trigger a crash dump in a server (2.17)", _ACTION),
        base.rule(ADMIN_PASSWORD, member,
                  "Change a server's administrator password", _ACTION),
        base.rule(ADMIN_ACTIONS % "reset_state", base.ADMIN,
                  "Reset a server's state", _ACTION),
        base.rule(ADMIN_ACTIONS % "inject_network_info", base.ADMIN,
                  "Inject network information into a server", _ACTION),
        base.rule(CONSOLE_OUTPUT, member, "Show a server's console output",
                  _ACTION),
        base.rule(CREATE_IMAGE, member, "Create an image from a server",
                  _ACTION),
        base.rule(CREATE_BACKUP, member, "Create a backup of a server",
                  _ACTION),
        base.rule(REBUILD, member, "Rebuild a server", _ACTION),
        base.rule(REBUILD_TRUSTED_CERTS, member,
                  "Rebuild a server with trusted image certificates (2.63)",
                  _ACTION),
        base.rule(DEFERRED_DELETE % "restore", member,
                  "Restore a soft-deleted server", _ACTION),
        base.rule(DEFERRED_DELETE % "force", member,
                  "Delete a soft-deleted server at once", _ACTION),
        base.rule(SHELVE % "shelve", member, "Shelve a server", _ACTION),
        base.rule(SHELVE % "shelve_offload", base.ADMIN,
                  "Offload a shelved server", _ACTION),
        base.rule(SHELVE % "unshelve", member, "Unshelve a server",
                  _ACTION),
        base.rule(SHELVE % "unshelve_to_host", base.ADMIN,
                  "Unshelve a shelved-offloaded server to a given host "
                  "(2.91)", _ACTION),
        base.rule(RESIZE, member, "Resize a server", _ACTION),
        base.rule(CONFIRM_RESIZE, member, "Confirm a server's resize",
                  _ACTION),
        base.rule(REVERT_RESIZE, member, "Revert a server's resize",
                  _ACTION),
        base.rule(MIGRATE, base.ADMIN, "Cold migrate a server", _ACTION),
        base.rule(MIGRATE_HOST, base.ADMIN,
                  "Cold migrate a server to a named host (2.56)", _ACTION),
        base.rule(MIGRATE_LIVE, base.ADMIN, "Live migrate a server",
                  _ACTION),
        base.rule(EVACUATE, base.ADMIN,
                  "Evacuate a server from a failed host to a new one",
                  _ACTION),
        base.rule(MIGRATE_LIVE_HOST, base.ADMIN,
                  "Live migrate a server to a named host", _ACTION),
    ]
