"""Response schemas of the built-in Identity v3 API (the format:
stratus/api/response_schemas.py; no microversions, so every entry's range
is None, None). ERROR is the body of every error answer, Keystone's
{"error": {"code": 404, "title": "Not Found", "message": "..."}}."""

ERROR = {
    "type": "object",
    "properties": {"error": {
        "type": "object",
        "properties": {"code": {"type": "integer", "minimum": 400,
                                "maximum": 599},
                       "title": {"type": "string"},
                       "message": {"type": "string"}},
        "required": ["code", "title", "message"],
        "additionalProperties": False,
    }},
    "required": ["error"],
    "additionalProperties": False,
}
