"""Version discovery: GET / (300, as Glance answers) and GET /versions."""
from stratus.api import wsgi

# The Image API versions whose subset Stratus serves, newest first.
VERSIONS = ["v2.7", "v2.6", "v2.5", "v2.4", "v2.3", "v2.2", "v2.1", "v2.0"]


def _versions(req):
    href = req.application_url + "/v2/"
    return {"versions": [
        {"id": version, "status": "CURRENT" if index == 0 else "SUPPORTED",
         "links": [{"rel": "self", "href": href}]}
        for index, version in enumerate(VERSIONS)]}


def list_versions(req):
    return wsgi.json_response(req, _versions(req), status=300)


def show_versions(req):
    return wsgi.json_response(req, _versions(req))
