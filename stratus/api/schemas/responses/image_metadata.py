"""/images/{image_id}/metadata: the image metadata proxy, to 2.38."""
from stratus.api.schemas.responses import common as c

_HIGH = "2.38"
_all = c.wrap("metadata", {"type": "object"})
_item = c.wrap("meta", {"type": "object", "minProperties": 1,
                        "maxProperties": 1})
_ROUTE = "/v2.1/images/{image_id}/metadata"

RESPONSES = {
    ("GET", _ROUTE): c.one(200, _all, high=_HIGH),
    ("POST", _ROUTE): c.one(200, _all, high=_HIGH),
    ("PUT", _ROUTE): c.one(200, _all, high=_HIGH),
    ("GET", _ROUTE + "/{key}"): c.one(200, _item, high=_HIGH),
    ("PUT", _ROUTE + "/{key}"): c.one(200, _item, high=_HIGH),
    ("DELETE", _ROUTE + "/{key}"): c.none(204, high=_HIGH),
}
