"""Request schemas of the image proxy (/images, up to 2.35) and its
metadata (/images/{id}/metadata, up to 2.38)."""
from stratus.api.schemas import common

metadata = {
    "type": "object",
    "properties": {"metadata": common.metadata()},
    "required": ["metadata"],
    "additionalProperties": False,
}

metadata_item = {
    "type": "object",
    "properties": {
        "meta": dict(common.metadata(), minProperties=1, maxProperties=1),
    },
    "required": ["meta"],
    "additionalProperties": False,
}
