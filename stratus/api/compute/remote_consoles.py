"""POST /servers/{id}/remote-consoles (2.6): a console URL with a one-use
token; the deprecated console actions it replaced (os-getVNCConsole,
os-getSPICEConsole, os-getSerialConsole, os-getRDPConsole on
POST /servers/{id}/action, 2.1 - 2.5, joined to server_actions.ACTIONS);
GET /os-console-auth-tokens/{token} (admin): what a token grants."""
from stratus.api.compute import servers
from stratus.api import errors
from stratus.api.schemas import remote_consoles as schemas
from stratus.api import validation
from stratus.api import wsgi
from stratus.objects import console_auth_token as tokens
from stratus.policies import remote_consoles as policies

MIN_VERSION = (2, 6)
# Before 2.31 only rdp-html5 tokens could be shown, and Stratus has none.
ANY_TOKEN_VERSION = (2, 31)
# Nova's answer where a handler exists for other microversions only.
NOT_FOUND = "The resource could not be found."
# webob's explanation of a bare 400, all Nova says to os-getRDPConsole.
RDP_REMOVED = ("The server could not comply with the request since it is "
               "either malformed or otherwise incorrect.")


def _console_url(req, instance, protocol, console_type):
    return req.app.compute_api.remote_console_url(
        req.context, instance, protocol, console_type)


@validation.schema(schemas.create_v26, "2.6", "2.7")
@validation.schema(schemas.create_v28, "2.8")
def create_remote_console(req, server_id):
    if req.api_version < MIN_VERSION:
        raise errors.not_found(NOT_FOUND)
    console = req.json_document()["remote_console"]
    instance = servers.get_server(req, server_id)
    servers.authorize_for(req, policies.REMOTE_CONSOLES, instance)
    url = _console_url(req, instance, console["protocol"], console["type"])
    return wsgi.json_response(req, {"remote_console": {
        "protocol": console["protocol"], "type": console["type"],
        "url": url}})


def _legacy_console(action, protocol, schema):
    """The handler of a console action of before 2.6: {"console": {"type",
    "url"}}. As Nova, the policy is checked before the server is looked
    up, against the caller's own project."""
    @validation.schema(schema, "2.1", "2.5")
    def handler(req, server_id, body):
        if req.api_version >= MIN_VERSION:
            raise errors.not_found(NOT_FOUND)
        req.authorize(policies.REMOTE_CONSOLES)
        console_type = body[action]["type"]
        instance = servers.get_server(req, server_id)
        url = _console_url(req, instance, protocol, console_type)
        return wsgi.json_response(req, {"console": {
            "type": console_type, "url": url}})
    handler.__name__ = "get_%s_console" % protocol
    return handler


@validation.schema(schemas.get_rdp_console, "2.1", "2.5")
def get_rdp_console(req, server_id, body):
    """RDP consoles went with Nova's Hyper-V driver (Nova 29.0.0): 400
    whatever the server, as Nova answers."""
    if req.api_version >= MIN_VERSION:
        raise errors.not_found(NOT_FOUND)
    raise errors.bad_request(RDP_REMOVED)


# The deprecated console actions, joined to server_actions.ACTIONS.
CONSOLE_ACTIONS = {
    "os-getVNCConsole": _legacy_console(
        "os-getVNCConsole", "vnc", schemas.get_vnc_console),
    "os-getSPICEConsole": _legacy_console(
        "os-getSPICEConsole", "spice", schemas.get_spice_console),
    "os-getSerialConsole": _legacy_console(
        "os-getSerialConsole", "serial", schemas.get_serial_console),
    "os-getRDPConsole": get_rdp_console,
}


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
