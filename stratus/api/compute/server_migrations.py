"""/servers/{id}/migrations (2.23): the server's live migrations in
progress, as Nova lists them (other moves are in /os-migrations).

2.59 adds ``uuid``, 2.80 ``user_id`` and ``project_id``.

A live migration's own actions: ``POST .../migrations/{id}/action`` with
``force_complete`` (2.22; the migration must be running) and ``DELETE
.../migrations/{id}`` to abort it (2.24 while running; 2.65 also while
queued or preparing).
"""
from stratus.api.compute import servers
from stratus.api import errors
from stratus.api import input_guard
from stratus.api import validation
from stratus.api import wsgi
from stratus import exception
from stratus.objects import migration as migration_obj
from stratus.policies import migrations as policies

LIVE_IN_PROGRESS = ("queued", "preparing", "running", "post-migrating")
_KEYS = ("id", "source_compute", "dest_compute", "source_node", "dest_node",
         "dest_host", "status", "created_at", "updated_at")
_PROGRESS = ("memory_total", "memory_processed", "memory_remaining",
             "disk_total", "disk_processed", "disk_remaining")


def view(req, migration):
    body = {key: migration.get(key) for key in _KEYS}
    for key in ("created_at", "updated_at"):
        body[key] = wsgi.isotime(body[key], microseconds=True) \
            if body[key] else None
    body["server_uuid"] = migration.instance_uuid
    for key in _PROGRESS:
        body[key + "_bytes"] = migration.get(key)
    if req.api_version >= (2, 59):
        body["uuid"] = migration.uuid
    if req.api_version >= (2, 80):
        body["user_id"] = migration.user_id
        body["project_id"] = migration.project_id
    return body


def _server(req, server_id, rule, since=(2, 23)):
    if req.api_version < since:
        raise errors.not_found("The resource could not be found.")
    instance = servers.get_server(req, server_id)
    servers.authorize_for(req, policies.SERVER_MIGRATIONS % rule, instance)
    return instance


def _migration_number(instance, migration_id):
    """The integer id of the path; not found beyond the database's ids."""
    number = input_guard.int_id(migration_id)
    if number is None:
        raise exception.MigrationNotFoundForInstance(
            migration_id=migration_id, instance_id=instance.uuid)
    return number


def list_server_migrations(req, server_id):
    instance = _server(req, server_id, "index")
    found = req.app.compute_api.server_migrations(req.context, instance, {
        "migration_type": migration_obj.LIVE_MIGRATION, "in_progress": True,
        "not_status": [migration_obj.Status.ACCEPTED]})
    return wsgi.json_response(req, {"migrations": [
        view(req, migration) for migration in found]})


def show_server_migration(req, server_id, migration_id):
    instance = _server(req, server_id, "show")
    try:
        migration = req.app.compute_api.server_migration(
            req.context, instance, _migration_number(instance, migration_id))
    except exception.MigrationNotFound:  # ...ForInstance included
        migration = None
    if migration is None or migration.instance_uuid != instance.uuid:
        raise errors.not_found(
            "Migration %s not found for instance %s"
            % (migration_id, server_id))
    if migration.migration_type != migration_obj.LIVE_MIGRATION:
        raise errors.not_found("Migration %s for server %s is not "
                               "live-migration." % (migration_id, server_id))
    if migration.status not in LIVE_IN_PROGRESS:
        raise errors.not_found("Live migration %s for server %s is not in "
                               "progress." % (migration_id, server_id))
    return wsgi.json_response(req, {"migration": view(req, migration)})


_FORCE_COMPLETE = {
    "type": "object",
    "properties": {"force_complete": {"type": "null"}},
    "required": ["force_complete"],
    "additionalProperties": False,
}


@validation.schema(_FORCE_COMPLETE, "2.22")
def server_migration_action(req, server_id, migration_id):
    instance = _server(req, server_id, "force_complete", since=(2, 22))
    try:
        req.app.compute_api.live_migrate_force_complete(
            req.context, instance, migration_id)
    except exception.MigrationNotFoundForInstance as exc:
        raise errors.bad_request(exc.format_message())
    return wsgi.empty_response(req, 202)


def abort_server_migration(req, server_id, migration_id):
    instance = _server(req, server_id, "delete", since=(2, 24))
    req.app.compute_api.live_migrate_abort(
        req.context, instance, migration_id,
        abort_queued=req.api_version >= (2, 65))
    return wsgi.empty_response(req, 202)
