"""/os-floating-ips (Nova's api-ref "Floating IPs (os-floating-ips)
(DEPRECATED)"): a proxy to the network service up to 2.35."""
from stratus.api.schemas.responses import common as c

_PROXY_MAX = "2.35"
_floating_ip = c.obj({
    "id": c.uuid, "ip": c.string, "fixed_ip": c.nullable_string,
    "instance_id": {"anyOf": [c.uuid, {"type": "null"}]},
    "pool": c.string})

RESPONSES = {
    ("GET", "/v2.1/os-floating-ips"): c.one(
        200, c.wrap("floating_ips", c.array_of(_floating_ip)),
        high=_PROXY_MAX),
    ("POST", "/v2.1/os-floating-ips"): c.one(
        200, c.wrap("floating_ip", _floating_ip), high=_PROXY_MAX),
    ("GET", "/v2.1/os-floating-ips/{floating_ip_id}"): c.one(
        200, c.wrap("floating_ip", _floating_ip), high=_PROXY_MAX),
    ("DELETE", "/v2.1/os-floating-ips/{floating_ip_id}"): c.none(
        202, high=_PROXY_MAX),
}
