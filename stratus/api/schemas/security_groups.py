"""Query strings of /os-security-groups and of a server's groups (Nova's
schemas/security_groups.py); the bodies are checked as Nova checks them,
in the handlers (stratus/api/compute/security_groups.py)."""
from stratus.api.schemas import common

index_query = common.query_schema({
    "limit": common.query_non_negative_integer,
    "offset": common.query_non_negative_integer,
    "all_tenants": common.query_string,
})

server_query = common.query_schema({})


def _group_action(name):
    """addSecurityGroup / removeSecurityGroup: {"name": <a group's name
    or id>}."""
    return {
        "type": "object",
        "properties": {name: {
            "type": "object",
            "properties": {"name": {"type": "string"}},
            "required": ["name"],
        }},
        "required": [name],
        "additionalProperties": False,
    }


add_security_group = _group_action("addSecurityGroup")
remove_security_group = _group_action("removeSecurityGroup")
