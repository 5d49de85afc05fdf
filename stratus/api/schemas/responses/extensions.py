"""/extensions (Nova's api-ref "Extensions", deprecated)."""
from stratus.api.schemas.responses import common as c

_extension = c.obj({"name": c.string, "alias": c.string,
                    "description": c.string, "namespace": c.string,
                    "updated": c.datetime, "links": c.array_of(c.link)})

RESPONSES = {
    ("GET", "/v2.1/extensions"): c.one(
        200, c.wrap("extensions", c.array_of(_extension))),
    ("GET", "/v2.1/extensions/{alias}"): c.one(
        200, c.wrap("extension", _extension)),
}
