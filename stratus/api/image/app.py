"""The built-in Image (Glance v2) WSGI application."""
import webob.exc

from stratus.api import auth
from stratus.api import errors
from stratus.api.image import routes
from stratus.api import wsgi
from stratus.image import client as image_client
from stratus.image import metadefs
from stratus.image import store
from stratus.policies import image_service
from stratus import policy

class ImageApp(wsgi.Application):
    """Handlers find ``conf``, ``policy`` (Glance's rules), ``store``
    (the ImageStore) and ``metadefs`` (the MetadefStore) on ``req.app``."""

    # Image data is streamed to the store, not held: no body size limit.
    streamed_routes = frozenset([("/v2/images/{image_id}/file", "PUT")])

    def __init__(self, conf, databases, token_validator=None):
        self.conf = conf
        self.databases = databases
        # In-process callers (stratus.image.client with direct_app) send
        # their RequestContext in the environ (auth.InProcess).
        self.authenticator = auth.InProcess(auth.make_authenticator(
            conf, token_validator, databases))
        self.policy = policy.Policy(conf, rules=image_service.list_rules())
        self.store = store.ImageStore(databases, store.data_dir(conf))
        self.metadefs = metadefs.MetadefStore(databases)
        self.router = wsgi.Router(routes.resolve())

    def prepare(self, req, template):
        if template in routes.PUBLIC:
            return
        req.context = self.authenticator.authenticate(req, self.databases)

    def finish(self, req, response):
        response.headers["x-openstack-request-id"] = req.environ.get(
            "openstack.request_id")

    def error_response(self, req, exc):
        """Glance's errors are webob's: JSON {"message", "code", "title"}
        for clients accepting JSON, HTML or plain text otherwise."""
        status, message = errors.status_and_message(
            exc, req.environ.get("openstack.request_id"))
        error_class = webob.exc.status_map.get(
            status, webob.exc.HTTPInternalServerError)
        response = error_class(explanation=message)
        if status == 405:
            _, methods, _ = self.router.match(req.path_info)
            response.headers["Allow"] = ", ".join(sorted(methods))
        return response


def make_app(conf, databases, token_validator=None):
    """The app to serve over HTTP (behind keystonemiddleware in keystone
    mode)."""
    return make_apps(conf, databases, token_validator)[0]


def make_apps(conf, databases, token_validator=None):
    """(served, in_process): the app to serve over HTTP, and the same app
    for callers in this process (stratus.image.client's DirectTransport),
    without keystonemiddleware: their RequestContext, authenticated where
    the request came in, travels in the WSGI environ with its token."""
    app = ImageApp(conf, databases, token_validator)
    return auth.wrap_with_keystone(conf, app), app


def image_api(conf, databases):
    """The image service for a process that holds the API database (the
    compute API, the conductor, `stratus image`): [glance] api_servers or
    the catalog's when they name one, else this built-in app in-process on
    databases, made when first needed."""
    return image_client.ImageAPI.from_conf(
        conf, in_process_app=lambda: make_apps(conf, databases)[1])
