"""Response schemas of the built-in Image (Glance v2) API (the format:
stratus/api/response_schemas.py; no microversions, so every entry's range
is None, None). ERROR is the body of every error answer to a client that
accepts JSON, webob's {"message", "code": "404 Not Found", "title"} as in
Glance; to others it is HTML or plain text (ERROR_MEDIA_TYPES)."""

ERROR = {
    "type": "object",
    "properties": {"message": {"type": "string"},
                   "code": {"type": "string", "pattern": "^[45][0-9][0-9] "},
                   "title": {"type": "string"}},
    "required": ["message", "code", "title"],
    "additionalProperties": False,
}
ERROR_MEDIA_TYPES = ("text/html", "text/plain")
