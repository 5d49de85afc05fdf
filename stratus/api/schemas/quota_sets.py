"""Request schemas of /os-quota-sets."""
from stratus.api.schemas import common

# "minimum" bounds numbers only: the pattern keeps a limit given as a
# string at -1 or above too.
_limit = {
    "type": ["integer", "string"], "pattern": "^(-1|[0-9]+)$",
    "minimum": -1, "maximum": common.MAX_INT,
}


def limit_value(resource, value):
    """The int of a limit the schema accepted: "maximum" bounds numbers
    only, so a string beyond the database's integers is a 400 here
    ("key_pairs must be <= 2147483647", as Nova says)."""
    return common.to_int(value, resource, -1, common.MAX_INT)

_RESOURCES_V21 = (
    "instances", "cores", "ram", "floating_ips", "fixed_ips",
    "metadata_items", "key_pairs", "security_groups", "security_group_rules",
    "injected_files", "injected_file_content_bytes",
    "injected_file_path_bytes", "server_groups", "server_group_members",
    # nova-network's; accepted by the schema, refused by the handler
    "networks")
# 2.36: no networking quotas
_RESOURCES_V236 = tuple(
    name for name in _RESOURCES_V21
    if name not in ("floating_ips", "fixed_ips", "security_groups",
                    "security_group_rules", "networks"))
# 2.57: no personality (injected file) quotas
_RESOURCES_V257 = tuple(name for name in _RESOURCES_V236
                        if not name.startswith("injected_file"))


def _update(resources):
    properties = {name: _limit for name in resources}
    properties["force"] = common.boolean
    return {
        "type": "object",
        "properties": {
            "quota_set": {
                "type": "object",
                "properties": properties,
                "additionalProperties": False,
            },
        },
        "required": ["quota_set"],
        "additionalProperties": False,
    }


update = _update(_RESOURCES_V21)
update_v236 = _update(_RESOURCES_V236)
update_v257 = _update(_RESOURCES_V257)

query = common.query_schema({"user_id": common.query_string})
query_v275 = common.strict_variant(query)
defaults_query = common.query_schema({})

# The same limits and resources, for /os-quota-class-sets.
LIMIT = _limit
RESOURCES_V21, RESOURCES_V236, RESOURCES_V257 = (
    _RESOURCES_V21, _RESOURCES_V236, _RESOURCES_V257)
