"""POST /servers/{id}/action: one action per request, named by the single
key of the body.

ACTIONS is the table of action name -> handler(req, server_id, body); an
action is added by writing its handler and its line. Unknown names get
Nova's 400 "There is no such action".
"""
from stratus.api.compute import servers
from stratus.api import errors
from stratus.api.schemas import servers as schemas
from stratus.api import validation
from stratus.api import wsgi
from stratus.policies import servers as policies


def server_action(req, server_id):
    body = req.json_document()
    if not isinstance(body, dict) or len(body) != 1:
        raise errors.bad_request("Malformed message body: too many body "
                                 "keys")
    name = next(iter(body))
    handler = ACTIONS.get(name)
    if handler is None:
        raise errors.bad_request("There is no such action: %s" % name)
    return handler(req, server_id, body)


def _accepted(req):
    return wsgi.empty_response(req, 202)


@validation.schema(schemas.lock_v273, "2.73")
def lock_server(req, server_id, body):
    instance = servers.get_server(req, server_id)
    servers.authorize_for(req, policies.LOCK % "lock", instance)
    reason = None
    if req.api_version >= (2, 73) and body["lock"]:
        reason = body["lock"].get("locked_reason")
    req.app.compute_api.lock(req.context, instance, reason=reason)
    return _accepted(req)


def unlock_server(req, server_id, body):
    instance = servers.get_server(req, server_id)
    servers.authorize_for(req, policies.LOCK % "unlock", instance)
    if not req.app.compute_api.is_expected_locked_by(req.context, instance):
        servers.authorize_for(req, policies.LOCK % "unlock:unlock_override",
                              instance)
    req.app.compute_api.unlock(req.context, instance)
    return _accepted(req)


ACTIONS = {
    "lock": lock_server,
    "unlock": unlock_server,
}
