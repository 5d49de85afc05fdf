"""Query schemas of /os-simple-tenant-usage: start, end (and detailed for
the list); limit and marker from 2.40; unknown parameters refused from
2.75."""
from stratus.api.schemas import common

index_query = common.query_schema({
    "start": common.query_string, "end": common.query_string,
    "detailed": common.query_string})
show_query = common.query_schema({
    "start": common.query_string, "end": common.query_string})
index_query_v240 = common.query_schema(dict(
    index_query["properties"], **common.pagination_parameters))
show_query_v240 = common.query_schema(dict(
    show_query["properties"], **common.pagination_parameters))
index_query_v275 = common.strict_variant(index_query_v240)
show_query_v275 = common.strict_variant(show_query_v240)
