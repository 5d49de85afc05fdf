"""Request schemas of POST /os-server-external-events: the event names
grow with the microversions (2.51 volume-extended, 2.76 power-update,
2.82 accelerator-request-bound, 2.93 volume-reimaged)."""

STATUSES = ["failed", "completed", "in-progress"]


def _create(names):
    return {
        "type": "object",
        "properties": {
            "events": {
                "type": "array", "minItems": 1,
                "items": {
                    "type": "object",
                    "properties": {
                        "server_uuid": {"type": "string", "format": "uuid"},
                        "name": {"type": "string", "enum": list(names)},
                        "status": {"type": "string", "enum": STATUSES},
                        "tag": {"type": "string", "maxLength": 255},
                    },
                    "required": ["server_uuid", "name"],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["events"],
        "additionalProperties": False,
    }


NAMES = ["network-changed", "network-vif-plugged", "network-vif-unplugged",
         "network-vif-deleted"]
NAMES_V251 = NAMES + ["volume-extended"]
NAMES_V276 = NAMES_V251 + ["power-update"]
NAMES_V282 = NAMES_V276 + ["accelerator-request-bound"]
NAMES_V293 = NAMES_V282 + ["volume-reimaged"]

create = _create(NAMES)
create_v251 = _create(NAMES_V251)
create_v276 = _create(NAMES_V276)
create_v282 = _create(NAMES_V282)
create_v293 = _create(NAMES_V293)

