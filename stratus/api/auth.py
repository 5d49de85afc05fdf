"""Who is asking: turn a request's credentials into a RequestContext.

Three strategies ([api] auth_strategy): ``noauth`` (token 'user:project';
admin if the user is 'admin'; an X-Roles header may narrow the roles, for
tests), ``builtin`` (tokens of Stratus's Identity v3 service, validated
in-process) and ``keystone`` (keystonemiddleware in front of the app; we
read the identity headers it sets).
"""
from stratus import context as stratus_context
from stratus import exception


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
        if req.headers.get("X-Identity-Status", "Confirmed") != "Confirmed":
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
                        project_name=req.headers.get("X-Project-Name"))


def make_authenticator(conf, token_validator=None):
    strategy = conf.api.auth_strategy
    if strategy == "noauth":
        return NoAuth()
    if strategy == "builtin":
        if token_validator is None:
            from stratus.api.identity import tokens
            token_validator = tokens.validator_from_conf(conf)
        return BuiltinAuth(token_validator)
    return KeystoneAuth()


def wrap_with_keystone(conf, app):
    """Put keystonemiddleware's auth_token in front of app (keystone mode)."""
    if conf.api.auth_strategy != "keystone":
        return app
    from keystonemiddleware import auth_token
    return auth_token.AuthProtocol(app, {"oslo_config_config": conf})
