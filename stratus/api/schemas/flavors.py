"""Request schemas of /flavors."""
import copy

from stratus.api.schemas import common
from stratus.objects import flavor as flavor_obj

_flavor_properties = {
    "name": common.name,
    # no leading or trailing spaces; JSON numbers become strings
    "id": {
        "type": ["string", "number", "null"],
        "minLength": 1, "maxLength": 255,
        "pattern": r"^(?! )[a-zA-Z0-9. _-]+(?<! )$",
    },
    "ram": common.positive_integer,
    "vcpus": common.positive_integer,
    "disk": common.non_negative_integer,
    "OS-FLV-EXT-DATA:ephemeral": common.non_negative_integer,
    "swap": common.non_negative_integer,
    # a positive float, up to the largest single precision float
    "rxtx_factor": {
        "type": ["number", "string"],
        "pattern": r"^[0-9]+(\.[0-9]+)?$",
        "exclusiveMinimum": 0, "maximum": 3.40282e+38,
    },
    "os-flavor-access:is_public": common.boolean,
}


def _flavor_body(properties, required):
    return {
        "type": "object",
        "properties": {
            "flavor": {
                "type": "object",
                "properties": properties,
                "required": required,
                "additionalProperties": False,
            },
        },
        "required": ["flavor"],
        "additionalProperties": False,
    }


create = _flavor_body(_flavor_properties, ["name", "ram", "vcpus", "disk"])

# 2.55: flavors have a description
create_v255 = copy.deepcopy(create)
create_v255["properties"]["flavor"]["properties"]["description"] = (
    common.description)

# 2.55: the description is the one thing that may change
update_v255 = _flavor_body({"description": common.description},
                           ["description"])

index_query = common.query_schema(dict(
    common.pagination_parameters,
    is_public=common.query_string,
    minRam=common.query_string,
    minDisk=common.query_string,
    sort_key=common.multi_params(
        {"type": "string", "enum": list(flavor_obj.SORT_KEYS)}),
    sort_dir=common.multi_params(
        {"type": "string", "enum": ["asc", "desc"]}),
))
index_query_v275 = common.strict_variant(index_query)
