"""The built-in Identity v3 WSGI application."""
import webob.exc

from stratus.api import errors
from stratus.api.identity import routes
from stratus.api import wsgi
from stratus import context as stratus_context
from stratus.identity import store
from stratus.identity import tokens


class IdentityApp(wsgi.Application):
    """Handlers find ``conf``, ``store`` (users, projects, roles) and
    ``tokens`` (the TokenProvider) on ``req.app``; the caller's Token is in
    ``req.environ["stratus.identity.token"]``."""

    def __init__(self, conf, databases):
        self.conf = conf
        self.databases = databases
        self.tokens = tokens.TokenProvider.from_conf(conf, databases)
        self.store = store.IdentityStore(databases, self.tokens.revocations)
        self.router = wsgi.Router(routes.resolve())

    def prepare(self, req, template):
        method = "GET" if req.method == "HEAD" else req.method
        if (template, method) in routes.PUBLIC:
            return
        token = self.tokens.validate(req.headers.get("X-Auth-Token"))
        req.environ["stratus.identity.token"] = token
        req.context = stratus_context.RequestContext(
            user_id=token.user_id, user_name=token.user_name,
            project_id=token.project_id, project_name=token.project_name,
            roles=list(token.roles), is_admin="admin" in token.roles,
            auth_token=req.headers.get("X-Auth-Token"),
            request_id=req.environ.get("openstack.request_id"),
            databases=self.databases, overwrite=False)

    def finish(self, req, response):
        response.headers["x-openstack-request-id"] = req.environ.get(
            "openstack.request_id")
        response.headers["Vary"] = "X-Auth-Token"

    def error_response(self, req, exc):
        """Keystone's error body: {"error": {"code", "title", "message"}}."""
        status, message = errors.status_and_message(
            exc, req.environ.get("openstack.request_id"))
        error_class = webob.exc.status_map.get(status)
        title = error_class.title if error_class else "Error"
        headers = {}
        if status == 401:
            headers["WWW-Authenticate"] = 'Keystone uri="%s"' % (
                req.application_url)
        if status == 405:
            _, methods, _ = self.router.match(req.path_info)
            headers["Allow"] = ", ".join(sorted(methods))
        return wsgi.json_response(req, {"error": {
            "code": status, "title": title, "message": message}},
            status=status, headers=headers)


def make_app(conf, databases):
    return IdentityApp(conf, databases)
