"""Query schemas of /os-hypervisors."""
from stratus.api.schemas import common

_hostname_pattern = {"type": "string", "minLength": 1, "maxLength": 255,
                     "pattern": "^[a-zA-Z0-9-._]*$"}
_boolean = {"type": "string", "enum": [
    value for value in common.boolean["enum"] if isinstance(value, str)]}

# 2.33: paging
list_query_v233 = common.query_schema(common.pagination_parameters)

# 2.53: search by hostname pattern and servers move into the list, and
# unknown parameters are refused
list_query_v253 = common.query_schema(dict(
    common.pagination_parameters,
    hypervisor_hostname_pattern=common.multi_params(_hostname_pattern),
    with_servers=common.multi_params(_boolean)), strict=True)

show_query_v253 = common.query_schema(
    {"with_servers": common.multi_params(_boolean)}, strict=True)
