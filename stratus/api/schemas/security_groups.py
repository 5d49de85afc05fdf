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
