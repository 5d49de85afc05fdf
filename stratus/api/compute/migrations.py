"""GET /os-migrations: every move of every server (admin), with Nova's
filters and microversions:

* 2.23: ``migration_type``, and ``links`` on live migrations in progress
* 2.59: ``uuid``; newest first with ``limit`` / ``marker`` (a migration
  uuid) paging, ``migrations_links``; ``changes-since``; unknown query
  parameters become 400s
* 2.66: ``changes-before``
* 2.80: ``user_id`` / ``project_id`` filters and fields

``/servers/{id}/migrations`` (list and show, 2.23) are in
server_migrations.py.
"""
from stratus.api.compute import links
from stratus.api import errors
from stratus.api.schemas import common
from stratus.api import validation
from stratus.api import wsgi
from stratus import exception
from stratus.objects import migration as migration_obj
from stratus.policies import migrations as policies

_FILTERS = ("hidden", "host", "instance_uuid", "source_compute", "status",
            "migration_type")
query_v20 = common.query_schema(
    {name: common.query_string for name in _FILTERS})
query_v259 = common.strict_variant(common.query_schema(dict(
    query_v20["properties"],
    limit=dict(common.query_non_negative_integer, maxItems=1),
    marker=dict(common.query_string, maxItems=1),
    **{"changes-since": dict(common.query_string, maxItems=1)})))
query_v266 = common.strict_variant(common.query_schema(dict(
    query_v259["properties"],
    **{"changes-before": dict(common.query_string, maxItems=1)})))
query_v280 = common.strict_variant(common.query_schema(dict(
    query_v266["properties"],
    user_id=dict(common.query_string, maxItems=1),
    project_id=dict(common.query_string, maxItems=1))))

# Fields every version shows.
BASE_KEYS = ("id", "instance_uuid", "source_compute", "dest_compute",
             "source_node", "dest_node", "dest_host", "old_instance_type_id",
             "new_instance_type_id", "status", "created_at", "updated_at")
# A live migration in these statuses has links (2.23) and is what
# /servers/{id}/migrations lists.
LIVE_IN_PROGRESS = ("queued", "preparing", "running", "post-migrating")


def view(req, migration, links_from=(2, 23)):
    """One migration as the API shows it at the request's version."""
    body = {key: migration.get(key) for key in BASE_KEYS}
    for key in ("created_at", "updated_at"):
        body[key] = wsgi.isotime(body[key], microseconds=True) \
            if body[key] else None
    version = req.api_version
    if version >= (2, 23):
        body["migration_type"] = migration.migration_type
        if version >= links_from \
                and migration.migration_type == migration_obj.LIVE_MIGRATION \
                and migration.status in LIVE_IN_PROGRESS:
            body["links"] = links.resource_links(
                req, "servers/%s/migrations" % migration.instance_uuid,
                migration.id)
    if version >= (2, 59):
        body["uuid"] = migration.uuid
    if version >= (2, 80):
        body["user_id"] = migration.user_id
        body["project_id"] = migration.project_id
    return body


@validation.query_schema(query_v20, "2.1", "2.58")
@validation.query_schema(query_v259, "2.59", "2.65")
@validation.query_schema(query_v266, "2.66", "2.79")
@validation.query_schema(query_v280, "2.80")
def list_migrations(req):
    req.authorize(policies.INDEX, {})
    filters = {name: req.GET[name] for name in _FILTERS if name in req.GET}
    filters.setdefault("hidden", False)
    if "hidden" in req.GET:
        filters["hidden"] = common.to_bool(req.GET["hidden"])
    limit = marker = None
    version = req.api_version
    if version >= (2, 59):
        limit, marker = links.limit_and_marker(req)
        filters.update(links.time_filters(
            req, ("changes-since", "changes-before") if version >= (2, 66)
            else ("changes-since",)))
    if version >= (2, 80):
        for name in ("user_id", "project_id"):
            if name in req.GET:
                filters[name] = req.GET[name]
    try:
        found = req.app.compute_api.migrations(req.context, filters,
                                               limit=limit, marker=marker)
    except exception.MarkerNotFound as exc:
        raise errors.bad_request(exc.format_message())
    # As Nova: a hidden migration (hidden=true asked for) is never shown.
    found = [migration for migration in found if not migration.get("hidden")]
    body = {"migrations": [view(req, migration) for migration in found]}
    if version >= (2, 59):
        next_links = links.next_links(req, found, "os-migrations",
                                      lambda migration: migration.uuid)
        if next_links:
            body["migrations_links"] = next_links
    return wsgi.json_response(req, body)
