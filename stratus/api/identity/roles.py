"""/v3/roles: global roles only (no domain-specific roles)."""
from stratus.api.identity import access
from stratus.api.identity import views
from stratus.api.schemas import identity as schema
from stratus.api import validation
from stratus.api import wsgi


@validation.query_schema(schema.list_roles_query)
def list_roles(req):
    access.require_admin(req)
    roles = req.app.store.list_roles(**views.filters(req, "name"))
    return views.collection(req, "roles", [views.role(req, role)
                                           for role in roles])


def show_role(req, role_id):
    access.require_admin(req)
    role = req.app.store.get_role(role_id)
    return wsgi.json_response(req, {"role": views.role(req, role)})


@validation.schema(schema.create_role)
def create_role(req):
    access.require_admin(req)
    role = req.app.store.create_role(req.json_document()["role"]["name"])
    return wsgi.json_response(req, {"role": views.role(req, role)},
                              status=201)


@validation.schema(schema.update_role)
def update_role(req, role_id):
    access.require_admin(req)
    changes = req.json_document()["role"]
    role = req.app.store.get_role(role_id)
    if "name" in changes and changes["name"] != role.name:
        role = req.app.store.rename_role(role_id, changes["name"])
    return wsgi.json_response(req, {"role": views.role(req, role)})


def delete_role(req, role_id):
    access.require_admin(req)
    req.app.store.delete_role(role_id)
    return wsgi.empty_response(req)
