"""The built-in Identity v3 API on one screen: URL -> {METHOD: handler}.

HEAD is served by the GET handler (webob drops the body) unless a route
names its own.
"""
from stratus.api import wsgi

ROUTES = {
    "/": {"GET": "versions:list_versions"},
    "/v3": {"GET": "versions:show_version"},
    "/openapi.json": {"GET": "openapi:show_openapi"},
    # Tokens and what a token gives access to
    "/v3/auth/tokens": {"POST": "auth:create_token",
                        "GET": "auth:validate_token",
                        "DELETE": "auth:revoke_token"},
    "/v3/auth/catalog": {"GET": "auth:show_catalog"},
    "/v3/auth/projects": {"GET": "auth:list_auth_projects"},
    "/v3/auth/domains": {"GET": "auth:list_auth_domains"},
    # Resources
    "/v3/domains": {"GET": "domains:list_domains"},
    "/v3/domains/{domain_id}": {"GET": "domains:show_domain"},
    "/v3/projects": {"GET": "projects:list_projects",
                     "POST": "projects:create_project"},
    "/v3/projects/{project_id}": {"GET": "projects:show_project",
                                  "PATCH": "projects:update_project",
                                  "DELETE": "projects:delete_project"},
    "/v3/users": {"GET": "users:list_users", "POST": "users:create_user"},
    "/v3/users/{user_id}": {"GET": "users:show_user",
                            "PATCH": "users:update_user",
                            "DELETE": "users:delete_user"},
    "/v3/users/{user_id}/password": {"POST": "users:change_password"},
    "/v3/users/{user_id}/projects": {"GET": "users:list_user_projects"},
    "/v3/users/{user_id}/groups": {"GET": "groups:list_user_groups"},
    "/v3/users/{user_id}/application_credentials": {
        "GET": "app_credentials:list_application_credentials",
        "POST": "app_credentials:create_application_credential"},
    "/v3/users/{user_id}/application_credentials/{credential_id}": {
        "GET": "app_credentials:show_application_credential",
        "DELETE": "app_credentials:delete_application_credential"},
    "/v3/groups": {"GET": "groups:list_groups",
                   "POST": "groups:create_group"},
    "/v3/groups/{group_id}": {"GET": "groups:show_group",
                              "PATCH": "groups:update_group",
                              "DELETE": "groups:delete_group"},
    "/v3/groups/{group_id}/users": {"GET": "groups:list_group_users"},
    # Keystone answers membership checks to HEAD only (GET: 405).
    "/v3/groups/{group_id}/users/{user_id}": {
        "PUT": "groups:add_user_to_group",
        "HEAD": "groups:check_user_in_group",
        "DELETE": "groups:remove_user_from_group"},
    "/v3/roles": {"GET": "roles:list_roles", "POST": "roles:create_role"},
    "/v3/roles/{role_id}": {"GET": "roles:show_role",
                            "PATCH": "roles:update_role",
                            "DELETE": "roles:delete_role"},
    # Role inference rules (implied roles)
    "/v3/role_inferences": {"GET": "implied_roles:list_role_inferences"},
    "/v3/roles/{prior_role_id}/implies": {
        "GET": "implied_roles:list_implied_roles"},
    "/v3/roles/{prior_role_id}/implies/{implied_role_id}": {
        "GET": "implied_roles:show_implied_role",
        "HEAD": "implied_roles:check_implied_role",
        "PUT": "implied_roles:create_implied_role",
        "DELETE": "implied_roles:delete_implied_role"},
    # Role assignments
    "/v3/projects/{project_id}/users/{user_id}/roles": {
        "GET": "role_assignments:list_project_user_roles"},
    "/v3/projects/{project_id}/users/{user_id}/roles/{role_id}": {
        "PUT": "role_assignments:assign_role",
        "GET": "role_assignments:check_role",
        "DELETE": "role_assignments:unassign_role"},
    "/v3/domains/{domain_id}/users/{user_id}/roles": {
        "GET": "role_assignments:list_domain_user_roles"},
    "/v3/domains/{domain_id}/users/{user_id}/roles/{role_id}": {
        "PUT": "role_assignments:assign_domain_role",
        "GET": "role_assignments:check_domain_role",
        "DELETE": "role_assignments:unassign_domain_role"},
    "/v3/projects/{project_id}/groups/{group_id}/roles": {
        "GET": "role_assignments:list_project_group_roles"},
    "/v3/projects/{project_id}/groups/{group_id}/roles/{role_id}": {
        "PUT": "role_assignments:assign_group_role",
        "GET": "role_assignments:check_group_role",
        "DELETE": "role_assignments:unassign_group_role"},
    "/v3/domains/{domain_id}/groups/{group_id}/roles": {
        "GET": "role_assignments:list_domain_group_roles"},
    "/v3/domains/{domain_id}/groups/{group_id}/roles/{role_id}": {
        "PUT": "role_assignments:assign_group_domain_role",
        "GET": "role_assignments:check_group_domain_role",
        "DELETE": "role_assignments:unassign_group_domain_role"},
    "/v3/role_assignments": {"GET": "role_assignments:list_role_assignments"},
    # The catalog's services and endpoints (read-only, from the config)
    "/v3/services": {"GET": "catalog:list_services"},
    "/v3/endpoints": {"GET": "catalog:list_endpoints"},
}

# (route, method) pairs served without a token; the OpenAPI document is
# as public as the version documents (docs/openapi.md).
PUBLIC = {("/", "GET"), ("/v3", "GET"), ("/openapi.json", "GET"),
          ("/v3/auth/tokens", "POST")}


def resolve():
    return wsgi.resolve_routes(ROUTES, "stratus.api.identity")
