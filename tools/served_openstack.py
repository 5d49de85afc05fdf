"""What tools/neutron_serve.py and tools/cinder_serve.py share: Stratus's
noauth tokens ('user:project') in place of keystonemiddleware's authtoken
filter, the service's api-paste.ini rewritten to use them, and a threaded
WSGI server on 127.0.0.1. It runs in the Python of the service's own venv
(no Stratus import), found on sys.path beside the two scripts.
"""
import os
import socketserver
from wsgiref import simple_server

# What keystonemiddleware sets once it has validated a token; a client's
# own copies are dropped before the token is read.
_IDENTITY_HEADERS = ("HTTP_X_USER", "HTTP_X_PROJECT", "HTTP_X_TENANT",
                     "HTTP_X_ROLES", "HTTP_X_SERVICE_", "HTTP_X_IDENTITY")
_NO_TOKEN = b'{"unauthorized": {"code": 401, "message": "no token"}}'


class StratusTokens:
    """paste filter: a noauth token of Stratus as the headers
    keystonemiddleware would pass on; the service's keystonecontext and
    policies then apply as with Keystone. A request without a token is
    refused (401). admin_roles: the roles of the user named admin.
    service_tokens: an administrator's X-Service-Token (or an
    administrator's own token) is passed on as a service token, as
    Nova's service user sends one."""

    admin_roles = "admin,member,reader"
    service_tokens = False

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        # Read before the client's identity headers go (X-Service-Token
        # is one of them).
        service = environ.get("HTTP_X_SERVICE_TOKEN", "")
        for name in [name for name in environ
                     if name.startswith(_IDENTITY_HEADERS)]:
            environ.pop(name)
        user, _, project = environ.get("HTTP_X_AUTH_TOKEN", "").partition(":")
        if not (user and project):
            start_response("401 Unauthorized",
                           [("Content-Type", "application/json")])
            return [_NO_TOKEN]
        admin = user == "admin"
        environ["HTTP_X_IDENTITY_STATUS"] = "Confirmed"
        environ["HTTP_X_USER_ID"] = user
        environ["HTTP_X_PROJECT_ID"] = environ["HTTP_X_TENANT_ID"] = project
        environ["HTTP_X_ROLES"] = self.admin_roles if admin else "member,reader"
        if self.service_tokens:
            self._service_token(environ, service, user, project, admin)
        return self.app(environ, start_response)

    @staticmethod
    def _service_token(environ, service, user, project, admin):
        service_user, _, service_project = service.partition(":")
        if service_user != "admin":
            service_user, service_project = (
                (user, project) if admin else (None, None))
        if service_user:
            environ["HTTP_X_SERVICE_IDENTITY_STATUS"] = "Confirmed"
            environ["HTTP_X_SERVICE_ROLES"] = "service,admin"
            environ["HTTP_X_SERVICE_USER_ID"] = service_user
            environ["HTTP_X_SERVICE_PROJECT_ID"] = service_project


def write_api_paste(shipped, state_dir, factory):
    """The service's api-paste.ini (shipped) with the paste filter factory
    factory ('module:function') in place of authtoken, in state_dir."""
    with open(shipped) as source:
        text = source.read()
    text = text.replace(" authtoken keystonecontext ",
                        " stratustokens keystonecontext ")
    text += "\n[filter:stratustokens]\npaste.filter_factory = %s\n" % factory
    with open(os.path.join(state_dir, "api-paste.ini"), "w") as target:
        target.write(text)


class _Server(socketserver.ThreadingMixIn, simple_server.WSGIServer):
    daemon_threads = True


class _Quiet(simple_server.WSGIRequestHandler):
    def log_message(self, *args):
        pass


def make_server(app, port):
    """A threaded WSGI server of app on 127.0.0.1:port (0: any free)."""
    return simple_server.make_server("127.0.0.1", port, app,
                                     server_class=_Server,
                                     handler_class=_Quiet)
