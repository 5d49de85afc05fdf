"""/os-aggregates (Nova's api-ref "Host aggregates")."""
from stratus.api.schemas.responses import common as c

_BASE = {"id": c.integer, "name": c.string,
         "availability_zone": c.nullable_string,
         "created_at": c.datetime, "updated_at": c.nullable_datetime,
         "deleted": c.boolean, "deleted_at": c.nullable_datetime}
_MEMBERS = {"hosts": c.array_of(c.string), "metadata": {
    "type": "object", "additionalProperties": c.nullable_string}}


def _aggregate(members):
    properties = dict(_BASE, **(_MEMBERS if members else {}))
    return c.bands((properties, list(properties)),
                   [("2.41", {"uuid": c.string}, ["uuid"], [])])


def _one(schema):
    return c.wrap("aggregate", schema)


_ROUTE = "/v2.1/os-aggregates"

RESPONSES = {
    ("GET", _ROUTE): c.entries(
        200, _aggregate(True), lambda s: c.wrap("aggregates", c.array_of(s))),
    # A new aggregate shows neither hosts nor metadata (Nova).
    ("POST", _ROUTE): c.entries(200, _aggregate(False), _one),
    ("GET", _ROUTE + "/{aggregate_id}"): c.entries(200, _aggregate(True),
                                                   _one),
    ("PUT", _ROUTE + "/{aggregate_id}"): c.entries(200, _aggregate(True),
                                                   _one),
    ("DELETE", _ROUTE + "/{aggregate_id}"): c.none(200),
    ("POST", _ROUTE + "/{aggregate_id}/action"): c.entries(
        200, _aggregate(True), _one),
    ("POST", _ROUTE + "/{aggregate_id}/images"): c.none(202, low="2.81"),
}
