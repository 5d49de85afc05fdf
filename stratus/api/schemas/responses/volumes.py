"""Nova's proxies to the block storage service (api-ref "Volume
extension (os-volumes, os-snapshots) (DEPRECATED)", "Assisted volume
snapshots (os-assisted-volume-snapshots)") and the /os-volumes_boot
alias of /servers (up to 2.102)."""
from stratus.api.schemas.responses import common as c
from stratus.api.schemas.responses import server_actions
from stratus.api.schemas.responses import servers

_PROXY_MAX = "2.35"
_BOOT_MAX = "2.102"

_attachment = c.obj({"id": c.uuid, "device": c.string, "serverId": c.uuid,
                     "volumeId": c.uuid},
                    required=["id", "serverId", "volumeId"])
_volume = c.obj({
    "attachments": {"type": "array", "minItems": 1, "maxItems": 1,
                    "items": {"anyOf": [_attachment, c.obj({})]}},
    "availabilityZone": c.nullable_string,
    "createdAt": c.string,
    "displayDescription": c.nullable_string,
    "displayName": c.nullable_string,
    "id": c.uuid,
    "metadata": c.metadata,
    "size": c.integer,
    "snapshotId": {"anyOf": [c.uuid, {"type": "null"}]},
    "status": c.string,
    "volumeType": c.nullable_string,
})
_snapshot = c.obj({
    "createdAt": c.string,
    "displayDescription": c.nullable_string,
    "displayName": c.nullable_string,
    "id": c.uuid,
    "volumeId": c.uuid,
    "size": c.integer,
    "status": c.string,
})
_assisted = c.obj({"id": {"type": ["string", "null"]}, "volumeId": c.string})


def _alias(entries, high=_BOOT_MAX):
    """A /servers answer's entries, up to the alias's last version."""
    capped = []
    for low, top, status, schema in entries:
        if c.parse(low) > c.parse(high):
            continue
        if top is None or c.parse(top) > c.parse(high):
            top = high
        capped.append((low, top, status, schema))
    return capped


_BOOT = "/v2.1/os-volumes_boot"
_BOOT_ACTIONS = ("confirmResize", "revertResize", "reboot", "resize",
                 "rebuild", "createImage", "os-start", "os-stop",
                 "trigger_crash_dump")

RESPONSES = {
    ("GET", "/v2.1/os-volumes"): c.one(
        200, c.wrap("volumes", c.array_of(_volume)), high=_PROXY_MAX),
    ("GET", "/v2.1/os-volumes/detail"): c.one(
        200, c.wrap("volumes", c.array_of(_volume)), high=_PROXY_MAX),
    ("POST", "/v2.1/os-volumes"): c.one(
        200, c.wrap("volume", _volume), high=_PROXY_MAX),
    ("GET", "/v2.1/os-volumes/{volume_id}"): c.one(
        200, c.wrap("volume", _volume), high=_PROXY_MAX),
    ("DELETE", "/v2.1/os-volumes/{volume_id}"): c.none(
        202, high=_PROXY_MAX),
    ("GET", "/v2.1/os-snapshots"): c.one(
        200, c.wrap("snapshots", c.array_of(_snapshot)), high=_PROXY_MAX),
    ("GET", "/v2.1/os-snapshots/detail"): c.one(
        200, c.wrap("snapshots", c.array_of(_snapshot)), high=_PROXY_MAX),
    ("POST", "/v2.1/os-snapshots"): c.one(
        200, c.wrap("snapshot", _snapshot), high=_PROXY_MAX),
    ("GET", "/v2.1/os-snapshots/{snapshot_id}"): c.one(
        200, c.wrap("snapshot", _snapshot), high=_PROXY_MAX),
    ("DELETE", "/v2.1/os-snapshots/{snapshot_id}"): c.none(
        202, high=_PROXY_MAX),
    ("POST", "/v2.1/os-assisted-volume-snapshots"): c.one(
        200, c.wrap("snapshot", _assisted)),
    ("DELETE", "/v2.1/os-assisted-volume-snapshots/{snapshot_id}"): c.none(
        204),
    ("GET", _BOOT): _alias(servers.RESPONSES[("GET", "/v2.1/servers")]),
    ("POST", _BOOT): _alias(servers.RESPONSES[("POST", "/v2.1/servers")]),
    ("GET", _BOOT + "/detail"): _alias(
        servers.RESPONSES[("GET", "/v2.1/servers/detail")]),
    ("GET", _BOOT + "/{server_id}"): _alias(
        servers.RESPONSES[("GET", "/v2.1/servers/{server_id}")]),
    ("PUT", _BOOT + "/{server_id}"): _alias(
        servers.RESPONSES[("PUT", "/v2.1/servers/{server_id}")]),
    ("DELETE", _BOOT + "/{server_id}"): _alias(
        servers.RESPONSES[("DELETE", "/v2.1/servers/{server_id}")]),
    ("POST", _BOOT + "/{server_id}/action"): c.none(202, high=_BOOT_MAX),
}
for _name in _BOOT_ACTIONS:
    _key = ("POST", "/v2.1/servers/{server_id}/action", _name)
    if _key in server_actions.RESPONSES:
        RESPONSES[("POST", _BOOT + "/{server_id}/action", _name)] = _alias(
            server_actions.RESPONSES[_key])
