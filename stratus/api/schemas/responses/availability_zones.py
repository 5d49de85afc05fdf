"""/os-availability-zone (Nova's api-ref "Availability zones")."""
from stratus.api.schemas.responses import common as c

_service = c.obj({"available": c.boolean, "active": c.boolean,
                  "updated_at": c.nullable_datetime})
_hosts = {"type": ["object", "null"],
          "additionalProperties": {"type": "object",
                                   "additionalProperties": _service}}
_zone = c.obj({"zoneName": c.string,
               "zoneState": c.obj({"available": c.boolean}),
               "hosts": _hosts})
_info = c.wrap("availabilityZoneInfo", c.array_of(_zone))

RESPONSES = {
    ("GET", "/v2.1/os-availability-zone"): c.one(200, _info),
    ("GET", "/v2.1/os-availability-zone/detail"): c.one(200, _info),
}
