"""Request schemas of /os-aggregates."""
import copy

from stratus.api.schemas import common

# Zone names cannot hold ':' (the 'zone:host:node' create syntax).
availability_zone = {"allOf": [common.name, {"pattern": "^[^:]*$"}]}

create = {
    "type": "object",
    "properties": {
        "aggregate": {
            "type": "object",
            "properties": {
                "name": common.name,
                "availability_zone": {"oneOf": [availability_zone,
                                                {"type": "null"}]},
            },
            "required": ["name"],
            "additionalProperties": False,
        },
    },
    "required": ["aggregate"],
    "additionalProperties": False,
}

update = copy.deepcopy(create)
update["properties"]["aggregate"].pop("required")
update["properties"]["aggregate"]["anyOf"] = [
    {"required": ["name"]}, {"required": ["availability_zone"]}]


def _host_action(action):
    return {
        "type": "object",
        "properties": {
            action: {
                "type": "object",
                "properties": {"host": common.name},
                "required": ["host"],
                "additionalProperties": False,
            },
        },
        "required": [action],
        "additionalProperties": False,
    }


add_host = _host_action("add_host")
remove_host = _host_action("remove_host")

set_metadata = {
    "type": "object",
    "properties": {
        "set_metadata": {
            "type": "object",
            "properties": {
                "metadata": common.metadata(("string", "null")),
            },
            "required": ["metadata"],
            "additionalProperties": False,
        },
    },
    "required": ["set_metadata"],
    "additionalProperties": False,
}

# 2.81: POST /os-aggregates/{id}/images
cache_images = {
    "type": "object",
    "properties": {
        "cache": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {"id": {"type": "string", "format": "uuid"}},
                "required": ["id"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["cache"],
    "additionalProperties": False,
}
