"""/v3/groups, /v3/groups/{group_id}/users[/{user_id}] and
/v3/users/{user_id}/groups, as Keystone has them: groups of users in the
domain, whose roles (stratus/api/identity/role_assignments.py) their
members hold. Managing them takes admin; reading them admin or a reader
of the domain; a user may list their own groups."""
from stratus.api.identity import access
from stratus.api.identity import views
from stratus.api.schemas import identity as schema
from stratus.api import validation
from stratus.api import wsgi
from stratus import exception

_CORE = ("name", "domain_id", "description")
_IGNORED = ("id", "links")


@validation.query_schema(schema.list_groups_query)
def list_groups(req):
    access.require_reader(req)
    groups = req.app.store.list_groups(
        **views.filters(req, "name", "domain_id"))
    return views.collection(req, "groups", [views.group(req, group)
                                            for group in groups])


@validation.schema(schema.create_group)
def create_group(req):
    access.require_admin(req)
    core, extra = views.split(req.json_document()["group"], _CORE,
                              _IGNORED)
    if core.get("description") is None:
        core.pop("description", None)
    group = req.app.store.create_group(extra=extra, **core)
    return wsgi.json_response(req, {"group": views.group(req, group)},
                              status=201)


def show_group(req, group_id):
    access.require_reader(req)
    group = req.app.store.get_group(group_id)
    return wsgi.json_response(req, {"group": views.group(req, group)})


@validation.schema(schema.update_group)
def update_group(req, group_id):
    access.require_admin(req)
    core, extra = views.split(req.json_document()["group"], _CORE,
                              _IGNORED)
    group = req.app.store.get_group(group_id)
    if core.pop("domain_id", group.domain_id) != group.domain_id:
        raise exception.Invalid("A group cannot move to another domain.")
    group = req.app.store.update_group(group_id, dict(extra, **core))
    return wsgi.json_response(req, {"group": views.group(req, group)})


def delete_group(req, group_id):
    access.require_admin(req)
    req.app.store.delete_group(group_id)
    return wsgi.empty_response(req)


@validation.query_schema(schema.list_filters)
def list_group_users(req, group_id):
    access.require_reader(req)
    users = req.app.store.list_group_users(
        group_id, **views.filters(req, "name", "domain_id", "enabled"))
    return views.collection(req, "users", [views.user(req, user)
                                           for user in users])


def add_user_to_group(req, group_id, user_id):
    access.require_admin(req)
    req.app.store.add_user_to_group(group_id, user_id)
    return wsgi.empty_response(req)


def check_user_in_group(req, group_id, user_id):
    """HEAD: 204 when the user is a member (Keystone's answer)."""
    access.require_reader(req)
    req.app.store.check_user_in_group(group_id, user_id)
    return wsgi.empty_response(req)


def remove_user_from_group(req, group_id, user_id):
    access.require_admin(req)
    req.app.store.remove_user_from_group(group_id, user_id)
    return wsgi.empty_response(req)


@validation.query_schema(schema.list_user_groups_query)
def list_user_groups(req, user_id):
    """Keystone adds each membership's expiry (null: memberships made
    through the API never expire)."""
    access.require_reader_or_user(req, user_id)
    groups = req.app.store.groups_of_user(user_id,
                                          **views.filters(req, "name"))
    return views.collection(req, "groups", [
        dict(views.group(req, group), membership_expires_at=None)
        for group in groups])
