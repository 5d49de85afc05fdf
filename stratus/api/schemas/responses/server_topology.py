"""Response schema of GET /servers/{id}/topology (2.78): host_node and
cpu_pinning only where the host policy allows them."""

_CPU_LIST = {"type": "array", "items": {"type": "integer"}}

_NODE = {
    "type": "object",
    "properties": {
        "cpu_pinning": {"type": "object", "patternProperties": {
            "^[0-9]+$": {"type": "integer"}},
            "additionalProperties": False},
        "host_node": {"type": "integer"},
        "memory_mb": {"type": "integer"},
        "siblings": {"type": "array", "items": _CPU_LIST},
        "vcpu_set": _CPU_LIST,
    },
    "required": ["memory_mb", "siblings", "vcpu_set"],
    "additionalProperties": False,
}

show = {
    "type": "object",
    "properties": {
        "nodes": {"type": "array", "items": _NODE},
        "pagesize_kb": {"type": ["integer", "null"]},
    },
    "required": ["nodes", "pagesize_kb"],
    "additionalProperties": False,
}

RESPONSES = {
    ("GET", "/v2.1/servers/{server_id}/topology"): [
        ("2.78", None, 200, show),
    ],
}
