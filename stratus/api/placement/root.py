"""GET /: the version document; the microversions Placement serves.

Adding a microversion: raise MAX_VERSION, add a line to docs/placement.md,
make the schema/handler change, test it at the new version and the one
before.
"""
from stratus.api import wsgi

MIN_VERSION = (1, 0)
MAX_VERSION = (1, 39)


def home(req):
    return wsgi.json_response(req, {"versions": [{
        "id": "v1.0",
        "max_version": "%d.%d" % MAX_VERSION,
        "min_version": "%d.%d" % MIN_VERSION,
        "status": "CURRENT",
        "links": [{"rel": "self", "href": ""}],
    }]})
