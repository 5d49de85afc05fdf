"""/flavors (Nova's api-ref "Flavors")."""
from stratus.api.schemas.responses import common as c

_extra_specs = {"type": "object", "additionalProperties": c.string}
_summary = c.bands(
    ({"id": c.string, "name": c.string, "links": c.links},
     ["id", "name", "links"]),
    [("2.55", {"description": c.nullable_string}, ["description"], [])])
_rxtx = {"anyOf": [{"type": "number"}, {"type": "string", "enum": [""]}]}
_DETAIL = {
    "id": c.string, "name": c.string, "links": c.links,
    "ram": c.integer, "disk": c.integer, "vcpus": c.integer,
    "swap": {"anyOf": [c.integer, {"type": "string", "enum": [""]}]},
    "OS-FLV-EXT-DATA:ephemeral": c.integer,
    "OS-FLV-DISABLED:disabled": c.boolean,
    "os-flavor-access:is_public": c.boolean,
    "rxtx_factor": _rxtx,
}
detail = c.bands(
    (_DETAIL, list(_DETAIL)),
    [("2.55", {"description": c.nullable_string}, ["description"], []),
     # extra_specs: only where policy lets the caller see them.
     ("2.61", {"extra_specs": _extra_specs}, [], []),
     ("2.75", {"swap": c.integer}, [], [])])


def _one(schema):
    return c.wrap("flavor", schema)


def _many(schema):
    return c.wrap("flavors", c.array_of(schema),
                  {"flavors_links": c.collection_links})


RESPONSES = {
    ("GET", "/v2.1/flavors"): c.entries(200, _summary, _many),
    ("GET", "/v2.1/flavors/detail"): c.entries(200, detail, _many),
    ("POST", "/v2.1/flavors"): c.entries(200, detail, _one),
    ("GET", "/v2.1/flavors/{flavor_id}"): c.entries(200, detail, _one),
    ("PUT", "/v2.1/flavors/{flavor_id}"): [
        (low, high, 200, _one(schema)) for low, high, schema in detail
        if c.parse(low) >= (2, 55)],
    ("DELETE", "/v2.1/flavors/{flavor_id}"): c.none(202),
}
