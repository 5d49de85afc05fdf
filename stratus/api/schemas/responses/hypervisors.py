"""Responses of os-hypervisors that this branch changed: the detail list
from 2.88 carries each hypervisor's uptime, as show does (after Nova's
2.88 API samples). The other ranges and routes are unchanged."""

_SERVERS = {"type": "array", "items": {
    "type": "object",
    "properties": {"name": {"type": "string"},
                   "uuid": {"type": "string", "format": "uuid"}},
    "required": ["name", "uuid"], "additionalProperties": False}}

_HYPERVISOR_V288 = {
    "type": "object",
    "properties": {
        "host_ip": {"type": ["string", "null"]},
        "hypervisor_hostname": {"type": "string"},
        "hypervisor_type": {"type": "string"},
        "hypervisor_version": {"type": "integer"},
        "id": {"type": "string", "format": "uuid"},
        "servers": _SERVERS,
        "service": {
            "type": "object",
            "properties": {
                "disabled_reason": {"type": ["string", "null"]},
                "host": {"type": "string"},
                "id": {"type": "string", "format": "uuid"},
            },
            "required": ["disabled_reason", "host", "id"],
            "additionalProperties": False,
        },
        "state": {"type": "string", "enum": ["up", "down"]},
        "status": {"type": "string", "enum": ["enabled", "disabled"]},
        "uptime": {"type": ["string", "null"]},
    },
    "required": ["host_ip", "hypervisor_hostname", "hypervisor_type",
                 "hypervisor_version", "id", "service", "state", "status",
                 "uptime"],
    "additionalProperties": False,
}

_LINKS = {"type": "array", "items": {
    "type": "object",
    "properties": {"href": {"type": "string", "format": "uri"},
                   "rel": {"type": "string"}},
    "required": ["href", "rel"], "additionalProperties": False}}

RESPONSES = {
    ("GET", "/v2.1/os-hypervisors/detail"): [
        ("2.88", None, 200, {
            "type": "object",
            "properties": {"hypervisors": {"type": "array",
                                           "items": _HYPERVISOR_V288},
                           "hypervisors_links": _LINKS},
            "required": ["hypervisors"],
            "additionalProperties": False,
        }),
    ],
}
