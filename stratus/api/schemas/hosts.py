"""Request schemas of /os-hosts (up to 2.42)."""
from stratus.api.schemas import common

_ENABLE_DISABLE = {
    "type": "string",
    "enum": ["enable", "disable", "Enable", "Disable", "ENABLE", "DISABLE"],
}

# Nova's schema lists anyOf among the properties, where it checks
# nothing: a body with neither field is valid and changes nothing.
update = {
    "type": "object",
    "properties": {
        "status": _ENABLE_DISABLE,
        "maintenance_mode": _ENABLE_DISABLE,
    },
    "additionalProperties": False,
}

index_query = common.query_schema({"zone": common.query_string})
