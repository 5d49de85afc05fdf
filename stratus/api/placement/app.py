"""The Placement API WSGI application."""
import datetime
import email.utils

import webob.exc

from stratus.api import auth
from stratus.api import errors
from stratus.api import microversion
from stratus.api import wsgi
from stratus.api.placement import root
from stratus.api.placement import routes
from stratus.placement import errors as codes
from stratus import policy

SERVICE_TYPE = "placement"


class PlacementApp(wsgi.Application):
    """Handlers find ``conf``, ``databases`` and ``policy`` on
    ``req.app`` and the caller's RequestContext on ``req.context``."""

    def __init__(self, conf, databases, token_validator=None):
        self.conf = conf
        self.databases = databases
        self.policy = policy.Policy(conf)
        if conf.api.auth_strategy == "builtin" and token_validator is None:
            from stratus.identity import tokens
            token_validator = tokens.validator_from_conf(conf, databases)
        self.authenticator = auth.make_authenticator(conf, token_validator)
        self.router = wsgi.Router(routes.resolve())

    def handle(self, req):
        req.api_version = root.MIN_VERSION
        req.api_version = microversion.parse(
            req.headers, min_version=root.MIN_VERSION,
            max_version=root.MAX_VERSION, service_type=SERVICE_TYPE,
            legacy_headers=())
        return super().handle(req)

    def prepare(self, req, template):
        if template in routes.UNAUTHENTICATED:
            return
        req.context = self.authenticator.authenticate(req, self.databases)

    def finish(self, req, response):
        response.headers["x-openstack-request-id"] = req.environ.get(
            "openstack.request_id")
        response.headers[microversion.HEADER] = "%s %s" % (
            SERVICE_TYPE, microversion.to_string(req.api_version))
        response.headers["Vary"] = microversion.HEADER
        if (req.method == "GET" and response.status_int == 200
                and req.api_version >= (1, 15)):
            response.headers["Cache-Control"] = "no-cache"
            response.headers["Last-Modified"] = email.utils.format_datetime(
                datetime.datetime.now(datetime.timezone.utc), usegmt=True)

    def error_response(self, req, exc):
        """Placement's error body: {"errors": [{status, title, detail,
        request_id, and from 1.23 a machine-readable code}]}."""
        request_id = req.environ.get("openstack.request_id")
        status, message = errors.status_and_message(exc, request_id)
        error_class = webob.exc.status_map.get(
            status, webob.exc.HTTPInternalServerError)
        error = {"status": status, "title": error_class.title,
                 "detail": message, "request_id": request_id}
        if req.api_version >= (1, 23):
            error["code"] = getattr(exc, "error_code",
                                    codes.DEFAULT)
        headers = {}
        if status == 405:
            _, methods, _ = self.router.match(req.path_info)
            if methods:
                headers["Allow"] = ", ".join(sorted(methods))
        return wsgi.json_response(req, {"errors": [error]}, status=status,
                                  headers=headers)


def make_app(conf, databases, token_validator=None):
    return auth.wrap_with_keystone(
        conf, PlacementApp(conf, databases, token_validator),
        public_paths=routes.UNAUTHENTICATED)
