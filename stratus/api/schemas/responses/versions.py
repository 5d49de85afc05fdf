"""Responses of the legacy v2.0 version document (GET /v2), added on this
branch; "/" and "/v2.1" are described with the other existing routes."""

_LINKS = {"type": "array", "items": {
    "type": "object",
    "properties": {"href": {"type": "string", "format": "uri"},
                   "rel": {"type": "string"},
                   "type": {"type": "string"}},
    "required": ["href", "rel"], "additionalProperties": False}}

_VERSION = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "const": "v2.0"},
        "links": _LINKS,
        "media-types": {"type": "array", "items": {
            "type": "object",
            "properties": {"base": {"type": "string"},
                           "type": {"type": "string"}},
            "required": ["base", "type"], "additionalProperties": False}},
        "min_version": {"type": "string", "const": ""},
        "status": {"type": "string", "const": "SUPPORTED"},
        "updated": {"type": "string", "format": "date-time"},
        "version": {"type": "string", "const": ""},
    },
    "required": ["id", "links", "media-types", "min_version", "status",
                 "updated", "version"],
    "additionalProperties": False,
}

RESPONSES = {
    # Outside microversions: one shape whatever version header is sent.
    ("GET", "/v2"): [
        ("2.1", None, 200, {
            "type": "object", "properties": {"version": _VERSION},
            "required": ["version"], "additionalProperties": False}),
    ],
}
