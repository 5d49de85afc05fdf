"""/os-migrations (Nova's api-ref "Migrations")."""
from stratus.api.schemas.responses import common as c

_migration = c.bands(
    ({"id": c.integer, "instance_uuid": c.string,
      "source_compute": c.nullable_string, "dest_compute": c.nullable_string,
      "source_node": c.nullable_string, "dest_node": c.nullable_string,
      "dest_host": c.nullable_string,
      "old_instance_type_id": {"type": ["integer", "null"]},
      "new_instance_type_id": {"type": ["integer", "null"]},
      "status": c.string, "created_at": c.datetime,
      "updated_at": c.nullable_datetime},
     ["id", "instance_uuid", "source_compute", "dest_compute", "source_node",
      "dest_node", "dest_host", "old_instance_type_id",
      "new_instance_type_id", "status", "created_at", "updated_at"]),
    [("2.23", {"migration_type": {
        "enum": ["live-migration", "migration", "resize", "evacuation"]},
        "links": c.links}, ["migration_type"], []),
     ("2.59", {"uuid": c.string}, ["uuid"], []),
     ("2.80", {"user_id": c.nullable_string,
               "project_id": c.nullable_string},
      ["user_id", "project_id"], [])])


def _many(schema, low):
    extra = {"migrations_links": c.collection_links} \
        if c.parse(low) >= (2, 59) else {}
    return c.wrap("migrations", c.array_of(schema), extra)


RESPONSES = {
    ("GET", "/v2.1/os-migrations"): [
        (low, high, 200, _many(schema, low))
        for low, high, schema in _migration],
}
