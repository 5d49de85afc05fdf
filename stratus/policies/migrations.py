"""The migrations APIs: /os-migrations and /servers/{id}/migrations."""
from stratus.policies import base

INDEX = "os_compute_api:os-migrations:index"
SERVER_MIGRATIONS = "os_compute_api:servers:migrations:%s"


def list_rules():
    return [
        base.rule(INDEX, base.ADMIN, "List migrations",
                  [("GET", "/os-migrations")]),
        base.rule(SERVER_MIGRATIONS % "index", base.ADMIN,
                  "List a server's live migrations in progress",
                  [("GET", "/servers/{server_id}/migrations")]),
        base.rule(SERVER_MIGRATIONS % "show", base.ADMIN,
                  "Show a server's live migration in progress",
                  [("GET", "/servers/{server_id}/migrations/{migration_id}")]),
        base.rule(SERVER_MIGRATIONS % "force_complete", base.ADMIN,
                  "Force a server's live migration to complete (2.22)",
                  [("POST", "/servers/{server_id}/migrations/"
                            "{migration_id}/action")]),
        base.rule(SERVER_MIGRATIONS % "delete", base.ADMIN,
                  "Abort a server's live migration (2.24)",
                  [("DELETE", "/servers/{server_id}/migrations/"
                              "{migration_id}")]),
    ]
