"""Request bodies of /os-networks and /os-tenant-networks (Nova's
schemas/networks.py and tenant_networks.py): the writes are gone (410),
but Nova still checks their bodies first, so a malformed one is a 400."""
from stratus.api.schemas import common

# nova-network's fields of a network (GET /os-networks): everyone sees
# FIELDS, administrators ADMIN_FIELDS too.
FIELDS = ("id", "cidr", "netmask", "gateway", "broadcast", "dns1", "dns2",
          "cidr_v6", "gateway_v6", "label", "netmask_v6")
ADMIN_FIELDS = ("created_at", "updated_at", "deleted_at", "deleted",
                "injected", "bridge", "vlan", "vpn_public_address",
                "vpn_public_port", "vpn_private_address", "dhcp_start",
                "project_id", "host", "bridge_interface", "multi_host",
                "priority", "rxtx_base", "mtu", "dhcp_server",
                "enable_dhcp", "share_address")

_cidr = {"type": "string", "pattern": r"^[0-9a-fA-F.:]+/[0-9]{1,3}$"}
_ipv4 = {"type": "string", "format": "ipv4"}
_ipv6 = {"type": "string", "format": "ipv6"}
_ip = {"type": "string", "anyOf": [{"format": "ipv4"}, {"format": "ipv6"}]}
_integer_or_empty = {"type": ["integer", "string"], "pattern": "^[0-9]*$",
                     "minimum": 1, "maximum": common.MAX_INT}
_project_id = {"type": "string", "minLength": 1, "maxLength": 255,
               "pattern": "^[a-zA-Z0-9-]*$"}
_label = {"type": "string", "maxLength": 255}


def _create(properties):
    return {
        "type": "object",
        "properties": {"network": {
            "type": "object",
            "properties": dict(properties, label=_label, ipam=common.boolean,
                               cidr=_cidr, cidr_v6=_cidr,
                               vlan_start=_integer_or_empty),
            "required": ["label"],
            "oneOf": [{"required": ["cidr"]}, {"required": ["cidr_v6"]}],
            "additionalProperties": False,
        }},
        "required": ["network"],
        "additionalProperties": False,
    }


create = _create({
    "project_id": _project_id, "multi_host": common.boolean,
    "gateway": _ipv4, "gateway_v6": _ipv6, "bridge": {"type": "string"},
    "bridge_interface": {"type": "string"}, "dns1": _ipv4, "dns2": _ipv4,
    "dhcp_server": _ipv4, "fixed_cidr": _cidr, "allowed_start": _ip,
    "allowed_end": _ip, "enable_dhcp": common.boolean,
    "share_address": common.boolean, "mtu": _integer_or_empty,
    "vlan": _integer_or_empty, "vpn_start": {"type": "string"},
})

add = {
    "type": "object",
    "properties": {"id": {"type": ["string", "null"]}},
    "required": ["id"],
    "additionalProperties": False,
}

disassociate = {
    "type": "object",
    "properties": {"disassociate": {"type": "null"}},
    "required": ["disassociate"],
    "additionalProperties": False,
}

tenant_create = _create({
    "network_size": _integer_or_empty, "num_networks": _integer_or_empty,
})

# GET's query strings: Nova takes any (additionalProperties).
any_query = {"type": "object", "properties": {}, "additionalProperties": True}
