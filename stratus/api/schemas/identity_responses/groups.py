"""Identity v3 groups: the groups, their members, their roles on projects
and on the domain (Keystone's API reference, "Groups" and "Roles")."""
from stratus.api.schemas.identity_responses import common as k
from stratus.api.schemas.identity_responses import resources

# A group keeps the attributes it was given beyond these.
group = k.obj({"id": k.string, "name": k.string, "domain_id": k.string,
               "description": k.string, "links": k.self_link},
              additional=True)
_membership = dict(group, properties=dict(
    group["properties"], membership_expires_at=k.nullable_string),
    required=sorted(group["required"] + ["membership_expires_at"]))
_roles = k.one(200, k.collection("roles", resources.role))
_PROJECT = "/v3/projects/{project_id}/groups/{group_id}/roles"
_DOMAIN = "/v3/domains/{domain_id}/groups/{group_id}/roles"
_MEMBER = "/v3/groups/{group_id}/users/{user_id}"

RESPONSES = {
    ("GET", "/v3/groups"): k.one(200, k.collection("groups", group)),
    ("POST", "/v3/groups"): k.one(201, k.wrap("group", group)),
    ("GET", "/v3/groups/{group_id}"): k.one(200, k.wrap("group", group)),
    ("PATCH", "/v3/groups/{group_id}"): k.one(200, k.wrap("group", group)),
    ("DELETE", "/v3/groups/{group_id}"): k.none(),
    ("GET", "/v3/groups/{group_id}/users"): k.one(200, k.collection(
        "users", resources.user)),
    ("PUT", _MEMBER): k.none(),
    ("HEAD", _MEMBER): k.none(),
    ("DELETE", _MEMBER): k.none(),
    ("GET", "/v3/users/{user_id}/groups"): k.one(200, k.collection(
        "groups", _membership)),
    ("GET", _PROJECT): _roles,
    ("PUT", _PROJECT + "/{role_id}"): k.none(),
    ("GET", _PROJECT + "/{role_id}"): k.none(),
    ("DELETE", _PROJECT + "/{role_id}"): k.none(),
    ("GET", _DOMAIN): _roles,
    ("PUT", _DOMAIN + "/{role_id}"): k.none(),
    ("GET", _DOMAIN + "/{role_id}"): k.none(),
    ("DELETE", _DOMAIN + "/{role_id}"): k.none(),
}
