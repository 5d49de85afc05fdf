"""/flavors/{flavor_id}/os-extra_specs."""
from stratus.api.schemas.responses import common as c

_specs = c.wrap("extra_specs", {"type": "object",
                                "additionalProperties": c.string})
# Create and update echo the request, whose values may be numbers or
# booleans (Nova returns the body it was sent).
_value = {"type": ["string", "number", "boolean"]}
_echoed = c.wrap("extra_specs", {"type": "object",
                                 "additionalProperties": _value})
_one = {"type": "object", "minProperties": 1, "maxProperties": 1,
        "additionalProperties": c.string}
_one_echoed = dict(_one, additionalProperties=_value)
_ROUTE = "/v2.1/flavors/{flavor_id}/os-extra_specs"

RESPONSES = {
    ("GET", _ROUTE): c.one(200, _specs),
    ("POST", _ROUTE): c.one(200, _echoed),
    ("GET", _ROUTE + "/{key}"): c.one(200, _one),
    ("PUT", _ROUTE + "/{key}"): c.one(200, _one_echoed),
    ("DELETE", _ROUTE + "/{key}"): c.none(200),
}
