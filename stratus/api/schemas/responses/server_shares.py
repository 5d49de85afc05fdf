"""/servers/{id}/shares, from 2.97 (Nova's response_body_schema): what
Nova answers where Manila holds the share. Stratus has no share service:
its lists are empty and a share is never found
(stratus/api/compute/server_shares.py)."""
from stratus.api.schemas.responses import common as c

_LOW = "2.97"
_ROUTE = "/v2.1/servers/{server_id}/shares"
_status = {"type": "string",
           "enum": ["active", "inactive", "attaching", "detaching", "error"]}
_listed = {"share_id": c.uuid, "status": _status, "tag": c.string}
# Admins also see the mapping's uuid and the export location.
_shown = c.obj(dict(_listed, uuid=c.uuid, export_location=c.string),
               required=["share_id", "status", "tag"])

RESPONSES = {
    ("GET", _ROUTE): c.one(200, c.wrap("shares", c.array_of(c.obj(_listed))),
                           low=_LOW),
    ("POST", _ROUTE): c.one(201, c.wrap("share", _shown), low=_LOW),
    ("GET", _ROUTE + "/{share_id}"): c.one(200, c.wrap("share", _shown),
                                           low=_LOW),
    ("DELETE", _ROUTE + "/{share_id}"): c.none(200, low=_LOW),
}
