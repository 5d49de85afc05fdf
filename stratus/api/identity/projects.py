"""/v3/projects. Projects live in the one domain and have no hierarchy."""
from stratus.api.identity import access
from stratus.api.identity import views
from stratus.api.schemas import identity as schema
from stratus.api import validation
from stratus.api import wsgi
from stratus import exception

_IGNORED = ("id", "links", "is_domain", "parent_id")


@validation.query_schema(schema.list_filters)
def list_projects(req):
    access.require_admin(req)
    projects = req.app.store.list_projects(
        **views.filters(req, "name", "domain_id", "enabled"))
    return views.collection(req, "projects", [
        views.project(req, project) for project in projects])


def show_project(req, project_id):
    access.require_admin_or_member(req, project_id)
    project = req.app.store.get_project(project_id)
    return wsgi.json_response(req, {"project": views.project(req, project)})


def _check_parent(fields):
    parent_id = fields.get("parent_id")
    if parent_id not in (None, fields.get("domain_id", "default")):
        raise exception.Invalid(
            "Projects of the built-in identity service have no parent "
            "project.")


@validation.schema(schema.create_project)
def create_project(req):
    access.require_admin(req)
    fields = dict(req.json_document()["project"])
    _check_parent(fields)
    core = {key: fields.pop(key) for key in
            ("name", "domain_id", "description", "enabled") if key in fields}
    for key in _IGNORED:
        fields.pop(key, None)
    project = req.app.store.create_project(extra=fields, **core)
    return wsgi.json_response(req, {"project": views.project(req, project)},
                              status=201)


@validation.schema(schema.update_project)
def update_project(req, project_id):
    access.require_admin(req)
    changes = dict(req.json_document()["project"])
    if changes.get("domain_id", "default") != "default":
        raise exception.Invalid("A project cannot move to another domain.")
    _check_parent(changes)
    for key in _IGNORED + ("domain_id",):
        changes.pop(key, None)
    project = req.app.store.update_project(project_id, changes)
    return wsgi.json_response(req, {"project": views.project(req, project)})


def delete_project(req, project_id):
    access.require_admin(req)
    req.app.store.delete_project(project_id)
    return wsgi.empty_response(req)
