"""/v2.0/subnets: a network's IPv4 and IPv6 subnets, with Neutron's
defaults (gateway, allocation pools) and checks (stratus/network/store/
subnets.py). The owner of a network makes its subnets; a shared
network's subnets are seen by all."""
from stratus.api.network import networks
from stratus.api.network import resource
from stratus.api.network.resource import Attribute
from stratus.network import exception as net_exception
from stratus.network.store import subnets as subnet_store

_IP_TEXT = {"type": "string", "maxLength": 64}
_POOLS = {"type": "array", "maxItems": 1024, "items": {
    "type": "object", "required": ["start", "end"],
    "additionalProperties": False,
    "properties": {"start": _IP_TEXT, "end": _IP_TEXT}}}
_NAMESERVERS = {"type": "array", "maxItems": 1024, "items": _IP_TEXT}
_ROUTES = {"type": "array", "maxItems": 1024, "items": {
    "type": "object", "required": ["destination", "nexthop"],
    "additionalProperties": False,
    "properties": {"destination": _IP_TEXT, "nexthop": _IP_TEXT}}}
_IPV6_MODE = {"enum": [None] + list(subnet_store.IPV6_MODES)}
_NOTHING = {"type": "null"}


def network_target(req, item):
    """The policy target's view of the item's network: its owner
    (``network:tenant_id``) and whether it is shared. An item being made
    (it has no id yet) needs a network the caller sees, else 404."""
    network_id = item.get("network_id")
    cache = req.environ.setdefault("stratus.network.owners", {})
    if network_id not in cache:
        cache[network_id] = req.app.stores["subnets"].network_owner(
            network_id)
    owner = cache[network_id]
    if owner is None:
        raise net_exception.NetworkNotFound(net_id=network_id)
    if "id" not in item:
        networks.NETWORK.find(req, network_id)
    return {"network:tenant_id": owner[0], "network:project_id": owner[0],
            "shared": owner[1]}


def _check(req, values, existing):
    subnet_store.settle(values, existing)


SUBNET = resource.Resource("subnet", "subnets", [
    Attribute("name", post=True, put=True, default="",
              schema=resource.NAME),
    Attribute("network_id", post=True, default=resource.REQUIRED,
              schema=resource.UUID),
    Attribute("ip_version", post=True, default=resource.REQUIRED,
              convert=resource.to_int, schema={"enum": [4, 6]}),
    Attribute("cidr", post=True, default=resource.REQUIRED,
              schema=_IP_TEXT),
    Attribute("gateway_ip", post=True, put=True,
              default=subnet_store.NOT_SPECIFIED,
              schema={"type": ["string", "null"], "maxLength": 64}),
    Attribute("allocation_pools", post=True, put=True,
              default=subnet_store.NOT_SPECIFIED, schema=_POOLS,
              filter=False, sort=False),
    Attribute("dns_nameservers", post=True, put=True, default=[],
              schema=_NAMESERVERS, sort=False),
    Attribute("host_routes", post=True, put=True, default=[],
              schema=_ROUTES, filter=False, sort=False),
    Attribute("enable_dhcp", post=True, put=True, default=True,
              convert=resource.to_boolean, schema=resource.BOOLEAN),
    Attribute("ipv6_ra_mode", post=True, default=None, schema=_IPV6_MODE),
    Attribute("ipv6_address_mode", post=True, default=None,
              schema=_IPV6_MODE),
    # No subnet pools nor segments here: only null is taken.
    Attribute("subnetpool_id", post=True, schema=_NOTHING),
    Attribute("segment_id", post=True, policy=True, schema=_NOTHING),
    Attribute("service_types", post=True, put=True, default=[],
              policy=True, filter=False, sort=False,
              schema={"type": "array", "maxItems": 64,
                      "items": {"type": "string", "maxLength": 255}}),
], quota="subnet", target=network_target, check=_check)

(list_subnets, create_subnet, show_subnet, update_subnet,
 delete_subnet) = SUBNET.handlers()
