"""/ and /v2.1: the version documents (Nova's api-ref "API versions")."""
from stratus.api.schemas.responses import common as c

_media_type = c.obj({"base": c.string, "type": c.string})
_version = c.obj({"id": c.string, "status": {
                      "enum": ["CURRENT", "SUPPORTED", "DEPRECATED"]},
                  "version": c.string, "min_version": c.string,
                  "updated": c.datetime, "links": c.links,
                  "media-types": c.array_of(_media_type)},
                 required=["id", "status", "version", "min_version",
                           "updated", "links"])

RESPONSES = {
    ("GET", "/"): c.one(200, c.wrap("versions", c.array_of(_version))),
    ("GET", "/v2.1"): c.one(200, c.wrap("version", _version)),
    # The v2.0 document GET / links to (outside microversions).
    ("GET", "/v2"): c.one(200, c.wrap("version", _version)),
    ("GET", "/v2.1/versions/{version_id}"): c.one(
        200, c.wrap("version", _version)),
}

# GET /openapi.json: an OpenAPI 3.1 document (stratus/api/openapi.py).
OPENAPI = {"type": "object", "required": ["openapi", "info", "paths"],
           "properties": {"openapi": {"type": "string",
                                      "pattern": "^3\\.1\\."}}}
RESPONSES[("GET", "/openapi.json")] = c.one(200, OPENAPI)
