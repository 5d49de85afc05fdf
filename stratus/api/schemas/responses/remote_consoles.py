"""/servers/{server_id}/remote-consoles (2.6) and
/os-console-auth-tokens (Nova's api-ref "Server consoles")."""
from stratus.api.schemas.responses import common as c

# rdp went with Nova's Hyper-V driver (Nova 29.0.0).
_console = c.obj({"protocol": {"enum": ["vnc", "spice", "serial", "mks"]},
                  "type": c.string, "url": c.string})
_token = c.obj({"instance_uuid": c.string, "host": c.nullable_string,
                "port": {"type": ["integer", "null"]},
                "internal_access_path": c.nullable_string})

RESPONSES = {
    ("POST", "/v2.1/servers/{server_id}/remote-consoles"): c.one(
        200, c.wrap("remote_console", _console), low="2.6"),
    ("GET", "/v2.1/os-console-auth-tokens/{console_token}"): c.one(
        200, c.wrap("console", _token)),
}
