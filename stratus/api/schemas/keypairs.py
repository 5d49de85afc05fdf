"""Request schemas of /os-keypairs."""
import copy

from stratus.api.schemas import common

# Printable name (common.name) limited to these characters: letters,
# digits, '_', '-' and space; 2.92 also allows '@' and '.'.
_name = {"allOf": [common.name, {"pattern": r"^[a-zA-Z0-9 _-]+$"}]}
_name_v292 = {"allOf": [common.name, {"pattern": r"^[a-zA-Z0-9 @._-]+$"}]}


def _create(properties, required=("name",)):
    return {
        "type": "object",
        "properties": {
            "keypair": {
                "type": "object",
                "properties": properties,
                "required": list(required),
                "additionalProperties": False,
            },
        },
        "required": ["keypair"],
        "additionalProperties": False,
    }


create = _create({"name": _name, "public_key": {"type": "string"}})

# 2.2: keypair types
create_v22 = copy.deepcopy(create)
create_v22["properties"]["keypair"]["properties"]["type"] = {
    "type": "string", "enum": ["ssh", "x509"]}

# 2.10: admins create keypairs for other users
create_v210 = copy.deepcopy(create_v22)
create_v210["properties"]["keypair"]["properties"]["user_id"] = common.text

# 2.92: import only, and wider names
create_v292 = copy.deepcopy(create_v210)
create_v292["properties"]["keypair"]["properties"]["name"] = _name_v292
create_v292["properties"]["keypair"]["required"] = ["name", "public_key"]

query_v21 = common.query_schema({})
query_v210 = common.query_schema({"user_id": common.query_string})
query_v275 = common.strict_variant(query_v210)

index_query_v235 = common.query_schema(
    dict(common.pagination_parameters, user_id=common.query_string))
index_query_v275 = common.strict_variant(index_query_v235)
