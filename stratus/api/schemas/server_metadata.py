"""Request schemas of /servers/{id}/metadata."""
from stratus.api.schemas import common

create = {
    "type": "object",
    "properties": {"metadata": common.metadata()},
    "required": ["metadata"],
    "additionalProperties": False,
}

update_all = create

update = {
    "type": "object",
    "properties": {
        "meta": dict(common.metadata(), minProperties=1, maxProperties=1),
    },
    "required": ["meta"],
    "additionalProperties": False,
}
