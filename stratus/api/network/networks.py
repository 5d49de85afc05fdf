"""/v2.0/networks: networks, with the provider, external-net, net-mtu,
port-security and auto-allocated-topology (is_default) attributes."""
from stratus.api.network import resource
from stratus.api.network.resource import Attribute
from stratus.network import exception as net_exception

NETWORK_TYPES = ("local", "flat", "vlan")


def _check(req, values, existing):
    """Provider attributes that fit together: a VLAN has a segmentation
    id in 1-4094; local and flat networks have none. One network at most
    is the default (is_default); an external network routers' gateways
    are on stays external."""
    merged = dict(existing or {}, **values)
    if (existing is not None and existing["router:external"]
            and values.get("router:external") is False
            and req.app.stores["routers"].has_gateway_on(existing["id"])):
        raise net_exception.ExternalNetworkInUse(net_id=existing["id"])
    if values.get("is_default"):
        # One default external network (auto-allocated-topology's).
        for other in req.app.stores["networks"].list(
                req.context, {"is_default": [True]}):
            if existing is None or other["id"] != existing["id"]:
                raise net_exception.DefaultExternalNetworkExists(
                    net_id=other["id"])
    network_type = merged.get("provider:network_type")
    segment = merged.get("provider:segmentation_id")
    if network_type == "vlan":
        if segment is not None and not 1 <= segment <= 4094:
            raise net_exception.InvalidInput(error_message=(
                "segmentation_id out of range (1 through 4094)"))
    elif segment is not None:
        raise net_exception.InvalidInput(error_message=(
            "segmentation_id requires VLAN provider network type"))


NETWORK = resource.Resource("network", "networks", [
    Attribute("name", post=True, put=True, default="",
              schema=resource.NAME),
    Attribute("admin_state_up", post=True, put=True, default=True,
              convert=resource.to_boolean, schema=resource.BOOLEAN),
    Attribute("status"),
    Attribute("shared", post=True, put=True, default=False, policy=True,
              convert=resource.to_boolean, schema=resource.BOOLEAN),
    Attribute("subnets", filter=True, sort=False),
    Attribute("router:external", post=True, put=True, default=False,
              policy=True, convert=resource.to_boolean,
              schema=resource.BOOLEAN),
    Attribute("provider:network_type", post=True, put=True,
              default="local", policy=True,
              schema={"enum": list(NETWORK_TYPES)}),
    Attribute("provider:physical_network", post=True, put=True,
              policy=True, schema={"type": ["string", "null"],
                                   "maxLength": 64}),
    Attribute("provider:segmentation_id", post=True, put=True, policy=True,
              convert=resource.to_int,
              schema={"type": ["integer", "null"]}),
    Attribute("mtu", post=True, put=True, default=1500,
              convert=resource.to_int,
              schema={"type": "integer", "minimum": 68, "maximum": 9216}),
    Attribute("port_security_enabled", post=True, put=True, default=True,
              policy=True, convert=resource.to_boolean,
              schema=resource.BOOLEAN),
    Attribute("is_default", post=True, put=True, default=False, policy=True,
              convert=resource.to_boolean, schema=resource.BOOLEAN),
    Attribute("dns_domain", post=True, put=True, default="",
              schema={"type": "string", "maxLength": 255}),
    Attribute("availability_zone_hints", post=True, default=[],
              filter=False, sort=False,
              schema={"type": "array", "maxItems": 16,
                      "items": {"type": "string", "maxLength": 255}}),
    Attribute("availability_zones", filter=False, sort=False),
    Attribute("ipv4_address_scope", sort=False),
    Attribute("ipv6_address_scope", sort=False),
    Attribute("l2_adjacency", filter=False, sort=False),
], quota="network", check=_check)

(list_networks, create_network, show_network, update_network,
 delete_network) = NETWORK.handlers()
