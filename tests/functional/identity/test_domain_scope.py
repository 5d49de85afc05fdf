"""Domain-scoped tokens, as Horizon's login asks for one (scope
{"domain": {"name": "Default"}}) and Keystone answers: the admin user
holds admin on the default domain, the demo user holds nothing there."""
from tests.functional.identity.conftest import IdentityClient  # noqa: F401

DEFAULT_BY_NAME = {"domain": {"name": "Default"}}


def _domain_token(identity, user, password, scope=DEFAULT_BY_NAME):
    return identity.authenticate(user, password, scope=scope)


def test_the_admin_gets_a_domain_scoped_token(identity):
    response = _domain_token(identity, "admin", "admin")
    assert response.status_int == 201, response.text
    token = response.json["token"]
    assert token["domain"] == {"id": "default", "name": "Default"}
    assert "project" not in token and "is_domain" not in token
    assert {role["name"] for role in token["roles"]} == {
        "admin", "member", "reader"}
    services = {entry["type"]: entry for entry in token["catalog"]}
    assert services["identity"]["endpoints"][0]["url"] == (
        "http://127.0.0.1:5000/v3")
    # An endpoint that needs a project is left out, as Keystone does.
    assert services["volumev3"]["endpoints"] == []
    assert all("$(" not in endpoint["url"] for entry in token["catalog"]
               for endpoint in entry["endpoints"])
    # By id too, and the token validates to the same scope.
    by_id = _domain_token(identity, "admin", "admin",
                          {"domain": {"id": "default"}})
    assert by_id.status_int == 201
    subject = by_id.headers["X-Subject-Token"]
    shown = identity.request("GET", "/v3/auth/tokens", token=subject,
                             subject=subject)
    assert shown.status_int == 200
    assert shown.json["token"]["domain"]["id"] == "default"
    catalog = identity.request("GET", "/v3/auth/catalog", token=subject)
    assert catalog.status_int == 200
    assert catalog.json["catalog"]


def test_a_user_without_a_role_on_the_domain_is_refused(identity):
    response = _domain_token(identity, "demo", "demo")
    assert response.status_int == 401
    assert response.json["error"]["code"] == 401
    assert "domain" in response.json["error"]["message"]
    unknown = _domain_token(identity, "admin", "admin",
                            {"domain": {"name": "Nope"}})
    assert unknown.status_int == 401


def test_auth_domains_lists_where_a_user_may_scope(identity):
    admin = identity.admin_token()
    demo = identity.demo_token()
    listed = identity.request("GET", "/v3/auth/domains", token=admin)
    assert listed.status_int == 200
    assert [d["id"] for d in listed.json["domains"]] == ["default"]
    listed = identity.request("GET", "/v3/auth/domains", token=demo)
    assert listed.json["domains"] == []


def test_domain_role_assignments(identity):
    admin = identity.admin_token()
    demo_id = identity.request("GET", "/v3/users?name=demo",
                               token=admin).json["users"][0]["id"]
    reader_id = identity.request("GET", "/v3/roles?name=reader",
                                 token=admin).json["roles"][0]["id"]
    path = "/v3/domains/default/users/%s/roles" % demo_id
    assert identity.request("GET", path, token=admin).json["roles"] == []
    assert identity.request("GET", "%s/%s" % (path, reader_id),
                            token=admin).status_int == 404
    assert identity.request("PUT", "%s/%s" % (path, reader_id),
                            token=admin).status_int == 204
    assert identity.request("HEAD", "%s/%s" % (path, reader_id),
                            token=admin).status_int == 204
    roles = identity.request("GET", path, token=admin).json["roles"]
    assert [role["name"] for role in roles] == ["reader"]
    # Now demo may scope to the domain, with what reader implies (nothing).
    token = _domain_token(identity, "demo", "demo")
    assert token.status_int == 201, token.text
    assert [role["name"] for role in token.json["token"]["roles"]] == [
        "reader"]
    listed = identity.request(
        "GET", "/v3/role_assignments?scope.domain.id=default&include_names",
        token=admin).json["role_assignments"]
    mine = [a for a in listed if a["user"]["id"] == demo_id]
    assert mine == [{
        "user": {"id": demo_id, "name": "demo",
                 "domain": {"id": "default", "name": "Default"}},
        "scope": {"domain": {"id": "default", "name": "Default"}},
        "role": {"id": reader_id, "name": "reader"},
        "links": {"assignment": "http://localhost/v3/domains/default/users/"
                                "%s/roles/%s" % (demo_id, reader_id)}}]
    projects_only = identity.request(
        "GET", "/v3/role_assignments?user.id=%s&scope.project.id=x" % demo_id,
        token=admin).json["role_assignments"]
    assert projects_only == []
    # Removing it revokes the domain token at once.
    subject = token.headers["X-Subject-Token"]
    assert identity.request("DELETE", "%s/%s" % (path, reader_id),
                            token=admin).status_int == 204
    assert identity.request("DELETE", "%s/%s" % (path, reader_id),
                            token=admin).status_int == 404
    assert identity.request("GET", "/v3/auth/tokens", token=admin,
                            subject=subject).status_int == 404
    assert _domain_token(identity, "demo", "demo").status_int == 401
    # Only an admin manages them.
    demo = identity.demo_token()
    assert identity.request("PUT", "%s/%s" % (path, reader_id),
                            token=demo).status_int == 403
    assert identity.request("PUT", "/v3/domains/nope/users/%s/roles/%s" % (
        demo_id, reader_id), token=admin).status_int == 404


def test_a_domain_scoped_token_does_not_open_the_compute_api(identity):
    """Nova's services need a project: the compute API's validator finds
    no project in it (401 there), as with an unscoped token."""
    from stratus.identity import tokens
    response = _domain_token(identity, "admin", "admin")
    subject = response.headers["X-Subject-Token"]
    info = identity.app.tokens.validate(subject).identity()
    assert info["project_id"] is None
    assert isinstance(identity.app.tokens, tokens.TokenProvider)


def test_a_role_is_renamed(identity):
    """Horizon's Roles panel edits a role's name; tokens carrying the old
    name stop working."""
    admin = identity.admin_token()
    role = identity.request("POST", "/v3/roles", token=admin, json={
        "role": {"name": "viewer"}}).json["role"]
    demo_id = identity.request("GET", "/v3/users?name=demo",
                               token=admin).json["users"][0]["id"]
    demo_project = identity.request("GET", "/v3/projects?name=demo",
                                    token=admin).json["projects"][0]["id"]
    identity.request("PUT", "/v3/projects/%s/users/%s/roles/%s" % (
        demo_project, demo_id, role["id"]), token=admin)
    demo = identity.demo_token()
    renamed = identity.request("PATCH", "/v3/roles/" + role["id"],
                               token=admin, json={"role": {"name": "seer"}})
    assert renamed.status_int == 200, renamed.text
    assert renamed.json["role"]["name"] == "seer"
    assert identity.request("GET", "/v3/auth/tokens", token=admin,
                            subject=demo).status_int == 404
    token = identity.authenticate("demo", "demo", "demo").json["token"]
    assert "seer" in {r["name"] for r in token["roles"]}
    assert identity.request("PATCH", "/v3/roles/" + role["id"], token=admin,
                            json={"role": {"name": "admin"}}).status_int == 409
    assert identity.request("PATCH", "/v3/roles/nope", token=admin, json={
        "role": {"name": "x"}}).status_int == 404
    assert identity.request("PATCH", "/v3/roles/" + role["id"], token=admin,
                            json={"role": {"id": "x"}}).status_int == 400
    assert identity.request("PATCH", "/v3/roles/" + role["id"],
                            token=identity.demo_token(), json={
                                "role": {"name": "y"}}).status_int == 403
