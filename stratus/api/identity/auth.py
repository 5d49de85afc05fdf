"""/v3/auth: issue, validate and revoke tokens; the caller's catalog and
projects.

Tokens are project-scoped, domain-scoped (for users holding a role on the
domain, as the admin user does) or unscoped; there are no system-scoped
tokens. Without a scope, the user's default project is used when they
hold a role on it, as Keystone does.
"""
import jsonschema

from stratus.api.identity import access
from stratus.api.identity import catalog
from stratus.api.identity import views
from stratus.api.schemas import identity as schema
from stratus.api import validation
from stratus.api import wsgi
from stratus import exception
from stratus.identity import app_credentials
from stratus.identity import store as identity_store
from stratus.identity import exception as identity_exception

SUBJECT_TOKEN = "X-Subject-Token"


def _time(value):
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def token_body(req, token, with_catalog=True):
    domain = views.domain_ref(identity_store.DEFAULT_DOMAIN)
    body = {
        "methods": list(token.methods),
        "user": {"id": token.user_id, "name": token.user_name,
                 "domain": domain, "password_expires_at": None},
        "audit_ids": list(token.audit_ids),
        "issued_at": _time(token.issued_at),
        "expires_at": _time(token.expires_at),
    }
    if token.is_scoped:
        body["project"] = {"id": token.project_id,
                           "name": token.project_name, "domain": domain}
        body["is_domain"] = False
    elif token.is_domain_scoped:
        body["domain"] = {"id": token.domain_id, "name": token.domain_name}
    if token.application_credential:
        credential_id, name, restricted = token.application_credential
        body["application_credential"] = {
            "id": credential_id, "name": name, "restricted": restricted}
    if token.is_scoped or token.is_domain_scoped:
        body["roles"] = [{"id": role.id, "name": role.name} for role in
                         req.app.store.roles_named(token.roles)]
        if with_catalog:
            body["catalog"] = _catalog_of(req, token)
    return {"token": body}


def _catalog_of(req, token):
    """The catalog a scoped token carries: without a project, endpoints
    whose URL needs one are left out, as Keystone leaves them."""
    if token.is_scoped:
        return catalog.build_catalog(req.app.conf, token.project_id)
    return catalog.build_catalog(req.app.conf, without_project=True)


def _user_by_password(store, ref):
    try:
        if "id" in ref:
            user = store.get_user(ref["id"])
        else:
            domain = store.find_domain(ref["domain"])
            user = store.find_user(ref["name"], domain.id)
    except exception.NotFound:
        raise exception.Unauthorized()
    if not user.enabled or not store.check_password(user, ref["password"]):
        raise exception.Unauthorized()
    return user


def _scope(store, user, scope):
    """(project or None, domain or None, role names) the new token is
    scoped to."""
    if scope is None:
        if user.default_project_id:
            try:
                project = store.get_project(user.default_project_id)
            except exception.NotFound:
                return None, None, []
            roles = store.effective_roles_on_project(user.id, project.id)
            if project.enabled and roles:
                return project, None, [role.name for role in roles]
        return None, None, []
    if scope == "unscoped" or "unscoped" in scope:
        return None, None, []
    if "domain" in scope:
        return (None,) + _domain_scope(store, user, scope["domain"])
    if "project" not in scope:
        raise exception.Unauthorized(
            "The built-in identity service issues project-scoped, "
            "domain-scoped and unscoped tokens only.")
    ref = scope["project"]
    try:
        if "id" in ref:
            project = store.get_project(ref["id"])
        else:
            project = store.find_project(
                ref["name"], store.find_domain(ref["domain"]).id)
    except exception.NotFound as exc:
        raise exception.Unauthorized(exc.format_message())
    roles = store.effective_roles_on_project(user.id, project.id)
    if not project.enabled or not roles:
        raise identity_exception.NoProjectAccess(user_id=user.id, project_id=project.id)
    return project, None, [role.name for role in roles]


def _domain_scope(store, user, ref):
    """(domain, role names) of a domain scope: 401 unless the user holds a
    role on the domain, as in Keystone."""
    try:
        domain = store.find_domain(ref)
    except exception.NotFound as exc:
        raise exception.Unauthorized(exc.format_message())
    roles = store.effective_roles_on_domain(user.id, domain.id)
    if not domain.enabled or not roles:
        raise identity_exception.NoDomainAccess(user_id=user.id,
                                                domain_id=domain.id)
    return domain, [role.name for role in roles]


_AUTH_VALIDATOR = jsonschema.Draft202012Validator(schema.create_token)


def _auth_request(req):
    """The request's auth document, validated. Messages name the failing
    place but never echo values: they would include passwords."""
    document = req.json_document()
    error = jsonschema.exceptions.best_match(
        _AUTH_VALIDATOR.iter_errors(document))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path)
        detail = (error.message if error.validator == "required"
                  else "it does not match the schema ('%s')" % error.validator)
        raise exception.ValidationError(field=where or "body", detail=detail)
    return document["auth"]


@validation.query_schema(schema.token_query)
def create_token(req):
    store = req.app.store
    auth = _auth_request(req)
    identity = auth["identity"]
    methods = identity["methods"]
    if "password" in methods and "password" in identity:
        user = _user_by_password(store, identity["password"]["user"])
        lineage = dict(methods=["password"])
    elif ("application_credential" in methods
          and "application_credential" in identity):
        if auth.get("scope") is not None:
            raise exception.Unauthorized(
                "An application credential's token is scoped to its "
                "project: a scope may not be requested.")
        names, keywords = _by_application_credential(
            req, identity["application_credential"])
        return _token_response(req, *names, **keywords)
    elif "token" in methods and "token" in identity:
        parent = req.app.tokens.validate(identity["token"]["id"])
        try:
            user = store.get_user(parent.user_id)
        except exception.NotFound:
            raise exception.Unauthorized()
        lineage = dict(methods=sorted(set(parent.methods) | {"token"}),
                       expires_at=parent.expires_at,
                       parent_audit_id=parent.audit_ids[-1])
    else:
        raise exception.Unauthorized(
            "Expecting the password or token method with its credentials.")
    project, domain, roles = _scope(store, user, auth.get("scope"))
    return _token_response(
        req, user.id, user.name,
        project_id=project.id if project else None,
        project_name=project.name if project else None,
        domain_id=domain.id if domain else None,
        domain_name=domain.name if domain else None,
        roles=roles, **lineage)


def _token_response(req, *args, **kwargs):
    token_id, token = req.app.tokens.issue(*args, **kwargs)
    return wsgi.json_response(
        req, token_body(req, token, "nocatalog" not in req.GET), status=201,
        headers={SUBJECT_TOKEN: token_id})


def _by_application_credential(req, ref):
    """(user id, user name) and the issue() keywords of a token for an
    application credential: its project and roles, if its secret matches,
    it has not expired and its user still holds those roles there."""
    store = req.app.store
    credentials = app_credentials.AppCredentialStore(req.app.databases)
    try:
        if "id" in ref:
            credential = credentials.get(None, ref["id"])
        else:
            user_ref = ref["user"]
            user = (store.get_user(user_ref["id"]) if "id" in user_ref
                    else store.find_user(
                        user_ref["name"],
                        store.find_domain(user_ref["domain"]).id))
            credential = credentials.find(user.id, ref["name"])
        user = store.get_user(credential.user_id)
        project = store.get_project(credential.project_id)
    except exception.NotFound:
        raise exception.Unauthorized()
    if (not credentials.check_secret(credential, ref["secret"])
            or app_credentials.is_expired(credential)
            or not user.enabled or not project.enabled):
        raise exception.Unauthorized()
    held = {role.id for role in store.effective_roles_on_project(
        user.id, project.id)}
    if not set(credential.role_ids) <= held:
        raise exception.Unauthorized(
            "The user no longer holds the application credential's roles.")
    granted = store.roles_by_id(credential.role_ids)
    roles = store.with_implied_roles(granted)
    expires_at = None
    if credential.expires_at is not None:
        expires_at = min(credential.expires_at,
                         req.app.tokens.default_expiry())
    return (user.id, user.name), dict(
        project_id=project.id, project_name=project.name,
        roles=[role.name for role in roles],
        methods=["application_credential"], expires_at=expires_at,
        application_credential=(credential.id, credential.name,
                                not credential.unrestricted))


def _subject(req):
    token_id = req.headers.get(SUBJECT_TOKEN, "")
    try:
        token = req.app.tokens.validate(token_id)
    except identity_exception.InvalidToken:
        raise identity_exception.TokenNotFound(token_id=token_id)
    access.require_admin_or_user(req, token.user_id)
    return token_id, token


@validation.query_schema(schema.token_query)
def validate_token(req):
    """GET and HEAD: the subject token, if it is still valid."""
    token_id, token = _subject(req)
    return wsgi.json_response(
        req, token_body(req, token, "nocatalog" not in req.GET),
        headers={SUBJECT_TOKEN: token_id})


def revoke_token(req):
    _, token = _subject(req)
    req.app.tokens.revoke(token)
    return wsgi.empty_response(req)


def show_catalog(req):
    token = req.environ["stratus.identity.token"]
    if not (token.is_scoped or token.is_domain_scoped):
        raise exception.NotAuthorized(
            "A scoped token is required to produce a service catalog.")
    return wsgi.json_response(req, {
        "catalog": _catalog_of(req, token),
        "links": {"self": req.path_url, "previous": None, "next": None}})


def list_auth_projects(req):
    projects = req.app.store.projects_of_user(req.context.user_id)
    return views.collection(req, "projects", [
        views.project(req, project) for project in projects
        if project.enabled])


def list_auth_domains(req):
    """The domains the caller may scope a token to."""
    return views.collection(req, "domains", [
        views.domain(req, domain) for domain
        in req.app.store.domains_of_user(req.context.user_id)
        if domain.enabled])
