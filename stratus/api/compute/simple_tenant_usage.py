"""/os-simple-tenant-usage: what projects' servers used in a window
(stratus.compute_api.usage). The list covers every project (admin), a
show one project (its readers or an admin).

``start`` and ``end`` are UTC times (now when absent; an end in the
future is now); ``detailed=1`` adds each server's usage to the list (a
show always has them). From 2.40 ``limit`` and ``marker`` page through
the servers, with a next link when a page is full.
"""
import datetime
import urllib.parse

from stratus.api.compute import links
from stratus.api import errors
from stratus.api.schemas import simple_tenant_usage as schemas
from stratus.api import validation
from stratus.api import wsgi
from stratus.compute_api import usage
from stratus import exception
from stratus.objects import base as objects_base
from stratus.policies import simple_tenant_usage as policies

COLLECTION = "os-simple-tenant-usage"
LINKS_VERSION = (2, 40)
# The formats Nova accepts for start and end.
_FORMATS = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f",
            "%Y-%m-%d %H:%M:%S.%f")


def _first(req, name):
    """The first value of a query parameter, as Nova reads it (None when
    absent)."""
    values = urllib.parse.parse_qs(req.query_string).get(name)
    return values[0] if values else None


def _parse_time(text, now):
    if not text:
        return now
    for fmt in _FORMATS:
        try:
            value = datetime.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return value.replace(tzinfo=datetime.timezone.utc)
    raise errors.bad_request(
        "Invalid datetime string: Datetime is in invalid format")


def _period(req):
    """(start, stop, detailed): stop no later than now; 400 when start
    is not before the end asked for."""
    now = objects_base.utcnow()
    start_text, end_text = _first(req, "start"), _first(req, "end")
    start = _parse_time(start_text, now)
    stop = _parse_time(end_text, now)
    # Neither given: Nova reads the clock twice, the start a moment
    # before the end; here both are the same moment.
    if not start < stop and (start_text or end_text):
        raise errors.bad_request("Invalid start time. The start time cannot "
                                 "occur after the end time.")
    return start, min(stop, now), _first(req, "detailed") == "1"


def _page(req):
    """(limit, marker): from 2.40 as asked, capped at [api] max_limit;
    before, max_limit servers."""
    if req.api_version >= LINKS_VERSION:
        return links.limit_and_marker(req)
    return req.app.conf.api.max_limit, None


def _times(summary):
    """A summary with its times in Nova's format."""
    def isotime(value):
        return wsgi.isotime(value, microseconds=True)
    summary = dict(summary, start=isotime(summary["start"]),
                   stop=isotime(summary["stop"]))
    if "server_usages" in summary:
        summary["server_usages"] = [
            dict(server, started_at=isotime(server["started_at"]),
                 ended_at=isotime(server["ended_at"]))
            for server in summary["server_usages"]]
    return summary


def _report(req, project_id, detailed, start, stop):
    limit, marker = _page(req)
    try:
        return usage.usage_for_period(req.context, start, stop, project_id,
                                      detailed, limit, marker)
    except exception.MarkerNotFound as exc:
        raise errors.bad_request(exc.format_message())


def _next_links(req, server_usages, collection):
    if req.api_version < LINKS_VERSION:
        return []
    return links.next_links(req, server_usages, collection,
                            lambda server: server["instance_id"])


@validation.query_schema(schemas.index_query, "2.1", "2.39")
@validation.query_schema(schemas.index_query_v240, "2.40", "2.74")
@validation.query_schema(schemas.index_query_v275, "2.75")
def list_tenant_usages(req):
    req.authorize(policies.POLICY_ROOT % "list")
    start, stop, detailed = _period(req)
    summaries, server_usages = _report(req, None, detailed, start, stop)
    body = {"tenant_usages": [_times(summary) for summary in summaries]}
    next_links = _next_links(req, server_usages, COLLECTION)
    if next_links:
        body["tenant_usages_links"] = next_links
    return wsgi.json_response(req, body)


@validation.query_schema(schemas.show_query, "2.1", "2.39")
@validation.query_schema(schemas.show_query_v240, "2.40", "2.74")
@validation.query_schema(schemas.show_query_v275, "2.75")
def show_tenant_usage(req, tenant_id):
    req.authorize(policies.POLICY_ROOT % "show", {"project_id": tenant_id})
    start, stop, _ = _period(req)
    summaries, server_usages = _report(req, tenant_id, True, start, stop)
    body = {"tenant_usage": _times(summaries[0]) if summaries else {}}
    next_links = _next_links(req, server_usages,
                             "%s/%s" % (COLLECTION, urllib.parse.quote(
                                 tenant_id, safe="")))
    if next_links:
        body["tenant_usage_links"] = next_links
    return wsgi.json_response(req, body)
