"""Response schemas of the Placement API (the format:
stratus/api/response_schemas.py; microversions 1.x). ERROR is the body of
every error answer: {"errors": [{status, title, detail, request_id and,
from 1.23, code}]}."""

ERROR = {
    "type": "object",
    "properties": {"errors": {
        "type": "array", "minItems": 1,
        "items": {
            "type": "object",
            "properties": {
                "status": {"type": "integer", "minimum": 400,
                           "maximum": 599},
                "title": {"type": "string"},
                "detail": {"type": "string"},
                "request_id": {"type": ["string", "null"]},
                "code": {"type": "string"},
            },
            "required": ["status", "title", "detail", "request_id"],
            "additionalProperties": False,
        }}},
    "required": ["errors"],
    "additionalProperties": False,
}
