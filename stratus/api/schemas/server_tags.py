"""Request schemas of /servers/{id}/tags (2.26)."""
from stratus.api.schemas import servers
from stratus.objects import tag as tag_obj

update_all = {
    "type": "object",
    "properties": {
        "tags": {"type": "array", "items": servers.tag,
                 "maxItems": tag_obj.MAX_TAG_COUNT},
    },
    "required": ["tags"],
    "additionalProperties": False,
}
