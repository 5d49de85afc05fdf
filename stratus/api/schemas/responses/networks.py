"""/os-networks, /os-tenant-networks and /os-floating-ip-pools (Nova's
api-ref "Networks (os-networks) (DEPRECATED)", "Project Networks
(os-tenant-networks) (DEPRECATED)" and "Floating IP Pools
(os-floating-ip-pools) (DEPRECATED)"): proxies to the network service up
to 2.35; their writes are gone (410, an error body)."""
from stratus.api.schemas import networks as schemas
from stratus.api.schemas.responses import common as c

_PROXY_MAX = "2.35"

# Only id and label are known for a Neutron network; nova-network's
# other fields are null (the admin fields for administrators only).
_NULL_FIELDS = tuple(name for name in schemas.FIELDS
                     if name not in ("id", "label"))
_null = {"type": "null"}
_network = c.obj(
    dict({"id": c.string, "label": c.nullable_string},
         **dict.fromkeys(_NULL_FIELDS + schemas.ADMIN_FIELDS, _null)),
    required=schemas.FIELDS)

_tenant_network = c.obj({"id": c.string, "cidr": {"const": "None"},
                         "label": c.nullable_string})

_pool = c.obj({"name": c.string})

RESPONSES = {
    ("GET", "/v2.1/os-networks"): [
        ("2.1", _PROXY_MAX, 200, c.wrap("networks", c.array_of(_network)))],
    ("GET", "/v2.1/os-networks/{network_id}"): [
        ("2.1", _PROXY_MAX, 200, c.wrap("network", _network))],
    ("GET", "/v2.1/os-tenant-networks"): [
        ("2.1", _PROXY_MAX, 200,
         c.wrap("networks", c.array_of(_tenant_network)))],
    ("GET", "/v2.1/os-tenant-networks/{network_id}"): [
        ("2.1", _PROXY_MAX, 200, c.wrap("network", _tenant_network))],
    ("GET", "/v2.1/os-floating-ip-pools"): [
        ("2.1", _PROXY_MAX, 200,
         c.wrap("floating_ip_pools", c.array_of(_pool)))],
}
