"""/servers/{server_id}/metadata (Nova's api-ref "Server metadata")."""
from stratus.api.schemas.responses import common as c

_all = c.wrap("metadata", c.metadata)
_item = c.wrap("meta", dict(c.metadata, minProperties=1, maxProperties=1))
_ROUTE = "/v2.1/servers/{server_id}/metadata"

RESPONSES = {
    ("GET", _ROUTE): c.one(200, _all),
    ("POST", _ROUTE): c.one(200, _all),
    ("PUT", _ROUTE): c.one(200, _all),
    ("GET", _ROUTE + "/{key}"): c.one(200, _item),
    ("PUT", _ROUTE + "/{key}"): c.one(200, _item),
    ("DELETE", _ROUTE + "/{key}"): c.none(204),
}
