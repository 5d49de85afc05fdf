"""Identity v3 resources: domains, projects, users, roles, role
inferences, role assignments, services and endpoints (Keystone's API
reference). Groups: groups.py."""
from stratus.api.schemas.identity_responses import common as k

domain = k.obj({"id": k.string, "name": k.string,
                "description": k.nullable_string, "enabled": k.boolean,
                "tags": k.tags, "options": k.options, "links": k.self_link})
# Projects and users keep the attributes they were given beyond these.
project = k.obj({"id": k.string, "name": k.string,
                 "domain_id": k.string, "description": k.nullable_string,
                 "enabled": k.boolean, "is_domain": k.boolean,
                 "parent_id": k.nullable_string, "tags": k.tags,
                 "options": k.options, "links": k.self_link},
                additional=True)
user = k.obj({"id": k.string, "name": k.string, "domain_id": k.string,
              "enabled": k.boolean,
              "default_project_id": k.nullable_string,
              "password_expires_at": {"anyOf": [k.datetime,
                                                {"type": "null"}]},
              "options": k.options, "links": k.self_link},
             required=["id", "name", "domain_id", "enabled",
                       "password_expires_at", "links"],
             additional=True)
role = k.obj({"id": k.string, "name": k.string,
              "domain_id": k.nullable_string,
              "description": k.nullable_string, "options": k.options,
              "links": k.self_link})
_role_ref = k.obj({"id": k.string, "name": k.string,
                   "links": k.self_link})
_inference = k.obj({"role_inference": k.obj({"prior_role": _role_ref,
                                             "implies": _role_ref}),
                    "links": k.self_link})
_named_ref = k.obj({"id": k.string, "name": {"type": ["string", "null"]},
                    "domain": k.domain_ref}, required=["id"])
# A user's or a group's (exactly one of the two); "membership" links an
# effective assignment to the group it comes through.
assignment = k.obj({
    "user": _named_ref,
    "group": _named_ref,
    "scope": k.obj({"project": _named_ref,
                    "domain": k.obj({"id": k.string,
                                     "name": {"type": ["string", "null"]}},
                                    required=["id"])},
                   required=[]),
    "role": k.obj({"id": k.string, "name": {"type": ["string", "null"]}},
                  required=["id"]),
    "links": k.obj({"assignment": k.string, "prior_role": k.string,
                    "membership": k.string},
                   required=["assignment"])},
    required=["scope", "role", "links"])
assignment["oneOf"] = [{"required": ["user"]}, {"required": ["group"]}]
application_credential = k.obj({
    "id": k.string, "name": k.string, "description": k.nullable_string,
    "user_id": k.string, "project_id": k.string,
    "expires_at": k.nullable_string, "unrestricted": k.boolean,
    "roles": k.array_of(k.obj({"id": k.string, "name": k.string,
                               "domain_id": {"type": "null"}})),
    "access_rules": {"type": "array", "maxItems": 0},
    "links": k.self_link, "secret": k.string},
    required=["id", "name", "description", "user_id", "project_id",
              "expires_at", "unrestricted", "roles", "links"])
service = k.obj({"id": k.string, "type": k.string, "name": k.string,
                 "description": k.string, "enabled": k.boolean,
                 "links": k.self_link},
                required=["id", "type", "enabled", "links"])
endpoint = k.obj({"id": k.string, "interface": {
    "enum": ["public", "internal", "admin"]}, "region": k.nullable_string,
    "region_id": k.nullable_string, "url": k.string,
    "service_id": k.string, "enabled": k.boolean, "links": k.self_link})

RESPONSES = {
    ("GET", "/v3/domains"): k.one(200, k.collection("domains", domain)),
    ("GET", "/v3/domains/{domain_id}"): k.one(200, k.wrap("domain", domain)),
    ("GET", "/v3/projects"): k.one(200, k.collection("projects", project)),
    ("POST", "/v3/projects"): k.one(201, k.wrap("project", project)),
    ("GET", "/v3/projects/{project_id}"): k.one(
        200, k.wrap("project", project)),
    ("PATCH", "/v3/projects/{project_id}"): k.one(
        200, k.wrap("project", project)),
    ("DELETE", "/v3/projects/{project_id}"): k.none(),
    ("GET", "/v3/users"): k.one(200, k.collection("users", user)),
    ("POST", "/v3/users"): k.one(201, k.wrap("user", user)),
    ("GET", "/v3/users/{user_id}"): k.one(200, k.wrap("user", user)),
    ("PATCH", "/v3/users/{user_id}"): k.one(200, k.wrap("user", user)),
    ("DELETE", "/v3/users/{user_id}"): k.none(),
    ("POST", "/v3/users/{user_id}/password"): k.none(),
    ("GET", "/v3/users/{user_id}/projects"): k.one(
        200, k.collection("projects", project)),
    ("GET", "/v3/roles"): k.one(200, k.collection("roles", role)),
    ("POST", "/v3/roles"): k.one(201, k.wrap("role", role)),
    ("GET", "/v3/roles/{role_id}"): k.one(200, k.wrap("role", role)),
    ("PATCH", "/v3/roles/{role_id}"): k.one(200, k.wrap("role", role)),
    ("DELETE", "/v3/roles/{role_id}"): k.none(),
    ("GET", "/v3/role_inferences"): k.one(200, k.collection(
        "role_inferences", k.obj({"prior_role": _role_ref,
                                  "implies": k.array_of(_role_ref)}))),
    ("GET", "/v3/roles/{prior_role_id}/implies"): k.one(200, k.obj({
        "role_inference": k.obj({"prior_role": _role_ref,
                                 "implies": k.array_of(_role_ref)}),
        "links": k.self_link})),
    ("GET", "/v3/roles/{prior_role_id}/implies/{implied_role_id}"): k.one(
        200, _inference),
    ("HEAD", "/v3/roles/{prior_role_id}/implies/{implied_role_id}"):
        k.none(),
    ("PUT", "/v3/roles/{prior_role_id}/implies/{implied_role_id}"): k.one(
        201, _inference),
    ("DELETE", "/v3/roles/{prior_role_id}/implies/{implied_role_id}"):
        k.none(),
    ("GET", "/v3/projects/{project_id}/users/{user_id}/roles"): k.one(
        200, k.collection("roles", role)),
    ("PUT", "/v3/projects/{project_id}/users/{user_id}/roles/{role_id}"):
        k.none(),
    ("GET", "/v3/projects/{project_id}/users/{user_id}/roles/{role_id}"):
        k.none(),
    ("DELETE", "/v3/projects/{project_id}/users/{user_id}/roles/"
               "{role_id}"): k.none(),
    ("GET", "/v3/domains/{domain_id}/users/{user_id}/roles"): k.one(
        200, k.collection("roles", role)),
    ("PUT", "/v3/domains/{domain_id}/users/{user_id}/roles/{role_id}"):
        k.none(),
    ("GET", "/v3/domains/{domain_id}/users/{user_id}/roles/{role_id}"):
        k.none(),
    ("DELETE", "/v3/domains/{domain_id}/users/{user_id}/roles/"
               "{role_id}"): k.none(),
    ("GET", "/v3/users/{user_id}/application_credentials"): k.one(
        200, k.collection("application_credentials",
                          application_credential)),
    ("POST", "/v3/users/{user_id}/application_credentials"): k.one(
        201, k.wrap("application_credential", application_credential)),
    ("GET", "/v3/users/{user_id}/application_credentials/{credential_id}"):
        k.one(200, k.wrap("application_credential", application_credential)),
    ("DELETE",
     "/v3/users/{user_id}/application_credentials/{credential_id}"):
        k.none(),
    ("GET", "/v3/role_assignments"): k.one(200, k.collection(
        "role_assignments", assignment)),
    ("GET", "/v3/services"): k.one(200, k.collection("services", service)),
    ("GET", "/v3/endpoints"): k.one(200, k.collection("endpoints",
                                                      endpoint)),
}
