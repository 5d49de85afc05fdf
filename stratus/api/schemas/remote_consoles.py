"""Request schemas of POST /servers/{id}/remote-consoles (2.6, 2.8)."""
import copy

create_v26 = {
    "type": "object",
    "properties": {
        "remote_console": {
            "type": "object",
            "properties": {
                "protocol": {"enum": ["vnc", "spice", "rdp", "serial"]},
                "type": {"enum": ["novnc", "xvpvnc", "rdp-html5",
                                  "spice-html5", "serial"]},
            },
            "required": ["protocol", "type"],
            "additionalProperties": False,
        },
    },
    "required": ["remote_console"],
    "additionalProperties": False,
}

create_v28 = copy.deepcopy(create_v26)
create_v28["properties"]["remote_console"]["properties"]["protocol"][
    "enum"].append("mks")
create_v28["properties"]["remote_console"]["properties"]["type"][
    "enum"].append("webmks")
