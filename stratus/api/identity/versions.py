"""Version discovery: GET / (300, as Keystone answers) and GET /v3."""
from stratus.api import wsgi

# The Identity API release whose subset Stratus serves.
VERSION_ID = "v3.14"
UPDATED = "2020-04-07T00:00:00Z"


def _version(req):
    return {
        "id": VERSION_ID, "status": "stable", "updated": UPDATED,
        "media-types": [{
            "base": "application/json",
            "type": "application/vnd.openstack.identity-v3+json"}],
        "links": [{"rel": "self", "href": req.application_url + "/v3/"}],
    }


def list_versions(req):
    return wsgi.json_response(req, {"versions": {"values": [_version(req)]}},
                              status=300)


def show_version(req):
    return wsgi.json_response(req, {"version": _version(req)})
