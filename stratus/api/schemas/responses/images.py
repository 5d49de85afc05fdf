"""/images: the image proxy, to 2.35 (Nova's api-ref "Images (DEPRECATED)")."""
from stratus.api.schemas.responses import common as c

_HIGH = "2.35"
_link = dict(c.link, properties=dict(c.link["properties"]))
_summary = c.obj({"id": c.string, "name": c.nullable_string,
                  "links": c.array_of(_link)})
_detail = c.obj({
    "id": c.string, "name": c.nullable_string, "links": c.array_of(_link),
    "minRam": c.integer, "minDisk": c.integer,
    "metadata": {"type": "object"}, "created": c.nullable_datetime,
    "updated": c.nullable_datetime,
    "status": {"enum": ["ACTIVE", "SAVING", "DELETED", "ERROR", "UNKNOWN"]},
    "progress": c.integer, "OS-EXT-IMG-SIZE:size": {"type": ["integer", "null"]},
    "OS-DCF:diskConfig": {"enum": ["AUTO", "MANUAL"]},
    "server": c.obj({"id": c.string, "links": c.links})},
    required=["id", "name", "links", "minRam", "minDisk", "metadata",
              "created", "updated", "status", "progress",
              "OS-EXT-IMG-SIZE:size"])


def _many(schema):
    return c.wrap("images", c.array_of(schema),
                  {"images_links": c.collection_links})


_ROUTE = "/v2.1/images"

RESPONSES = {
    ("GET", _ROUTE): c.one(200, _many(_summary), high=_HIGH),
    ("GET", _ROUTE + "/detail"): c.one(200, _many(_detail), high=_HIGH),
    ("GET", _ROUTE + "/{image_id}"): c.one(200, c.wrap("image", _detail),
                                           high=_HIGH),
    ("DELETE", _ROUTE + "/{image_id}"): c.none(204, high=_HIGH),
}
