"""The built-in network service's WSGI application: the Neutron v2.0 API
for what Nova and the clients use (see docs/networking.md)."""
import functools

from stratus.api import auth
from stratus.api import errors
from stratus.api import wsgi
from stratus.api.network import routes
from stratus.api.network import server_events
from stratus.network import exception as net_exception
from stratus.network.store import quotas
from stratus.policies import network_service
from stratus import exception
from stratus import policy

# Neutron's error types for errors that are not its named exceptions.
_HTTP_TYPES = {400: "HTTPBadRequest", 401: "HTTPUnauthorized",
               403: "HTTPForbidden", 404: "HTTPNotFound",
               405: "HTTPMethodNotAllowed", 409: "HTTPConflict",
               413: "HTTPRequestEntityTooLarge",
               415: "HTTPUnsupportedMediaType",
               503: "HTTPServiceUnavailable"}


class NetworkPolicy(policy.Policy):
    """Neutron's rules name the caller's project tenant_id too."""

    def _creds(self, context):
        creds = super()._creds(context)
        creds["tenant_id"] = context.project_id
        return creds


def error_type(exc, status):
    if isinstance(exc, net_exception.NeutronException):
        return type(exc).__name__
    if isinstance(exc, exception.PolicyNotAuthorized):
        return "PolicyNotAuthorized"
    return _HTTP_TYPES.get(status, "HTTPInternalServerError")


class NetworkApp(wsgi.Application):
    """Handlers find ``conf``, ``policy`` (Neutron's rules), ``stores``
    (a store per collection, stratus/network/store/) and ``quotas`` on
    ``req.app``."""

    def __init__(self, conf, databases, token_validator=None,
                 dataplane=None):
        self.conf = conf
        self.databases = databases
        # The host's dataplane (stratus/network/dataplane/agent.py), synced
        # after each write that succeeded; None: nothing made on the host.
        self.dataplane = dataplane
        self.authenticator = auth.make_authenticator(conf, token_validator,
                                                     databases)
        self.policy = NetworkPolicy(conf,
                                    rules=network_service.list_rules())
        self.quotas = quotas.QuotaStore(conf, databases)
        self.stores = {collection: store_class(databases)
                       for collection, store_class in routes.stores()}
        self.router = wsgi.Router(wsgi.resolve_routes(
            routes.ROUTES, "stratus.api.network"))

    def handle(self, req):
        # Neutron's URLs may end in .json (python-neutronclient's do).
        if req.path_info.endswith(".json"):
            req.path_info = req.path_info[:-len(".json")]
        return super().handle(req)

    def prepare(self, req, template):
        if template in routes.PUBLIC:
            return
        req.context = self.authenticator.authenticate(req, self.databases)
        server_events.before(self, req)

    def finish(self, req, response):
        response.headers["x-openstack-request-id"] = req.environ.get(
            "openstack.request_id")
        if (self.dataplane is not None and response.status_int < 300
                and req.method in ("POST", "PUT", "DELETE")):
            self.dataplane.request_sync()
        server_events.after(self, req, response)

    # The compute app of this process (a callable that returns it), set
    # by the all-in-one; None: the compute API is reached over HTTP.
    compute_app = None

    @functools.cached_property
    def compute_notifier(self):
        """Sends the compute API external events (server_events.py)."""
        from stratus.network import compute_notifier
        return compute_notifier.ComputeNotifier.from_conf(
            self.conf, in_process_app=self.compute_app)

    def error_response(self, req, exc):
        status, message = errors.status_and_message(
            exc, req.environ.get("openstack.request_id"))
        headers = {}
        if status == 405:
            _, methods, _ = self.router.match(req.path_info)
            if methods:
                headers["Allow"] = ", ".join(sorted(methods))
        return wsgi.json_response(req, {"NeutronError": {
            "type": error_type(exc, status), "message": message,
            "detail": ""}}, status=status, headers=headers)


def make_app(conf, databases, token_validator=None, dataplane=None):
    """The app to serve over HTTP (behind keystonemiddleware in keystone
    mode)."""
    return auth.wrap_with_keystone(
        conf, NetworkApp(conf, databases, token_validator, dataplane),
        public_paths=routes.PUBLIC)
