"""Response schemas of POST /os-server-external-events: the events as
posted, each with its status and code (200, or 207 when any failed)."""
from stratus.api.schemas import server_external_events as requests


def _answer(names):
    event = {
        "type": "object",
        "properties": {
            "server_uuid": {"type": "string", "format": "uuid"},
            "name": {"type": "string", "enum": list(names)},
            "status": {"type": "string", "enum": requests.STATUSES},
            "tag": {"type": "string", "maxLength": 255},
            "code": {"type": "integer", "enum": [200, 400, 404, 422]},
        },
        "required": ["server_uuid", "name", "status", "code"],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {"events": {"type": "array", "minItems": 1,
                                  "items": event}},
        "required": ["events"],
        "additionalProperties": False,
    }


_RANGES = [("2.1", "2.50", requests.NAMES),
           ("2.51", "2.75", requests.NAMES_V251),
           ("2.76", "2.81", requests.NAMES_V276),
           ("2.82", "2.92", requests.NAMES_V282),
           ("2.93", None, requests.NAMES_V293)]

RESPONSES = {
    ("POST", "/v2.1/os-server-external-events"): [
        (low, high, status, _answer(names))
        for low, high, names in _RANGES for status in (200, 207)
    ],
}
