"""The image document of the built-in Image (Glance v2) API.

``image`` is what GET /v2/schemas/image returns and what create and update
requests are checked against: core attributes with their types, read-only
ones marked, and free-form extra properties whose values are strings.
"""
from stratus.api.schemas import common
from stratus.image import client as image_client

MAX_INT = 0x7FFFFFFF
UUID_PATTERN = ("^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}"
                "-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$")

DISK_FORMATS = ["ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2",
                "vdi", "iso", "ploop"]
CONTAINER_FORMATS = ["ami", "ari", "aki", "bare", "ovf", "ova", "docker",
                     "compressed"]
VISIBILITIES = ["public", "private", "shared", "community"]
STATUSES = ["queued", "saving", "active", "killed", "deleted",
            "pending_delete", "uploading", "importing", "deactivated"]

_read_only_string = {"type": ["null", "string"], "readOnly": True}
_read_only_integer = {"type": ["null", "integer"], "readOnly": True}

# Attributes a user may set, with their types.
WRITABLE = {
    "id": {"type": "string", "pattern": UUID_PATTERN,
           "description": "An identifier for the image"},
    "name": {"type": ["null", "string"], "maxLength": 255},
    "visibility": {"type": "string", "enum": VISIBILITIES},
    "protected": {"type": "boolean"},
    "os_hidden": {"type": "boolean"},
    "owner": {"type": ["null", "string"], "maxLength": 255},
    "container_format": {"type": ["null", "string"],
                         "enum": [None] + CONTAINER_FORMATS},
    "disk_format": {"type": ["null", "string"],
                    "enum": [None] + DISK_FORMATS},
    "min_disk": {"type": "integer", "minimum": 0, "maximum": MAX_INT},
    "min_ram": {"type": "integer", "minimum": 0, "maximum": MAX_INT},
    "tags": {"type": "array", "maxItems": 128,
             "items": {"type": "string", "minLength": 1, "maxLength": 255}},
}

# Attributes the service sets; a request naming one gets a 403.
READ_ONLY = {
    "status": {"type": "string", "enum": STATUSES, "readOnly": True},
    "size": _read_only_integer,
    "virtual_size": _read_only_integer,
    "checksum": dict(_read_only_string, maxLength=32),
    "os_hash_algo": dict(_read_only_string, maxLength=64),
    "os_hash_value": dict(_read_only_string, maxLength=128),
    "created_at": {"type": "string", "readOnly": True},
    "updated_at": {"type": "string", "readOnly": True},
    "self": {"type": "string", "readOnly": True},
    "file": {"type": "string", "readOnly": True},
    "schema": {"type": "string", "readOnly": True},
    "direct_url": {"type": "string", "readOnly": True},
}

# Glance's names that no request may set, even as extra properties.
RESERVED = ("location", "locations", "deleted", "deleted_at")

extra_property = {"type": "string"}

image = {
    "name": "image",
    "type": "object",
    "properties": dict(WRITABLE, **READ_ONLY),
    "additionalProperties": extra_property,
    "propertyNames": {"maxLength": 255},
    "links": [
        {"rel": "self", "href": "{self}"},
        {"rel": "enclosure", "href": "{file}"},
        {"rel": "describedby", "href": "{schema}"},
    ],
}

images = {
    "name": "images",
    "type": "object",
    "properties": {
        "images": {"type": "array", "items": image},
        "schema": {"type": "string"},
        "first": {"type": "string"},
        "next": {"type": "string"},
    },
    "links": [
        {"rel": "first", "href": "{first}"},
        {"rel": "next", "href": "{next}"},
        {"rel": "describedby", "href": "{schema}"},
    ],
}

PATCH_MEDIA_TYPE = image_client.PATCH_MEDIA_TYPE

patch = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "op": {"enum": ["add", "replace", "remove"]},
            "path": {"type": "string", "pattern": "^/[^/]+$"},
            "value": {},
        },
        "required": ["op", "path"],
        "if": {"properties": {"op": {"enum": ["add", "replace"]}}},
        "then": {"required": ["value"]},
    },
}


# GET /v2/images: what the handler reads (it checks the values itself,
# with Glance's messages; other parameters filter on extra properties).
list_query = common.query_schema({name: common.multi_params(
    {"type": "string"}) for name in (
        "limit", "marker", "sort", "sort_key", "sort_dir", "visibility",
        "member_status", "tag", "size_min", "size_max", "id", "name",
        "status", "container_format", "disk_format", "owner", "protected",
        "os_hidden")})
