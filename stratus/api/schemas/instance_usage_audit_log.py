"""Query schemas of /os-instance_usage_audit_log: no parameters, unknown
ones ignored (as in Nova)."""
from stratus.api.schemas import common

index_query = common.query_schema({})
show_query = common.query_schema({})
