"""Request bodies of the addFloatingIp, removeFloatingIp, addFixedIp and
removeFixedIp server actions (Nova's schemas/floating_ips.py and
multinic.py); POST /os-floating-ips takes any body, as in Nova."""

_ip_address = {"type": "string",
               "anyOf": [{"format": "ipv4"}, {"format": "ipv6"}]}


def _action(name, properties, required):
    return {
        "type": "object",
        "properties": {name: {
            "type": "object", "properties": properties,
            "required": required, "additionalProperties": False}},
        "required": [name],
        "additionalProperties": False,
    }


add_floating_ip = _action("addFloatingIp", {
    "address": _ip_address, "fixed_address": _ip_address}, ["address"])
remove_floating_ip = _action("removeFloatingIp", {"address": _ip_address},
                             ["address"])

# Nova's parameter_types.network_id: a uuid, or nova-network's integer id.
_network_id = {"type": ["string", "integer"], "pattern": "^[a-zA-Z0-9-]*$",
               "minLength": 1, "maxLength": 255}
add_fixed_ip = _action("addFixedIp", {"networkId": _network_id},
                       ["networkId"])
remove_fixed_ip = _action("removeFixedIp", {"address": _ip_address},
                          ["address"])
