"""Version documents: GET / (every major version) and GET /v2.1."""
from stratus.api.compute import links
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


def show_version(req):
    body = _version(req, _V21, [{"href": "http://docs.openstack.org/",
                                 "rel": "describedby", "type": "text/html"}])
    body["media-types"] = [{
        "base": "application/json",
        "type": "application/vnd.openstack.compute+json;version=2.1"}]
    return wsgi.json_response(req, {"version": body})
