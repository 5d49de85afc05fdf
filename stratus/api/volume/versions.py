"""GET / and GET /v3 (the version documents), and the
``OpenStack-API-Version: volume 3.x`` negotiation: none given is 3.0,
``latest`` the maximum, a malformed one 400, one out of range 406; a
route newer than the version asked is 404, as in Cinder."""
import re

from stratus.api import wsgi
from stratus.volume import exception as vol_exception

MIN_VERSION = (3, 0)
# Cinder's maximum since 2023.2 (os-extend_volume_completion).
MAX_VERSION = (3, 71)
UPDATED = "2023-09-01T00:00:00Z"
HEADER = "OpenStack-API-Version"
_VERSION = re.compile(r"^([1-9]\d*)\.([1-9]\d*|0)$")

# Routes that appeared after 3.0: the first version that has them.
ROUTE_VERSIONS = {
    "/v3/volumes/summary": (3, 12),
    "/v3/attachments": (3, 27),
    "/v3/attachments/detail": (3, 27),
    "/v3/attachments/{attachment_id}": (3, 27),
    "/v3/attachments/{attachment_id}/action": (3, 44),
    "/v3/volume-transfers": (3, 55),
    "/v3/volume-transfers/detail": (3, 55),
    "/v3/groups": (3, 13),
    "/v3/groups/detail": (3, 13),
    "/v3/group_snapshots": (3, 14),
    "/v3/group_snapshots/detail": (3, 14),
}


def text(version):
    return "%d.%d" % version


def _requested(req):
    for part in req.headers.get(HEADER, "").split(","):
        words = part.strip().split()
        if len(words) == 2 and words[0].lower() == "volume":
            return words[1]
    return None


def negotiate(req, template):
    wanted = _requested(req)
    if wanted is None:
        version = MIN_VERSION
    elif wanted.lower() == "latest":
        version = MAX_VERSION
    else:
        found = _VERSION.match(wanted)
        if not found:
            raise vol_exception.InvalidAPIVersionString(version=wanted[:32])
        version = (int(found.group(1)), int(found.group(2)))
        if not MIN_VERSION <= version <= MAX_VERSION:
            raise vol_exception.InvalidGlobalAPIVersion(
                req_ver=text(version), min_ver=text(MIN_VERSION),
                max_ver=text(MAX_VERSION))
    req.api_version = version
    if version < ROUTE_VERSIONS.get(template, MIN_VERSION):
        raise vol_exception.VersionNotFoundForAPIMethod(
            version=text(version))
    return version


def at_least(req, major, minor):
    return req.api_version >= (major, minor)


def headers(req, response):
    if req.path_info.startswith("/v3"):
        version = (req.api_version if req.api_version[0] == 3
                   else MIN_VERSION)
        response.headers[HEADER] = "volume " + text(version)
        response.headers["Vary"] = HEADER


def _document(req):
    return {"id": "v3.0", "status": "CURRENT",
            "version": text(MAX_VERSION), "min_version": text(MIN_VERSION),
            "updated": UPDATED,
            "links": [{"rel": "describedby", "type": "text/html",
                       "href": "https://docs.openstack.org/"},
                      {"rel": "self", "href": req.host_url + "/v3/"}],
            "media-types": [{
                "base": "application/json",
                "type": "application/vnd.openstack.volume+json;version=3"}]}


def list_versions(req):
    return wsgi.json_response(req, {"versions": [_document(req)]},
                              status=300)


def show_version(req):
    return wsgi.json_response(req, {"versions": [_document(req)]})
