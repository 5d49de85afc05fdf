"""/servers/{server_id}/ips (Nova's api-ref "Servers IPs")."""
from stratus.api.schemas.responses import common as c

_address = c.obj({"version": {"enum": [4, 6]}, "addr": c.string})
_by_network = {"type": "object", "additionalProperties": c.array_of(_address)}

RESPONSES = {
    ("GET", "/v2.1/servers/{server_id}/ips"): c.one(
        200, c.wrap("addresses", _by_network)),
    ("GET", "/v2.1/servers/{server_id}/ips/{network}"): c.one(
        200, dict(_by_network, minProperties=1, maxProperties=1)),
}
