"""/v3/users. Attributes without a column (email, description ...) are
kept and shown as they were given, as Keystone does."""
from stratus.api.identity import access
from stratus.api.identity import views
from stratus.api.schemas import identity as schema
from stratus.api import validation
from stratus.api import wsgi
from stratus import exception

_CORE = ("name", "domain_id", "password", "enabled", "default_project_id")
_IGNORED = ("id", "links", "options")


def _check_default_project(req, core):
    project_id = core.get("default_project_id")
    if project_id is not None:
        try:
            req.app.store.get_project(project_id)
        except exception.NotFound as exc:
            raise exception.Invalid(exc.format_message())


@validation.query_schema(schema.list_filters)
def list_users(req):
    access.require_admin(req)
    users = req.app.store.list_users(
        **views.filters(req, "name", "domain_id", "enabled"))
    return views.collection(req, "users", [views.user(req, user)
                                           for user in users])


def show_user(req, user_id):
    access.require_admin_or_user(req, user_id)
    user = req.app.store.get_user(user_id)
    return wsgi.json_response(req, {"user": views.user(req, user)})


@validation.schema(schema.create_user)
def create_user(req):
    access.require_admin(req)
    core, extra = views.split(req.json_document()["user"], _CORE,
                              _IGNORED)
    _check_default_project(req, core)
    user = req.app.store.create_user(extra=extra, **core)
    return wsgi.json_response(req, {"user": views.user(req, user)},
                              status=201)


@validation.schema(schema.update_user)
def update_user(req, user_id):
    access.require_admin(req)
    core, extra = views.split(req.json_document()["user"], _CORE,
                              _IGNORED)
    if core.pop("domain_id", "default") != "default":
        raise exception.Invalid("A user cannot move to another domain.")
    _check_default_project(req, core)
    user = req.app.store.update_user(user_id, dict(extra, **core))
    return wsgi.json_response(req, {"user": views.user(req, user)})


def delete_user(req, user_id):
    access.require_admin(req)
    req.app.store.delete_user(user_id)
    return wsgi.empty_response(req)


@validation.schema(schema.change_password)
def change_password(req, user_id):
    access.require_admin_or_user(req, user_id)
    body = req.json_document()["user"]
    store = req.app.store
    if not store.check_password(store.get_user(user_id),
                                body["original_password"]):
        raise exception.Unauthorized()
    store.update_user(user_id, {"password": body["password"]})
    return wsgi.empty_response(req)


def list_user_projects(req, user_id):
    access.require_admin_or_user(req, user_id)
    req.app.store.get_user(user_id)
    return views.collection(req, "projects", [
        views.project(req, project)
        for project in req.app.store.projects_of_user(user_id)])
