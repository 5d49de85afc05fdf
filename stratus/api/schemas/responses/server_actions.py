"""POST /servers/{server_id}/action: the answer of each action (Nova's
api-ref "Servers - run an action"). An action without an entry of its own
answers 202 without a body."""
from stratus.api.schemas.responses import common as c
from stratus.api.schemas.responses import servers

_ACTION = "/v2.1/servers/{server_id}/action"
_image_id = c.obj({"image_id": c.string})

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
    ("POST", _ACTION, "evacuate"): (
        c.one(200, c.obj({"adminPass": c.string}), high="2.13")
        + c.none(200, high="2.13") + c.none(200, low="2.14")),
}

