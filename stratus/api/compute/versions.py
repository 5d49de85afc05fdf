"""Version documents: GET / (every major version), GET /v2.1 and the
legacy GET /v2 (the v2.0 document the root links to, as Nova serves it;
the v2.0 API itself is not served)."""
from stratus.api.compute import links
from stratus.api import errors
from stratus.api import microversion
from stratus.api import wsgi

_V20 = {"id": "v2.0", "path": "/v2/", "status": "SUPPORTED", "version": "",
        "min_version": "", "updated": "2011-01-21T11:33:21Z"}
_V21 = {"id": "v2.1", "path": "/v2.1/", "status": "CURRENT",
        "version": microversion.to_string(microversion.MAX_VERSION),
        "min_version": microversion.to_string(microversion.MIN_VERSION),
        "updated": "2013-07-23T11:33:21Z"}


def _version(req, info, extra_links=()):
    href = links.root_url(req) + info["path"]
    body = {key: value for key, value in info.items() if key != "path"}
    body["links"] = [{"href": href, "rel": "self"}] + list(extra_links)
    return body


def list_versions(req):
    return wsgi.json_response(req, {"versions": [_version(req, _V20),
                                                 _version(req, _V21)]})


def _document(req, info, media_version):
    body = _version(req, info, [{"href": "http://docs.openstack.org/",
                                 "rel": "describedby", "type": "text/html"}])
    body["media-types"] = [{
        "base": "application/json",
        "type": "application/vnd.openstack.compute+json;version=%s"
                % media_version}]
    return wsgi.json_response(req, {"version": body})


def show_version(req):
    return _document(req, _V21, "2.1")


def show_version_v2(req):
    return _document(req, _V20, "2")


def show_version_by_id(req, version_id):
    """GET /v2.1/versions/{id}: the document of that major version, as
    Nova's versions controller shows it; 404 for any other id."""
    if version_id == "v2.1":
        return show_version(req)
    if version_id == "v2.0":
        return show_version_v2(req)
    raise errors.not_found("Version %s could not be found." % version_id)
