"""Request schemas of /servers/{id}/shares (2.97): Nova's."""
from stratus.api.schemas import common

share_id = {"type": "string", "format": "uuid"}
share_tag = {"type": "string", "minLength": 1, "maxLength": 255,
             "pattern": "^[a-zA-Z0-9-]*$"}

create = {
    "type": "object",
    "properties": {
        "share": {
            "type": "object",
            "properties": {"share_id": share_id, "tag": share_tag},
            "required": ["share_id"],
            "additionalProperties": False,
        },
    },
    "required": ["share"],
    "additionalProperties": False,
}

# No query parameter: any is a 400.
no_query = common.query_schema({}, strict=True)
