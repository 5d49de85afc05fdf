"""Who is asking: turn a request's credentials into a RequestContext.

Three strategies ([api] auth_strategy): ``keystone``, the default as in
Nova (keystonemiddleware in front of the app; we read the identity headers
it sets), ``builtin`` (tokens of Stratus's Identity v3 service, validated
in-process; the all-in-one's default) and ``noauth`` (token 'user:project';
admin if the user is 'admin'; an X-Roles header may narrow the roles; for
development and tests only, chosen explicitly and announced in the log).
"""
import copy
import json
import logging

from stratus import context as stratus_context
from stratus import exception
from stratus import rest_transport

LOG = logging.getLogger(__name__)

# keystonemiddleware's auth_token puts its token plugin here: proof that it
# ran in front of the app and that the X-User-Id/X-Roles headers are its own
# (it strips any a client sent).
_KEYSTONE_VERIFIED = "keystone.token_auth"


def _context(req, databases, **values):
    return stratus_context.RequestContext(
        request_id=req.environ.get("openstack.request_id"),
        global_request_id=req.environ.get("openstack.global_request_id"),
        auth_token=req.headers.get("X-Auth-Token"),
        databases=databases, overwrite=False, **values)


class NoAuth:
    def authenticate(self, req, databases):
        token = req.headers.get("X-Auth-Token", "")
        user_id, sep, project_id = token.partition(":")
        if not token or not user_id:
            raise exception.Unauthorized()
        if not sep:
            project_id = user_id
        is_admin = user_id == "admin"
        roles = (["admin", "member", "reader"] if is_admin
                 else ["member", "reader"])
        if req.headers.get("X-Roles"):
            roles = [r.strip().lower() for r in req.headers["X-Roles"].split(",")
                     if r.strip()]
            is_admin = "admin" in roles
        return _context(req, databases, user_id=user_id,
                        project_id=project_id, is_admin=is_admin,
                        roles=roles, user_name=user_id,
                        project_name=project_id)


class BuiltinAuth:
    """Tokens issued by stratus.api.identity, validated without HTTP."""

    def __init__(self, token_validator):
        self.validate = token_validator

    def authenticate(self, req, databases):
        token = req.headers.get("X-Auth-Token")
        if not token:
            raise exception.Unauthorized()
        info = self.validate(token)
        if info is None or not info.get("project_id"):
            raise exception.Unauthorized()
        roles = [r.lower() for r in info.get("roles", [])]
        return _context(req, databases, user_id=info["user_id"],
                        project_id=info["project_id"],
                        is_admin="admin" in roles, roles=roles,
                        user_name=info.get("user_name"),
                        project_name=info.get("project_name"))


class KeystoneAuth:
    """Reads the headers keystonemiddleware's auth_token sets."""

    def authenticate(self, req, databases):
        if (req.environ.get(_KEYSTONE_VERIFIED) is None
                or req.headers.get("X-Identity-Status") != "Confirmed"):
            raise exception.Unauthorized()
        user_id = req.headers.get("X-User-Id") or req.headers.get("X-User")
        project_id = (req.headers.get("X-Project-Id")
                      or req.headers.get("X-Tenant-Id"))
        if not user_id:
            raise exception.Unauthorized()
        roles = [r.strip().lower() for r in
                 req.headers.get("X-Roles", "").split(",") if r.strip()]
        return _context(req, databases, user_id=user_id,
                        project_id=project_id, is_admin="admin" in roles,
                        roles=roles,
                        user_name=req.headers.get("X-User-Name"),
                        project_name=req.headers.get("X-Project-Name"),
                        service_catalog=_catalog(req))


def _catalog(req):
    """The token's service catalog keystonemiddleware passes along (where
    Glance is, for one)."""
    try:
        catalog = json.loads(req.headers.get("X-Service-Catalog") or "[]")
    except ValueError:
        return []
    return catalog if isinstance(catalog, list) else []


class InProcess:
    """The RequestContext an in-process caller put in the WSGI environ
    (stratus.rest_transport.DirectTransport: it was authenticated where
    its request came in; no HTTP request can set an environ key), else
    what the wrapped authenticator makes of the request."""

    def __init__(self, authenticator):
        self.authenticator = authenticator

    def authenticate(self, req, databases):
        ctx = req.environ.get(rest_transport.DIRECT_CONTEXT)
        if ctx is not None:
            if ctx.databases is None and databases is not None:
                # The caller's identity with this app's databases, as a
                # service receiving RPC re-attaches its own (a compute's
                # context reaches the compute API through the block
                # storage service's events).
                ctx = copy.copy(ctx)
                ctx.databases = databases
            return ctx
        return self.authenticator.authenticate(req, databases)


def make_authenticator(conf, token_validator=None, databases=None):
    """The authenticator of [api] auth_strategy; with builtin auth and no
    token_validator, one reading the identity tables of databases (of the
    config's when None)."""
    strategy = conf.api.auth_strategy
    if strategy == "noauth":
        LOG.warning("[api] auth_strategy = noauth: requests are NOT "
                    "authenticated. Any token 'user:project' is accepted "
                    "and 'admin:<anything>' is an administrator. Use it for "
                    "development and tests only.")
        return NoAuth()
    if strategy == "builtin":
        if token_validator is None:
            from stratus.identity import tokens
            token_validator = tokens.validator_from_conf(conf, databases)
        return BuiltinAuth(token_validator)
    return KeystoneAuth()


class _PublicPaths:
    """keystonemiddleware in front of every path but the public ones (the
    version documents), which go straight to the app, as in Nova's and
    Placement's paste pipelines: a client discovers versions without a
    token."""

    def __init__(self, app, protected, public_paths):
        self.app = app
        self.protected = protected
        self.public_paths = frozenset(path.rstrip("/")
                                      for path in public_paths)

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "").rstrip("/")
        if path in self.public_paths:
            return self.app(environ, start_response)
        return self.protected(environ, start_response)


def wrap_with_keystone(conf, app, public_paths=()):
    """Put keystonemiddleware's auth_token in front of app (keystone mode);
    public_paths (route templates such as "/" or "/v2.1", with or without
    a trailing slash) are served without it."""
    if conf.api.auth_strategy != "keystone":
        return app
    from keystonemiddleware import auth_token
    protocol = auth_token.AuthProtocol(app, {"oslo_config_config": conf})
    if not keystone_configured(conf):
        # keystonemiddleware would fail on every request with a traceback;
        # without it in front, KeystoneAuth refuses every request (401).
        LOG.error("[api] auth_strategy = keystone but [keystone_authtoken] "
                  "names no Keystone (auth_type, auth_url and the service "
                  "user): every request is refused (401). Configure "
                  "it, or choose [api] auth_strategy = builtin.")
        return app
    if public_paths:
        return _PublicPaths(app, protocol, public_paths)
    return protocol


def keystone_configured(conf):
    """Whether [keystone_authtoken] gives keystonemiddleware a way to
    validate tokens: an auth plugin, there or in its auth_section."""
    group = conf.keystone_authtoken
    return bool(group.auth_type or group.auth_section)
