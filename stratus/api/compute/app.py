"""The Compute API WSGI application."""
import functools
import re

from stratus.api import auth
from stratus.api import errors
from stratus.api import input_guard
from stratus.api import microversion
from stratus.api import wsgi
from stratus.api.compute import routes
from stratus.db import api as db_api
from stratus import policy

VARY = "%s, %s" % (microversion.HEADER, microversion.LEGACY_HEADER)
# Nova also serves every URL with the project id after the version
# (/v2.1/{project_id}/servers); since 2.18 it is optional. The segment is
# one only where [api] project_id_regex matches it and the rest is a route.
_URL_PROJECT = re.compile(r"^/v2\.1/([^/]+)(/.*)?$")


class ComputeApp(wsgi.Application):
    """Everything a handler needs hangs off ``req.app``: conf, databases,
    messaging, policy and the business layers (``compute_api`` ...)."""

    body_content_types = input_guard.NOVA_JSON_TYPES

    def __init__(self, conf, databases, messaging, token_validator=None,
                 image_api=None, network_api=None, volume_api=None):
        self.conf = conf
        self.databases = databases
        # Every message the API sends is sent within [api]
        # rpc_unavailable_timeout or answered 503 (docs/operations.md).
        self.messaging = (None if messaging is None else
                          messaging.bounded(conf.api.rpc_unavailable_timeout))
        self.policy = policy.Policy(conf)
        # In-process callers (the built-in network service's notifier in
        # the all-in-one) put their context in the WSGI environ.
        self.authenticator = auth.InProcess(
            auth.make_authenticator(conf, token_validator))
        self.router = wsgi.Router(routes.resolve())
        self._image_api = image_api
        self._network_api = network_api
        self._volume_api = volume_api
        self._url_project = re.compile(conf.api.project_id_regex)

    @functools.cached_property
    def compute_api(self):
        from stratus.compute_api import api as compute_api
        from stratus.network import api as network_provider
        network_api = (self.network_api if network_provider.provider_name(
            self.conf) == "neutron" else None)
        return compute_api.API(self.conf, self.messaging,
                               image_api=self.image_api,
                               network_api=network_api,
                               volume_api_factory=lambda: self.volume_api)

    @functools.cached_property
    def image_api(self):
        if self._image_api is not None:
            return self._image_api
        from stratus.api.image import app as image_app
        return image_app.image_api(self.conf, self.databases)

    @functools.cached_property
    def network_api(self):
        """The Neutron client (stratus.network.neutron.NeutronAPI)."""
        if self._network_api is not None:
            return self._network_api
        from stratus.api import network_client
        return network_client.network_api(self.conf, self.databases)

    @functools.cached_property
    def volume_api(self):
        """The Cinder client (stratus.volume.cinder.CinderAPI), made when
        first used."""
        if self._volume_api is not None:
            return self._volume_api
        from stratus.api import volume_client
        return volume_client.volume_api(self.conf, self.databases)

    def handle(self, req):
        template, methods, _ = self.router.match(req.path_info)
        if template is None:
            found = _URL_PROJECT.match(req.path_info)
            if found and self._url_project.fullmatch(found.group(1)):
                rest = "/v2.1" + (found.group(2) or "")
                template, methods, _ = self.router.match(rest)
                if template is not None:
                    req.environ["stratus.url_project_id"] = found.group(1)
                    req.path_info = rest
        if template in routes.REMOVED and req.method not in methods:
            # Only what Nova answers 410 is gone; the rest never existed.
            raise errors.not_found("The resource could not be found.")
        if req.method in ("GET", "HEAD"):
            with db_api.shared_readers():
                return super().handle(req)
        return super().handle(req)

    def prepare(self, req, template):
        if template in routes.UNVERSIONED:
            return
        req.api_version = microversion.parse(req.headers)
        if template in routes.UNAUTHENTICATED:
            return
        req.context = self.authenticator.authenticate(req, self.databases)
        url_project = req.environ.get("stratus.url_project_id")
        if url_project is not None and url_project != req.context.project_id:
            raise errors.bad_request(
                "Malformed request URL: URL's project_id '%s' doesn't match "
                "Context's project_id '%s'" % (url_project,
                                               req.context.project_id))

    def finish(self, req, response):
        request_id = req.environ.get("openstack.request_id")
        response.headers["x-openstack-request-id"] = request_id
        response.headers["x-compute-request-id"] = request_id
        if req.environ.get("stratus.route") not in routes.UNVERSIONED:
            version = microversion.to_string(req.api_version)
            response.headers[microversion.HEADER] = "compute " + version
            response.headers[microversion.LEGACY_HEADER] = version
            response.headers["Vary"] = VARY


def make_app(conf, databases, messaging, token_validator=None,
             image_api=None, network_api=None, volume_api=None):
    return make_apps(conf, databases, messaging, token_validator, image_api,
                     network_api, volume_api)[0]


def make_apps(conf, databases, messaging, token_validator=None,
              image_api=None, network_api=None, volume_api=None):
    """(served, in_process): the app to serve over HTTP (behind
    keystonemiddleware in keystone mode), and the same app for callers in
    this process (stratus.rest_transport.DirectTransport)."""
    app = ComputeApp(conf, databases, messaging, token_validator, image_api,
                     network_api, volume_api)
    return auth.wrap_with_keystone(
        conf, app, public_paths=routes.UNAUTHENTICATED), app
