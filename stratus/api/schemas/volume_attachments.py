"""Request schemas of /servers/{id}/os-volume_attachments (Nova's)."""
import copy

from stratus.api.schemas import common

_device = {"type": ["string", "null"],
           "pattern": "(^/dev/x{0,1}[a-z]{0,1}d{0,1})([a-z]+)[0-9]*$"}
_tag = {"type": "string", "minLength": 1, "maxLength": 60,
        "pattern": "^[^,/]*$"}
_volume_id = {"type": "string", "format": "uuid"}


def _attachment(properties, required=("volumeId",)):
    return {
        "type": "object",
        "properties": {"volumeAttachment": {
            "type": "object", "properties": properties,
            "required": list(required), "additionalProperties": False}},
        "required": ["volumeAttachment"],
        "additionalProperties": False,
    }


create = _attachment({"volumeId": _volume_id, "device": _device})
create_v249 = copy.deepcopy(create)
create_v249["properties"]["volumeAttachment"]["properties"]["tag"] = _tag
create_v279 = copy.deepcopy(create_v249)
create_v279["properties"]["volumeAttachment"]["properties"][
    "delete_on_termination"] = {"type": "boolean"}

update = _attachment({"volumeId": _volume_id})
# 2.85: the body may carry the whole attachment; only volumeId (a swap)
# and delete_on_termination may change.
update_v285 = _attachment({
    "volumeId": _volume_id, "device": _device, "tag": _tag,
    "delete_on_termination": {"type": "boolean"},
    "id": _volume_id, "serverId": {"type": "string", "format": "uuid"},
})

index_query = common.query_schema({
    "limit": common.query_non_negative_integer,
    "offset": common.query_non_negative_integer,
})
index_query_v275 = common.strict_variant(index_query)
