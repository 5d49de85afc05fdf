"""Request schemas of /os-server-groups."""
import copy

from stratus.api.schemas import common

_POLICIES_V21 = ["anti-affinity", "affinity"]
_POLICIES_V215 = _POLICIES_V21 + ["soft-anti-affinity", "soft-affinity"]


def _create(properties, required):
    return {
        "type": "object",
        "properties": {
            "server_group": {
                "type": "object",
                "properties": properties,
                "required": required,
                "additionalProperties": False,
            },
        },
        "required": ["server_group"],
        "additionalProperties": False,
    }


def _policies(names):
    return {"type": "array", "items": {"type": "string", "enum": names},
            "uniqueItems": True, "minItems": 1, "maxItems": 1}


create = _create({"name": common.name, "policies": _policies(_POLICIES_V21)},
                 ["name", "policies"])

# 2.15: the soft policies
create_v215 = copy.deepcopy(create)
create_v215["properties"]["server_group"]["properties"]["policies"] = (
    _policies(_POLICIES_V215))

# 2.64: one 'policy' and its 'rules' instead of the 'policies' list
create_v264 = _create({
    "name": common.name,
    "policy": {"type": "string", "enum": _POLICIES_V215},
    "rules": {
        "type": "object",
        "properties": {
            "max_server_per_host": common.positive_integer,
        },
        "additionalProperties": False,
    },
}, ["name", "policy"])

_INDEX = {"all_projects": common.query_string,
          "limit": common.query_non_negative_integer,
          "offset": common.query_non_negative_integer}
index_query = common.query_schema(_INDEX)
index_query_v275 = common.query_schema(_INDEX, strict=True)
