"""Request schemas of /os-services."""
import copy

from stratus.api.schemas import common

hostname = {"type": "string", "minLength": 1, "maxLength": 255,
            "pattern": "^[a-zA-Z0-9-._]*$"}
_reason = {"type": "string", "minLength": 1, "maxLength": 255}
_binary = {"type": "string", "minLength": 1, "maxLength": 255}

# Before 2.53: PUT /os-services/{enable|disable|disable-log-reason}
# names the service by host and binary in the body.
update = {
    "type": "object",
    "properties": {
        "host": hostname,
        "binary": _binary,
        "disabled_reason": _reason,
    },
    "required": ["host", "binary"],
    "additionalProperties": False,
}

# 2.11: PUT /os-services/force-down
update_v211 = copy.deepcopy(update)
update_v211["properties"]["forced_down"] = common.boolean

# 2.53: PUT /os-services/{service_uuid}; nothing is required, but a
# request must change something (checked by the handler).
update_v253 = {
    "type": "object",
    "properties": {
        "status": {"type": "string", "enum": ["enabled", "disabled"]},
        "disabled_reason": _reason,
        "forced_down": common.boolean,
    },
    "additionalProperties": False,
}

index_query = common.query_schema({"host": common.query_string,
                                   "binary": common.query_string})
index_query_v275 = common.strict_variant(index_query)
