"""/servers/{id}/os-instance-actions: what was done to a server
(`openstack server event list / show`)."""
from stratus.api.compute import links
from stratus.api.compute import server_views
from stratus.api.compute import servers
from stratus.api import errors
from stratus.api.schemas import common
from stratus.api import validation
from stratus.api import wsgi
from stratus import exception
from stratus.policies import instance_actions as policies

ACTION_KEYS = ("action", "instance_uuid", "request_id", "user_id",
               "project_id", "start_time", "message")
EVENT_KEYS = ("event", "start_time", "finish_time", "result")
_TIMES = {"start_time", "finish_time", "updated_at"}

query_v258 = common.strict_variant(common.query_schema({
    "limit": dict(common.query_non_negative_integer, maxItems=1),
    "marker": dict(common.query_string, maxItems=1),
    "changes-since": dict(common.query_string, maxItems=1),
}))
query_v266 = common.strict_variant(common.query_schema(dict(
    query_v258["properties"],
    **{"changes-before": dict(common.query_string, maxItems=1)})))


def _server(req, server_id, rule):
    # 2.21: the actions of deleted servers stay visible.
    instance = servers.get_server(req, server_id,
                                  read_deleted=req.api_version >= (2, 21))
    servers.authorize_for(req, policies.POLICY_ROOT % rule, instance)
    return instance


def _format(record, keys):
    return {key: (wsgi.isotime(record.get(key), microseconds=True)
                  if key in _TIMES and record.get(key) else record.get(key))
            for key in keys}


def _action_keys(req):
    if req.api_version >= (2, 58):
        return ACTION_KEYS + ("updated_at",)
    return ACTION_KEYS


@validation.query_schema(query_v258, "2.58", "2.65")
@validation.query_schema(query_v266, "2.66")
def list_instance_actions(req, server_id):
    instance = _server(req, server_id, "list")
    limit = marker = None
    filters = {}
    if req.api_version >= (2, 58):
        limit, marker = links.limit_and_marker(req)
        filters = links.time_filters(req, ("changes-since",
                                           "changes-before"))
    try:
        actions = req.app.compute_api.actions(req.context, instance,
                                              limit=limit, marker=marker,
                                              filters=filters)
    except exception.MarkerNotFound as exc:
        raise errors.bad_request(exc.format_message())
    body = {"instanceActions": [_format(action, _action_keys(req))
                                for action in actions]}
    if req.api_version >= (2, 58):
        next_links = links.next_links(
            req, actions, "servers/%s/os-instance-actions" % server_id,
            lambda action: action.request_id)
        if next_links:
            body["links"] = next_links
    return wsgi.json_response(req, body)


def show_instance_action(req, server_id, request_id):
    instance = _server(req, server_id, "show")
    action, events = req.app.compute_api.action(req.context, instance,
                                                request_id)
    if action is None:
        raise errors.not_found("Action %s not found" % request_id)
    body = _format(action, _action_keys(req))
    target = {"project_id": instance.project_id}
    admin_events = req.can(policies.POLICY_ROOT % "events", target)
    if admin_events or req.api_version >= (2, 51):
        with_host = req.api_version >= (2, 62)
        with_details = req.api_version >= (2, 84) and req.can(
            policies.POLICY_ROOT % "events:details", target)
        project_id = action.project_id or instance.project_id
        body["events"] = []
        for event in events:
            shown = _format(event, EVENT_KEYS)
            if admin_events:
                shown["traceback"] = event.traceback
                if with_host:
                    shown["host"] = event.host
            if with_host:
                shown["hostId"] = server_views.host_id(project_id,
                                                       event.host)
            if with_details:
                shown["details"] = event.details
            body["events"].append(shown)
    return wsgi.json_response(req, {"instanceAction": body})
