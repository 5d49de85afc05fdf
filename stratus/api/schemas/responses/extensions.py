"""Responses of /extensions, after Nova's extension_info schemas."""

_LINKS = {"type": "array", "items": {
    "type": "object",
    "properties": {"href": {"type": "string", "format": "uri"},
                   "rel": {"type": "string"}},
    "required": ["href", "rel"]}}

_EXTENSION = {
    "type": "object",
    "properties": {
        "alias": {"type": "string"},
        "description": {"type": "string"},
        "links": _LINKS,
        "name": {"type": "string"},
        "namespace": {"type": "string"},
        "updated": {"type": "string", "format": "date-time"},
    },
    "required": ["alias", "description", "links", "name", "namespace",
                 "updated"],
    "additionalProperties": False,
}

RESPONSES = {
    ("GET", "/v2.1/extensions"): [
        ("2.1", None, 200, {
            "type": "object",
            "properties": {"extensions": {"type": "array",
                                          "items": _EXTENSION}},
            "required": ["extensions"],
            "additionalProperties": False,
        }),
    ],
    ("GET", "/v2.1/extensions/{alias}"): [
        ("2.1", None, 200, {
            "type": "object",
            "properties": {"extension": _EXTENSION},
            "required": ["extension"],
            "additionalProperties": False,
        }),
    ],
}
