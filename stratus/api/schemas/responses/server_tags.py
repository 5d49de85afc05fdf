"""/servers/{server_id}/tags (2.26, Nova's api-ref "Server tags")."""
from stratus.api.schemas.responses import common as c

_tags = c.wrap("tags", c.array_of(c.string))
_ROUTE = "/v2.1/servers/{server_id}/tags"

RESPONSES = {
    ("GET", _ROUTE): c.one(200, _tags, low="2.26"),
    ("PUT", _ROUTE): c.one(200, _tags, low="2.26"),
    ("DELETE", _ROUTE): c.none(204, low="2.26"),
    ("GET", _ROUTE + "/{tag}"): c.none(204, low="2.26"),
    ("PUT", _ROUTE + "/{tag}"): (c.none(201, low="2.26")
                                 + c.none(204, low="2.26")),
    ("DELETE", _ROUTE + "/{tag}"): c.none(204, low="2.26"),
}
