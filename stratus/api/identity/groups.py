"""/v3/groups and /v3/users/{user_id}/groups, read-only: the built-in
identity has no groups (roles are assigned to users), so it answers as a
Keystone whose identity backend holds none. Horizon's Groups panel and
the project members workflow then list nothing instead of failing;
creating a group is not offered (405), and Horizon hides the action with
OPENSTACK_KEYSTONE_BACKEND['can_edit_group'] = False."""
from stratus.api.identity import access
from stratus.api.identity import views
from stratus.api.schemas import identity as schema
from stratus.api import validation
from stratus.identity import exception as identity_exception


@validation.query_schema(schema.list_filters)
def list_groups(req):
    access.require_admin(req)
    return views.collection(req, "groups", [])


def show_group(req, group_id):
    access.require_admin(req)
    raise identity_exception.GroupNotFound(group_id=group_id)


def list_user_groups(req, user_id):
    access.require_admin_or_user(req, user_id)
    req.app.store.get_user(user_id)
    return views.collection(req, "groups", [])
