"""/servers/{server_id}/os-volume_attachments (Nova's api-ref "Servers
with volume attachments")."""
from stratus.api.schemas.responses import common as c

_BASE = ({"id": c.string, "volumeId": c.string, "serverId": c.string,
          "device": c.nullable_string}, ["id", "volumeId", "serverId"])
_TAG = ("2.70", {"tag": c.nullable_string}, ["tag"], [])
_DELETE = ("2.79", {"delete_on_termination": c.boolean},
           ["delete_on_termination"], [])
_attachment = c.bands(_BASE, [
    _TAG, _DELETE,
    ("2.89", {"id": None, "attachment_id": c.nullable_string,
              "bdm_uuid": c.string}, ["attachment_id", "bdm_uuid"],
     ["id"])])
# The answer of an attach: no attachment_id nor bdm_uuid; none at all
# from 2.101 (202, the attach goes on).
_created = c.bands(_BASE, [_TAG, _DELETE])
_ROUTE = "/v2.1/servers/{server_id}/os-volume_attachments"


def _one(schema):
    return c.wrap("volumeAttachment", schema)


RESPONSES = {
    ("GET", _ROUTE): c.entries(
        200, _attachment,
        lambda s: c.wrap("volumeAttachments", c.array_of(s))),
    ("POST", _ROUTE): [
        (low, "2.100" if high is None else high, status, body)
        for low, high, status, body in c.entries(200, _created, _one)
    ] + c.none(202, "2.101"),
    ("GET", _ROUTE + "/{volume_id}"): c.entries(200, _attachment, _one),
    ("PUT", _ROUTE + "/{volume_id}"): c.none(202),
    ("DELETE", _ROUTE + "/{volume_id}"): c.none(202),
}
