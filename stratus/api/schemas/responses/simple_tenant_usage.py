"""Responses of /os-simple-tenant-usage (Nova's api-ref and response
schemas): usage summaries per project, server usages when detailed (a
show always has them), next links from 2.40."""
import copy

# Nova writes these times without an offset ("2012-10-08T21:10:44.587336"),
# which JSON Schema's date-time format refuses.
_DATE_TIME = {"type": "string", "pattern": (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?$")}
# A next link of a paged collection (Nova's collection_links).
_LINKS = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "href": {"type": "string", "format": "uri"},
            "rel": {"const": "next"},
        },
        "required": ["href", "rel"],
        "additionalProperties": False,
    },
    "maxItems": 1,
}

_SERVER_USAGE = {
    "type": "object",
    "properties": {
        "ended_at": {"anyOf": [_DATE_TIME, {"type": "null"}]},
        "flavor": {"type": "string"},
        "hours": {"type": "number"},
        "instance_id": {"type": "string", "format": "uuid"},
        "local_gb": {"type": "integer", "minimum": 0},
        "memory_mb": {"type": "integer", "minimum": 1},
        "name": {"type": "string"},
        "started_at": _DATE_TIME,
        "state": {"type": "string", "enum": [
            "active", "building", "error", "paused", "rescued", "resized",
            "shelved", "shelved_offloaded", "stopped", "suspended",
            "terminated"]},
        "tenant_id": {"type": "string"},
        "uptime": {"type": "integer", "minimum": 0},
        "vcpus": {"type": "integer", "minimum": 1},
    },
    "required": ["ended_at", "flavor", "hours", "instance_id", "name",
                 "state", "started_at", "tenant_id", "uptime"],
    "additionalProperties": False,
}

_USAGE = {
    "type": "object",
    "properties": {
        "server_usages": {"type": "array", "items": _SERVER_USAGE},
        "start": _DATE_TIME,
        "stop": _DATE_TIME,
        "tenant_id": {"type": "string"},
        # numbers: hours (a float) times integers
        "total_hours": {"type": "number", "minimum": 0},
        "total_local_gb_usage": {"type": "number", "minimum": 0},
        "total_memory_mb_usage": {"type": "number", "minimum": 0},
        "total_vcpus_usage": {"type": "number", "minimum": 0},
    },
    "required": ["start", "stop", "tenant_id", "total_hours",
                 "total_local_gb_usage", "total_memory_mb_usage",
                 "total_vcpus_usage"],
    "additionalProperties": False,
}

_LIST = {
    "type": "object",
    "properties": {"tenant_usages": {"type": "array", "items": _USAGE}},
    "required": ["tenant_usages"],
    "additionalProperties": False,
}
_LIST_V240 = copy.deepcopy(_LIST)
_LIST_V240["properties"]["tenant_usages_links"] = _LINKS

_SHOWN_USAGE = copy.deepcopy(_USAGE)
_SHOWN_USAGE["required"].append("server_usages")
_SHOW = {
    "type": "object",
    "properties": {
        # A project without usage in the window: an empty object.
        "tenant_usage": {"oneOf": [
            _SHOWN_USAGE,
            {"type": "object", "properties": {},
             "additionalProperties": False},
        ]},
    },
    "required": ["tenant_usage"],
    "additionalProperties": False,
}
_SHOW_V240 = copy.deepcopy(_SHOW)
_SHOW_V240["properties"]["tenant_usage_links"] = _LINKS

RESPONSES = {
    ("GET", "/v2.1/os-simple-tenant-usage"): [
        ("2.1", "2.39", 200, _LIST),
        ("2.40", None, 200, _LIST_V240),
    ],
    ("GET", "/v2.1/os-simple-tenant-usage/{tenant_id}"): [
        ("2.1", "2.39", 200, _SHOW),
        ("2.40", None, 200, _SHOW_V240),
    ],
}
