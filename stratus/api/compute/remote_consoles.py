"""POST /servers/{id}/remote-consoles (2.6): a console URL with a one-use
token; GET /os-console-auth-tokens/{token} (admin): what it grants."""
from stratus.api.compute import servers
from stratus.api import errors
from stratus.api.schemas import remote_consoles as schemas
from stratus.api import validation
from stratus.api import wsgi
from stratus.console import api as console_api
from stratus.objects import console_auth_token as tokens
from stratus.policies import remote_consoles as policies

MIN_VERSION = (2, 6)
# Before 2.31 only rdp-html5 tokens could be shown, and Stratus has none.
ANY_TOKEN_VERSION = (2, 31)


@validation.schema(schemas.create_v26, "2.6", "2.7")
@validation.schema(schemas.create_v28, "2.8")
def create_remote_console(req, server_id):
    if req.api_version < MIN_VERSION:
        raise errors.not_found("The resource could not be found.")
    console = req.json_document()["remote_console"]
    instance = servers.get_server(req, server_id)
    servers.authorize_for(req, policies.REMOTE_CONSOLES, instance)
    compute_api = req.app.compute_api
    url = console_api.get_remote_console(
        compute_api.conf, compute_api.compute_rpcapi, req.context, instance,
        console["protocol"], console["type"])
    return wsgi.json_response(req, {"remote_console": {
        "protocol": console["protocol"], "type": console["type"],
        "url": url}})


def show_console_auth_token(req, console_token):
    req.authorize(policies.CONSOLE_AUTH_TOKENS, {})
    if not console_token.strip():
        raise errors.bad_request("token not provided")
    authorization = tokens.show(req.context, console_token)
    if authorization is None:
        raise errors.not_found("Token not found")
    if req.api_version < ANY_TOKEN_VERSION and \
            authorization.console_type != "rdp-html5":
        raise errors.HTTPError(401, "The requested console type details "
                                    "are not accessible")
    return wsgi.json_response(req, {"console": {
        "instance_uuid": authorization.instance_uuid,
        "host": authorization.host, "port": authorization.port,
        "internal_access_path": authorization.internal_access_path}})
