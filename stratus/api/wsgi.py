"""The WSGI machinery shared by the Compute, Placement, Identity and Image
APIs: request objects, the route table dispatcher, JSON responses and the
one place where exceptions become error bodies.

An API is a route table (data: ``{path template: {METHOD: handler}}``) and
a handler per noun and verb: ``handler(req, **path_params) -> Response``.
"""
import json
import logging
import re
import uuid

import webob
import webob.dec
import webob.exc

from stratus.api import errors
from stratus.api import input_guard
from stratus import exception
from stratus import log

LOG = logging.getLogger(__name__)

_GLOBAL_ID = re.compile(r"^req-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$")


class Request(webob.Request):
    """A request with its context, microversion and the serving app."""

    context = None
    api_version = (2, 1)
    app = None

    def json_body_or_none(self):
        if not self.body:
            return None
        return self.json_document()

    def json_document(self):
        cached = self.environ.get("stratus.json_body", self)
        if cached is not self:
            return cached
        if not self.body:
            raise exception.Invalid("Malformed request body")
        document = input_guard.parse_json(self.body)
        self.environ["stratus.json_body"] = document
        return document

    def query_dict(self):
        """The query string as {name: [values]}, the shape query schemas use."""
        result = {}
        for key, value in self.GET.items():
            result.setdefault(key, []).append(value)
        return result

    def authorize(self, rule, target=None):
        self.app.policy.authorize(self.context, rule, target)

    def can(self, rule, target=None):
        return self.app.policy.check(self.context, rule, target)

    def base_url(self, prefix_option=None):
        if prefix_option:
            return prefix_option.rstrip("/")
        return self.host_url


def json_response(req, body, status=200, headers=None):
    response = webob.Response(status=status, content_type="application/json",
                              charset="utf-8")
    response.body = json.dumps(body, default=_json_default).encode("utf-8")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def empty_response(req, status=204, headers=None):
    response = webob.Response(status=status)
    response.content_type = None
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def dispatch_action(req, actions, *args):
    """Run the handler of the one action a POST .../action body names:
    ``actions[name](req, *args)``; 400 for zero, several or unknown."""
    body = req.json_document()
    if not isinstance(body, dict) or len(body) != 1:
        raise errors.bad_request(
            "Malformed request body: there must be exactly one action")
    action = next(iter(body))
    if action not in actions:
        raise errors.bad_request("There is no such action: %s" % action)
    return actions[action](req, *args)


def _json_default(value):
    import datetime
    if isinstance(value, datetime.datetime):
        return isotime(value)
    raise TypeError("%r is not JSON serializable" % (value,))


def isotime(value, microseconds=False):
    """Nova's time format: 2024-01-01T00:00:00Z (no microseconds)."""
    if value is None:
        return None
    if value.tzinfo is not None:
        import datetime
        value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    if microseconds:
        return value.strftime("%Y-%m-%dT%H:%M:%S.%f")
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def resolve_routes(routes, package):
    """Import the handler named by each "module:function" route entry."""
    import importlib
    resolved = {}
    for template, methods in routes.items():
        resolved[template] = {}
        for method, target in methods.items():
            module_name, func_name = target.split(":")
            module = importlib.import_module("%s.%s" % (package, module_name))
            resolved[template][method] = getattr(module, func_name)
    return resolved


class Router:
    """Dispatches by a route table; 404 for unknown paths, 405 for wrong
    methods, both with an error body."""

    _PARAM = re.compile(r"\{(\w+)\}")

    def __init__(self, routes):
        self.routes = []
        for template, methods in routes.items():
            pattern = "^" + self._PARAM.sub(r"(?P<\1>[^/]+)",
                                            re.escape(template).replace(r"\{", "{").replace(r"\}", "}")) + "/?$"
            self.routes.append((re.compile(pattern), template, methods))

    def match(self, path):
        for regex, template, methods in self.routes:
            found = regex.match(path)
            if found:
                return template, methods, found.groupdict()
        return None, None, None


class Application:
    """Base for an API: route table, per-request hooks, error rendering.

    Subclasses set ``router`` and may override ``prepare`` (version
    negotiation, auth) and ``finish`` (response headers), and
    ``error_response`` for their error format.
    """

    router = None
    # (route template, method) pairs whose body is streamed, not parsed:
    # the body size limit does not apply to them.
    streamed_routes = frozenset()
    # Content-Types a request body may have; None: any (the handlers check).
    body_content_types = None

    def __call__(self, environ, start_response):
        request_id = environ.get("openstack.request_id")
        if request_id is None:
            request_id = "req-" + str(uuid.uuid4())
            environ["openstack.request_id"] = request_id
        inbound = environ.get("HTTP_X_OPENSTACK_REQUEST_ID", "")
        if _GLOBAL_ID.match(inbound):
            environ["openstack.global_request_id"] = inbound
        req = Request(environ)
        req.app = self
        log.serving_request(request_id)
        try:
            input_guard.check_url(environ)
            response = self.handle(req)
        except Exception as exc:  # noqa: BLE001 - every error gets a body
            response = self.error_response(req, exc)
        finally:
            log.serving_request(None)
        self.finish(req, response)
        input_guard.latin1_headers(response)
        return response(environ, start_response)

    def handle(self, req):
        template, methods, params = self.router.match(req.path_info)
        if (template, req.method) not in self.streamed_routes:
            input_guard.limit_body(req.environ, input_guard.max_body_size(
                getattr(self, "conf", None)))
        if methods is None:
            raise errors.not_found("The resource could not be found.")
        handler = methods.get(req.method)
        if handler is None:
            if req.method == "HEAD" and "GET" in methods:
                handler = methods["GET"]
            else:
                raise errors.HTTPError(
                    405, "The method %s is not allowed for this resource."
                    % req.method)
        req.environ["stratus.route"] = template
        if self.body_content_types is not None:
            input_guard.check_content_type(req, self.body_content_types)
        self.prepare(req, template)
        return handler(req, **params)

    def prepare(self, req, template):
        """Hook before the handler (versions, auth)."""

    def finish(self, req, response):
        """Hook on every response, errors included."""

    def error_response(self, req, exc):
        status, message = errors.status_and_message(
            exc, req.environ.get("openstack.request_id"))
        headers = {}
        if status == 405:
            template, methods, _ = self.router.match(req.path_info)
            if methods:
                headers["Allow"] = ", ".join(sorted(methods))
        return json_response(req, errors.fault_body(status, message),
                             status=status, headers=headers)
