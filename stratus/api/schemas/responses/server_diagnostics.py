"""Response schemas of GET /servers/{id}/diagnostics (Nova's: free-form
before 2.48, the standard shape from 2.48)."""

_INT = {"type": "integer"}
_NULLABLE_INT = {"type": ["integer", "null"]}

_CPU = {
    "type": "object",
    "properties": {"id": _INT, "time": _INT, "utilisation": _NULLABLE_INT},
    "required": ["id", "time", "utilisation"],
    "additionalProperties": False,
}
_NIC = {
    "type": "object",
    "properties": {
        "mac_address": {"type": ["string", "null"]},
        **{name: _INT for name in (
            "rx_octets", "rx_errors", "rx_drop", "rx_packets",
            "tx_octets", "tx_errors", "tx_drop", "tx_packets")},
        "rx_rate": _NULLABLE_INT, "tx_rate": _NULLABLE_INT,
    },
    "required": ["mac_address", "rx_octets", "rx_errors", "rx_drop",
                 "rx_packets", "rx_rate", "tx_octets", "tx_errors",
                 "tx_drop", "tx_packets", "tx_rate"],
    "additionalProperties": False,
}
_DISK = {
    "type": "object",
    "properties": {name: _INT for name in (
        "read_bytes", "read_requests", "write_bytes", "write_requests",
        "errors_count")},
    "required": ["read_bytes", "read_requests", "write_bytes",
                 "write_requests", "errors_count"],
    "additionalProperties": False,
}

show_v21 = {
    "type": "object",
    "additionalProperties": True,
}

show_v248 = {
    "type": "object",
    "properties": {
        "state": {"type": "string", "enum": [
            "pending", "running", "paused", "shutdown", "crashed",
            "suspended"]},
        "driver": {"type": "string"},
        "hypervisor": {"type": ["string", "null"]},
        "hypervisor_os": {"type": ["string", "null"]},
        "uptime": _NULLABLE_INT,
        "config_drive": {"type": "boolean"},
        "num_cpus": _INT,
        "num_nics": _INT,
        "num_disks": _INT,
        "memory_details": {
            "type": "object",
            "properties": {"maximum": _NULLABLE_INT, "used": _NULLABLE_INT},
            "required": ["maximum", "used"],
            "additionalProperties": False,
        },
        "cpu_details": {"type": "array", "items": _CPU},
        "nic_details": {"type": "array", "items": _NIC},
        "disk_details": {"type": "array", "items": _DISK},
    },
    "required": ["state", "driver", "hypervisor", "hypervisor_os", "uptime",
                 "config_drive", "num_cpus", "num_nics", "num_disks",
                 "memory_details", "cpu_details", "nic_details",
                 "disk_details"],
    "additionalProperties": False,
}

RESPONSES = {
    ("GET", "/v2.1/servers/{server_id}/diagnostics"): [
        ("2.1", "2.47", 200, show_v21),
        ("2.48", None, 200, show_v248),
    ],
}
