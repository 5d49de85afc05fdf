"""/servers/{server_id}/migrations (2.22/2.23, Nova's api-ref "Server
migrations")."""
from stratus.api.schemas.responses import common as c

_nullable_int = {"type": ["integer", "null"]}
_migration = c.bands(
    ({"id": c.integer, "server_uuid": c.string,
      "source_compute": c.nullable_string, "dest_compute": c.nullable_string,
      "source_node": c.nullable_string, "dest_node": c.nullable_string,
      "dest_host": c.nullable_string, "status": c.string,
      "created_at": c.datetime, "updated_at": c.nullable_datetime,
      **{name + "_bytes": _nullable_int for name in (
          "memory_total", "memory_processed", "memory_remaining",
          "disk_total", "disk_processed", "disk_remaining")}}, None),
    [("2.59", {"uuid": c.string}, ["uuid"], []),
     ("2.80", {"user_id": c.nullable_string,
               "project_id": c.nullable_string},
      ["user_id", "project_id"], [])])

_ROUTE = "/v2.1/servers/{server_id}/migrations"


def _from(ranged, version):
    return [(version if c.parse(low) < c.parse(version) else low, high, s)
            for low, high, s in ranged
            if high is None or c.parse(high) >= c.parse(version)]


RESPONSES = {
    ("GET", _ROUTE): c.entries(
        200, _from(_migration, "2.23"),
        lambda s: c.wrap("migrations", c.array_of(s))),
    ("GET", _ROUTE + "/{migration_id}"): c.entries(
        200, _from(_migration, "2.23"), lambda s: c.wrap("migration", s)),
    ("DELETE", _ROUTE + "/{migration_id}"): c.none(202, low="2.24"),
    ("POST", _ROUTE + "/{migration_id}/action"): c.none(202, low="2.22"),
}
