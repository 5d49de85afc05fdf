"""POST /servers/{server_id}/action: the answer of each action (Nova's
api-ref "Servers - run an action"). An action without an entry of its own
answers 202 without a body."""
from stratus.api.schemas.responses import common as c
from stratus.api.schemas.responses import servers

_ACTION = "/v2.1/servers/{server_id}/action"
_image_id = c.obj({"image_id": c.string})


def _console(types):
    """The answer of a console action of before 2.6."""
    return c.one(200, c.wrap("console", c.obj({
        "type": {"type": "string", "enum": types},
        "url": {"type": "string", "format": "uri"}})), high="2.5")


RESPONSES = {
    ("POST", _ACTION): c.none(202),
    ("POST", _ACTION, "rebuild"): c.entries(
        202, servers.server_bands("rebuild"),
        lambda schema: c.wrap("server", schema)),
    ("POST", _ACTION, "rescue"): c.one(
        200, c.obj({"adminPass": c.string}, required=[])),
    ("POST", _ACTION, "os-getConsoleOutput"): c.one(
        200, c.obj({"output": c.string})),
    ("POST", _ACTION, "createImage"): (
        c.none(202, high="2.44") + c.one(202, _image_id, low="2.45")),
    ("POST", _ACTION, "createBackup"): (
        c.none(202, high="2.44") + c.one(202, _image_id, low="2.45")),
    ("POST", _ACTION, "confirmResize"): c.none(204),
    ("POST", _ACTION, "os-getVNCConsole"): _console(["novnc", "xvpvnc"]),
    ("POST", _ACTION, "os-getSPICEConsole"): _console(["spice-html5"]),
    ("POST", _ACTION, "os-getSerialConsole"): _console(["serial"]),
    # os-getRDPConsole never succeeds (it went with Nova's Hyper-V driver):
    # no entry of its own.
    ("POST", _ACTION, "evacuate"): (
        c.one(200, c.obj({"adminPass": c.string}), high="2.13")
        + c.none(200, high="2.13") + c.none(200, low="2.14")),
}

