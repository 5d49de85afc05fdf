"""Request schemas of POST /servers/{id}/remote-consoles (2.6, 2.8) and of
the deprecated console actions it replaced (os-getVNCConsole,
os-getSPICEConsole, os-getSerialConsole, os-getRDPConsole: 2.1 - 2.5)."""
import copy

create_v26 = {
    "type": "object",
    "properties": {
        "remote_console": {
            "type": "object",
            "properties": {
                # rdp went with Nova's Hyper-V driver (Nova 29.0.0)
                "protocol": {"type": "string",
                             "enum": ["vnc", "spice", "serial"]},
                "type": {"type": "string",
                         "enum": ["novnc", "xvpvnc", "spice-html5",
                                  "serial"]},
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


def _console_action(action, types):
    """{action: {"type": one of types}}, nothing else (Nova's schemas)."""
    return {
        "type": "object",
        "properties": {action: {
            "type": "object",
            "properties": {"type": {"type": "string", "enum": types}},
            "required": ["type"],
            "additionalProperties": False,
        }},
        "required": [action],
        "additionalProperties": False,
    }


# The console types each action accepts.
get_vnc_console = _console_action("os-getVNCConsole", ["novnc", "xvpvnc"])
get_spice_console = _console_action("os-getSPICEConsole", ["spice-html5"])
get_serial_console = _console_action("os-getSerialConsole", ["serial"])
# RDP went with Nova's Hyper-V driver (29.0.0): Nova validates nothing of
# the body any more and answers every request 400.
get_rdp_console = {
    "type": "object",
    "properties": {"os-getRDPConsole": {}},
    "required": ["os-getRDPConsole"],
    "additionalProperties": False,
}
