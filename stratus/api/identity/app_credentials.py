"""/v3/users/{user_id}/application_credentials[/{id}] (Horizon's Identity →
Application Credentials panel, `openstack application credential ...`).

As Keystone's defaults: a user manages their own (an administrator may
read and delete anyone's); one is created with a project-scoped token, for
that project and some of the token's roles; a token issued by a restricted
application credential may not create another.
"""
import datetime

from stratus.api.identity import access
from stratus.api.identity import views
from stratus.api.schemas import identity as schema
from stratus.api import validation
from stratus.api import wsgi
from stratus import exception
from stratus.identity import app_credentials
from stratus.identity import exception as identity_exception


def _store(req):
    return app_credentials.AppCredentialStore(req.app.databases)


def _time(value):
    return None if value is None else value.strftime(
        "%Y-%m-%dT%H:%M:%S.%f")


def view(req, credential, roles=None, secret=None):
    roles = roles if roles is not None else req.app.store.roles_by_id(
        credential.role_ids)
    body = {"id": credential.id, "name": credential.name,
            "description": credential.description,
            "user_id": credential.user_id,
            "project_id": credential.project_id,
            "expires_at": _time(credential.expires_at),
            "unrestricted": credential.unrestricted,
            "roles": [{"id": role.id, "name": role.name, "domain_id": None}
                      for role in roles],
            "access_rules": [],
            "links": {"self": views.url(req, "users", credential.user_id,
                                        "application_credentials",
                                        credential.id)}}
    if secret is not None:
        body["secret"] = secret
    return body


def _expiry(text):
    if text is None:
        return None
    try:
        value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise exception.ValidationError(field="expires_at",
                                        detail="it is not a time")
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    if value <= datetime.datetime.now(datetime.timezone.utc):
        raise exception.ValidationError(field="expires_at",
                                        detail="it is in the past")
    return value


def _requested_roles(req, token, wanted):
    """The roles the new credential carries: those asked for (by id or
    name), each one the creating token carries; all of them when none are
    named (an empty list included, as Keystone reads it)."""
    held = req.app.store.roles_named(token.roles)
    if not wanted:
        return held
    chosen = []
    for ref in wanted:
        match = [role for role in held
                 if role.id == ref.get("id", role.id)
                 and role.name == ref.get("name", role.name)]
        if not match:
            raise identity_exception.Forbidden(
                action="delegate a role the token does not carry")
        if match[0] not in chosen:
            chosen.append(match[0])
    return chosen


@validation.schema(schema.create_application_credential)
def create_application_credential(req, user_id):
    token = req.environ["stratus.identity.token"]
    if token.user_id != user_id:
        raise identity_exception.Forbidden(
            action="create an application credential for another user")
    if not token.is_scoped:
        raise identity_exception.Forbidden(
            action="create an application credential without a "
                   "project-scoped token")
    if token.application_credential and token.application_credential[2]:
        raise identity_exception.Forbidden(
            action="create an application credential with a restricted "
                   "application credential")
    fields = req.json_document()["application_credential"]
    roles = _requested_roles(req, token, fields.get("roles"))
    secret = fields.get("secret") or app_credentials.new_secret()
    credential = _store(req).create(
        user_id, token.project_id, fields["name"], secret,
        [role.id for role in roles], description=fields.get("description"),
        expires_at=_expiry(fields.get("expires_at")),
        unrestricted=fields.get("unrestricted", False))
    return wsgi.json_response(req, {"application_credential": view(
        req, credential, roles, secret)}, status=201)


@validation.query_schema(schema.list_application_credentials_query)
def list_application_credentials(req, user_id):
    access.require_admin_or_user(req, user_id)
    req.app.store.get_user(user_id)
    found = _store(req).list(user_id, name=req.GET.get("name"))
    return views.collection(req, "application_credentials", [
        view(req, credential) for credential in found])


def show_application_credential(req, user_id, credential_id):
    access.require_admin_or_user(req, user_id)
    credential = _store(req).get(user_id, credential_id)
    return wsgi.json_response(req, {"application_credential": view(
        req, credential)})


def delete_application_credential(req, user_id, credential_id):
    access.require_admin_or_user(req, user_id)
    _store(req).delete(user_id, credential_id)
    return wsgi.empty_response(req)
