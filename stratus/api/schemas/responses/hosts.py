"""Responses of /os-hosts (up to 2.42; 404 above). The power actions
have no success answer here: the libvirt driver has none (501)."""

_HOST_RESOURCE = {
    "type": "object",
    "properties": {
        "resource": {
            "type": "object",
            "properties": {
                "host": {"type": "string"},
                # a project id, or (total), (used_now), (used_max)
                "project": {"type": "string"},
                "cpu": {"type": "integer", "minimum": 0},
                "memory_mb": {"type": "integer", "minimum": 0},
                "disk_gb": {"type": "integer", "minimum": 0},
            },
            "required": ["host", "project", "cpu", "memory_mb", "disk_gb"],
            "additionalProperties": False,
        },
    },
    "required": ["resource"],
    "additionalProperties": False,
}

_LIST = {
    "type": "object",
    "properties": {
        "hosts": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "host_name": {"type": "string"},
                    "service": {"type": "string"},
                    "zone": {"type": "string"},
                },
                "required": ["host_name", "service", "zone"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["hosts"],
    "additionalProperties": False,
}

_SHOW = {
    "type": "object",
    "properties": {"host": {"type": "array", "items": _HOST_RESOURCE,
                            "minItems": 3}},
    "required": ["host"],
    "additionalProperties": False,
}

_ENABLED = {"type": "string", "enum": ["enabled", "disabled"]}
_MAINTENANCE = {"type": "string",
                "enum": ["on_maintenance", "off_maintenance"]}
_UPDATE = {
    "type": "object",
    "properties": {
        "host": {"type": "string"},
        "status": _ENABLED,
        "maintenance_mode": _MAINTENANCE,
    },
    "required": ["host"],
    "additionalProperties": False,
}



def _power_action(action):
    return {"type": "object",
            "properties": {"host": {"type": "string"},
                           "power_action": {"const": action}},
            "required": ["host", "power_action"],
            "additionalProperties": False}


RESPONSES = {
    ("GET", "/v2.1/os-hosts"): [("2.1", "2.42", 200, _LIST)],
    ("GET", "/v2.1/os-hosts/{host_name}"): [("2.1", "2.42", 200, _SHOW)],
    ("PUT", "/v2.1/os-hosts/{host_name}"): [("2.1", "2.42", 200, _UPDATE)],
    # What Nova answers where the driver can act (on libvirt: 501).
    ("GET", "/v2.1/os-hosts/{host_name}/reboot"): [
        ("2.1", "2.42", 200, _power_action("reboot"))],
    ("GET", "/v2.1/os-hosts/{host_name}/shutdown"): [
        ("2.1", "2.42", 200, _power_action("shutdown"))],
    ("GET", "/v2.1/os-hosts/{host_name}/startup"): [
        ("2.1", "2.42", 200, _power_action("startup"))],
}
