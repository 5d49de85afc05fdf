"""Request schemas of POST /servers/{id}/os-interface."""
import copy

_fixed_ip = {
    "type": "object",
    "properties": {"ip_address": {
        "type": "string", "anyOf": [{"format": "ipv4"}, {"format": "ipv6"}]}},
    "required": ["ip_address"],
    "additionalProperties": False,
}

create = {
    "type": "object",
    "properties": {
        "interfaceAttachment": {
            "type": "object",
            "properties": {
                "net_id": {"type": "string", "format": "uuid"},
                "port_id": {"type": "string", "format": "uuid"},
                "fixed_ips": {"type": "array", "minItems": 1,
                              "maxItems": 1, "items": _fixed_ip},
            },
            "additionalProperties": False,
        },
    },
    "additionalProperties": False,
}

create_v249 = copy.deepcopy(create)
create_v249["properties"]["interfaceAttachment"]["properties"]["tag"] = {
    "type": "string", "minLength": 1, "maxLength": 60,
    "pattern": "^[^,/]*$"}
