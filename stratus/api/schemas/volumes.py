"""Request bodies and query strings of Nova's proxies to the block
storage service: /os-volumes, /os-snapshots (schemas/volumes.py and
snapshots.py of Nova) and /os-assisted-volume-snapshots
(schemas/assisted_volume_snapshots.py)."""
from stratus.api.schemas import common

_string = {"type": "string"}

create_volume = {
    "type": "object",
    "properties": {"volume": {
        "type": "object",
        "properties": {
            "volume_type": _string,
            "metadata": {"type": "object", "properties": {},
                         "additionalProperties": True},
            "snapshot_id": _string,
            "size": {"type": ["integer", "string"], "pattern": "^[0-9]+$",
                     "minimum": 1},
            "availability_zone": _string,
            "display_name": _string,
            "display_description": _string,
        },
        "required": ["size"],
        "additionalProperties": False,
    }},
    "required": ["volume"],
    "additionalProperties": False,
}

create_snapshot = {
    "type": "object",
    "properties": {"snapshot": {
        "type": "object",
        "properties": {
            "volume_id": _string,
            "force": common.boolean,
            "display_name": _string,
            "display_description": _string,
        },
        "required": ["volume_id"],
        "additionalProperties": False,
    }},
    "required": ["snapshot"],
    "additionalProperties": False,
}

index_query = common.query_schema({
    "limit": common.query_non_negative_integer,
    "offset": common.query_non_negative_integer,
})
show_query = common.query_schema({})
show_query_v2102 = common.NO_QUERY_V2102

_non_empty = {"type": "string", "minLength": 1}
create_assisted_snapshot = {
    "type": "object",
    "properties": {"snapshot": {
        "type": "object",
        "properties": {
            "volume_id": _non_empty,
            "create_info": {
                "type": "object",
                "properties": {
                    "snapshot_id": _non_empty,
                    "type": {"type": "string", "enum": ["qcow2"]},
                    "new_file": _non_empty,
                    "id": _non_empty,
                },
                "required": ["snapshot_id", "type", "new_file"],
                "additionalProperties": False,
            },
        },
        "required": ["volume_id", "create_info"],
        "additionalProperties": False,
    }},
    "required": ["snapshot"],
    "additionalProperties": False,
}
delete_assisted_query = common.query_schema({
    "delete_info": common.query_string})
delete_assisted_query_v275 = common.strict_variant(delete_assisted_query)
