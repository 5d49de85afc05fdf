"""Response schemas of /servers/{id}/os-server-password."""

show = {
    "type": "object",
    "properties": {"password": {"type": ["string", "null"]}},
    "required": ["password"],
    "additionalProperties": False,
}

RESPONSES = {
    ("GET", "/v2.1/servers/{server_id}/os-server-password"): [
        ("2.1", None, 200, show),
    ],
    ("DELETE", "/v2.1/servers/{server_id}/os-server-password"): [
        ("2.1", None, 204, None),
    ],
}
