"""Projects, users, roles, role assignments and domains: what an admin
(and Tempest's dynamic credentials) does with them, and what others may
not."""
import pytest

from stratus.identity import tokens


def _id_of(identity, token, collection, name):
    response = identity.request("GET", "/v3/%s?name=%s" % (collection, name),
                                token=token)
    (item,) = response.json[collection]
    return item["id"]


@pytest.fixture
def admin(identity):
    return identity.admin_token()


def test_dynamic_credentials_lifecycle(identity, admin):
    """Create a project and a user, give them a role, log in as them,
    then take it all away again."""
    project = identity.request("POST", "/v3/projects", token=admin, json={
        "project": {"name": "tempest-p1", "description": "for a test",
                    "domain_id": "default", "tags": ["ci"]}})
    assert project.status_int == 201
    project = project.json["project"]
    assert project["domain_id"] == "default"
    assert project["tags"] == ["ci"]
    assert project["links"]["self"].endswith("/v3/projects/" + project["id"])
    user = identity.request("POST", "/v3/users", token=admin, json={
        "user": {"name": "tempest-u1", "password": "pw", "email": "u@x",
                 "domain_id": "default", "default_project_id": project["id"]}})
    assert user.status_int == 201
    user = user.json["user"]
    assert user["email"] == "u@x"
    assert "password" not in user
    member = _id_of(identity, admin, "roles", "member")
    grant = "/v3/projects/%s/users/%s/roles/%s" % (project["id"], user["id"],
                                                   member)
    assert identity.request("PUT", grant, token=admin).status_int == 204
    assert identity.request("PUT", grant, token=admin).status_int == 204
    assert identity.request("HEAD", grant, token=admin).status_int == 204

    user_token = identity.token("tempest-u1", "pw", "tempest-p1")
    roles = identity.request(
        "GET", "/v3/projects/%s/users/%s/roles" % (project["id"], user["id"]),
        token=admin)
    assert [r["name"] for r in roles.json["roles"]] == ["member"]
    assignments = identity.request(
        "GET", "/v3/role_assignments?user.id=%s&include_names" % user["id"],
        token=admin).json["role_assignments"]
    assert [(a["user"]["name"], a["scope"]["project"]["name"],
             a["role"]["name"]) for a in assignments] == [
        ("tempest-u1", "tempest-p1", "member")]

    assert identity.request("DELETE", grant, token=admin).status_int == 204
    assert identity.request("HEAD", grant, token=admin).status_int == 404
    assert identity.request("DELETE", grant, token=admin).status_int == 404
    # Losing the role ends the tokens that carried it.
    assert identity.request("GET", "/v3/auth/projects",
                            token=user_token).status_int == 401
    assert identity.authenticate("tempest-u1", "pw",
                                 "tempest-p1").status_int == 401

    assert identity.request("DELETE", "/v3/users/" + user["id"],
                            token=admin).status_int == 204
    assert identity.request("GET", "/v3/users/" + user["id"],
                            token=admin).status_int == 404
    assert identity.request("DELETE", "/v3/projects/" + project["id"],
                            token=admin).status_int == 204
    assert identity.request("GET", "/v3/projects/" + project["id"],
                            token=admin).status_int == 404


def test_deleting_or_disabling_ends_tokens(identity, identity_conf,
                                           databases, admin):
    validator = tokens.validator_from_conf(identity_conf, databases)
    demo_token = identity.demo_token()
    demo_id = validator(demo_token)["user_id"]
    disabled = identity.request("PATCH", "/v3/users/" + demo_id, token=admin,
                                json={"user": {"enabled": False}})
    assert disabled.json["user"]["enabled"] is False
    assert validator(demo_token) is None
    assert identity.authenticate("demo", "demo", "demo").status_int == 401
    identity.request("PATCH", "/v3/users/" + demo_id, token=admin,
                     json={"user": {"enabled": True}})
    demo_token = identity.demo_token()
    project_id = validator(demo_token)["project_id"]
    identity.request("PATCH", "/v3/projects/" + project_id, token=admin,
                     json={"project": {"enabled": False}})
    assert validator(demo_token) is None
    assert validator(admin) is not None


def test_changing_a_password(identity, admin):
    demo_token = identity.demo_token()
    demo_id = identity.request("GET", "/v3/auth/tokens", token=admin,
                               subject=demo_token).json["token"]["user"]["id"]
    path = "/v3/users/%s/password" % demo_id
    wrong = identity.request("POST", path, token=demo_token, json={
        "user": {"password": "new", "original_password": "nope"}})
    assert wrong.status_int == 401
    changed = identity.request("POST", path, token=demo_token, json={
        "user": {"password": "new", "original_password": "demo"}})
    assert changed.status_int == 204
    assert identity.request("GET", "/v3/auth/projects",
                            token=demo_token).status_int == 401
    assert identity.authenticate("demo", "demo", "demo").status_int == 401
    assert identity.authenticate("demo", "new", "demo").status_int == 201


def test_what_a_non_admin_may_see(identity, admin):
    demo = identity.demo_token()
    me = identity.request("GET", "/v3/auth/tokens", token=demo,
                          subject=demo).json["token"]
    admin_id = identity.request("GET", "/v3/auth/tokens", token=admin,
                                subject=admin).json["token"]["user"]["id"]
    assert identity.request("GET", "/v3/users/" + me["user"]["id"],
                            token=demo).status_int == 200
    assert identity.request("GET", "/v3/projects/" + me["project"]["id"],
                            token=demo).status_int == 200
    projects = identity.request(
        "GET", "/v3/users/%s/projects" % me["user"]["id"], token=demo)
    assert [p["name"] for p in projects.json["projects"]] == ["demo"]
    for method, path in [("GET", "/v3/users"), ("GET", "/v3/projects"),
                         ("GET", "/v3/roles"),
                         ("GET", "/v3/users/" + admin_id),
                         ("GET", "/v3/role_assignments"),
                         ("POST", "/v3/projects")]:
        response = identity.request(
            method, path, token=demo,
            json={"project": {"name": "x"}} if method == "POST" else None)
        assert response.status_int == 403, path
        assert response.json["error"]["title"] == "Forbidden"


def test_duplicates_conflict(identity, admin):
    body = {"project": {"name": "twice"}}
    assert identity.request("POST", "/v3/projects", token=admin,
                            json=body).status_int == 201
    again = identity.request("POST", "/v3/projects", token=admin, json=body)
    assert again.status_int == 409
    assert again.json["error"]["code"] == 409
    assert identity.request("POST", "/v3/users", token=admin, json={
        "user": {"name": "admin"}}).status_int == 409
    assert identity.request("POST", "/v3/roles", token=admin, json={
        "role": {"name": "member"}}).status_int == 409


INVALID_CREATIONS = [
    ("/v3/projects", {"project": {}}),
    ("/v3/projects", {"project": {"name": ""}}),
    ("/v3/projects", {"project": {"name": "p", "is_domain": True}}),
    ("/v3/projects", {"project": {"name": "p", "parent_id": "elsewhere"}}),
    ("/v3/projects", {"project": {"name": "p", "domain_id": "other"}}),
    ("/v3/projects", {"project": {"name": "p", "enabled": "yes"}}),
    ("/v3/projects", {"projects": {"name": "p"}}),
    ("/v3/users", {"user": {"name": "u", "default_project_id": "nope"}}),
    ("/v3/users", {"user": {"name": 7}}),
    ("/v3/users", ["user"]),
    ("/v3/roles", {"role": {"name": "r", "domain_id": "default"}}),
]


def test_invalid_creations_are_refused(identity, admin):
    for path, body in INVALID_CREATIONS:
        response = identity.request("POST", path, token=admin, json=body)
        assert response.status_int in (400, 404), (body, response.text)
        if response.status_int == 404:
            # A domain that does not exist is reported as such.
            assert "domain" in response.json["error"]["message"]


def test_roles(identity, admin):
    names = [r["name"] for r in identity.request(
        "GET", "/v3/roles", token=admin).json["roles"]]
    assert names == ["admin", "member", "reader"]
    created = identity.request("POST", "/v3/roles", token=admin,
                               json={"role": {"name": "observer"}})
    assert created.status_int == 201
    role_id = created.json["role"]["id"]
    assert identity.request("GET", "/v3/roles/" + role_id,
                            token=admin).json["role"]["name"] == "observer"
    demo_project = _id_of(identity, admin, "projects", "demo")
    demo_user = _id_of(identity, admin, "users", "demo")
    identity.request("PUT", "/v3/projects/%s/users/%s/roles/%s" % (
        demo_project, demo_user, role_id), token=admin)
    demo = identity.demo_token()
    assert identity.request("DELETE", "/v3/roles/" + role_id,
                            token=admin).status_int == 204
    assert identity.request("GET", "/v3/roles/" + role_id,
                            token=admin).status_int == 404
    # Tokens carrying a deleted role end with it.
    assert identity.request("GET", "/v3/auth/projects",
                            token=demo).status_int == 401


def test_the_default_domain(identity, admin):
    domains = identity.request("GET", "/v3/domains", token=admin)
    assert [d["id"] for d in domains.json["domains"]] == ["default"]
    assert identity.request("GET", "/v3/domains?name=Other",
                            token=admin).json["domains"] == []
    demo = identity.demo_token()
    shown = identity.request("GET", "/v3/domains/default", token=demo)
    assert shown.json["domain"]["name"] == "Default"
    assert identity.request("GET", "/v3/domains/other",
                            token=admin).status_int == 404


def test_services_and_endpoints(identity, admin):
    services = identity.request("GET", "/v3/services", token=admin)
    assert {s["type"] for s in services.json["services"]} == {
        "compute", "identity", "image", "network", "placement",
        "block-storage", "volumev3"}
    endpoints = identity.request("GET", "/v3/endpoints", token=admin)
    assert len(endpoints.json["endpoints"]) == 21
    service_ids = {s["id"] for s in services.json["services"]}
    assert {e["service_id"] for e in endpoints.json["endpoints"]} == (
        service_ids)


def test_bootstrap_is_idempotent_and_resets_passwords(identity, identity_conf,
                                                      databases, admin):
    from stratus.identity import bootstrap
    identity_conf.set_override("demo_password", "changed", group="identity")
    bootstrap.bootstrap(identity_conf, databases)
    users = identity.request("GET", "/v3/users", token=admin).json["users"]
    assert sorted(u["name"] for u in users) == ["admin", "demo"]
    assert identity.authenticate("demo", "changed", "demo").status_int == 201
    assert identity.authenticate("demo", "demo", "demo").status_int == 401
