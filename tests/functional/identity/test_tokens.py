"""Tokens of the built-in Identity service, as clients see them."""
import datetime

from stratus.api.identity import app as identity_app
from stratus.identity import tokens
from tests.functional.identity.conftest import IdentityClient


def _time(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")


def test_version_documents(sqlite_identity):
    root = sqlite_identity.request("GET", "/")
    assert root.status_int == 300
    (version,) = root.json["versions"]["values"]
    assert version["id"].startswith("v3.")
    assert version["status"] == "stable"
    assert version["links"][0]["href"].endswith("/v3/")
    assert version["media-types"][0]["type"] == (
        "application/vnd.openstack.identity-v3+json")
    v3 = sqlite_identity.request("GET", "/v3")
    assert v3.status_int == 200
    assert v3.json["version"]["id"] == version["id"]


def test_password_authentication_scoped_to_a_project(identity):
    response = identity.authenticate("admin", "admin", "admin")
    assert response.status_int == 201
    assert response.headers["X-Subject-Token"]
    token = response.json["token"]
    assert token["methods"] == ["password"]
    assert token["user"]["name"] == "admin"
    assert token["user"]["domain"] == {"id": "default", "name": "Default"}
    assert token["project"]["name"] == "admin"
    assert {role["name"] for role in token["roles"]} == {
        "admin", "member", "reader"}
    assert all(role["id"] for role in token["roles"])
    assert _time(token["expires_at"]) > _time(token["issued_at"])
    assert len(token["audit_ids"]) == 1
    services = {entry["type"]: entry for entry in token["catalog"]}
    assert set(services) == {"compute", "identity", "image", "network", "placement",
                             "block-storage", "volumev3"}
    compute = services["compute"]["endpoints"]
    assert {e["interface"] for e in compute} == {"public", "internal",
                                                 "admin"}
    assert all(e["region_id"] == "RegionOne" for e in compute)
    assert compute[0]["url"] == "http://127.0.0.1:8774/v2.1"
    assert services["identity"]["endpoints"][0]["url"] == (
        "http://127.0.0.1:5000/v3")
    assert services["image"]["endpoints"][0]["url"] == "http://127.0.0.1:9292"


def test_authentication_by_ids_and_without_catalog(identity):
    admin = identity.admin_token()
    users = identity.request("GET", "/v3/users?name=demo", token=admin)
    projects = identity.request("GET", "/v3/projects?name=demo", token=admin)
    user_id = users.json["users"][0]["id"]
    project_id = projects.json["projects"][0]["id"]
    response = identity.request("POST", "/v3/auth/tokens?nocatalog", json={
        "auth": {"identity": {"methods": ["password"], "password": {
            "user": {"id": user_id, "password": "demo"}}},
            "scope": {"project": {"id": project_id}}}})
    assert response.status_int == 201
    token = response.json["token"]
    assert token["project"]["id"] == project_id
    assert {role["name"] for role in token["roles"]} == {"member", "reader"}
    assert "catalog" not in token


def test_unscoped_tokens(identity):
    explicit = identity.authenticate("demo", "demo", scope="unscoped")
    assert explicit.status_int == 201
    assert "project" not in explicit.json["token"]
    assert "catalog" not in explicit.json["token"]
    # Without a scope, the user's default project is used.
    implicit = identity.authenticate("demo", "demo")
    assert implicit.json["token"]["project"]["name"] == "demo"


FAILED_AUTHENTICATIONS = [
    ("admin", "wrong", "admin"),
    ("nobody", "admin", "admin"),
    ("demo", "demo", "admin"),       # no role on that project
    ("demo", "demo", "missing"),
]


def test_failed_authentication_is_401_in_keystone_format(identity):
    for user, password, project in FAILED_AUTHENTICATIONS:
        response = identity.authenticate(user, password, project)
        assert response.status_int == 401, (user, project)
        assert response.json["error"]["code"] == 401
        assert response.json["error"]["title"] == "Unauthorized"
        assert response.headers["WWW-Authenticate"].startswith(
            "Keystone uri=")


MALFORMED_AUTHENTICATIONS = [
    b"not json",
    b"[]",
    b'{"auth": {}}',
    b'{"auth": {"identity": {"methods": "password"}}}',
    b'{"auth": {"identity": {"methods": ["password"], "password": '
    b'{"user": {"name": "admin", "password": "s3cret-value"}}}}}',
    b'{"auth": {"identity": {"methods": ["password"], "password": '
    b'{"user": {"id": "x", "password": "p"}}}, "scope": {"project": 5}}}',
]


def test_malformed_authentication_requests_are_400(sqlite_identity):
    for body in MALFORMED_AUTHENTICATIONS:
        response = sqlite_identity.request("POST", "/v3/auth/tokens",
                                           body=body)
        assert response.status_int == 400, body
        assert response.json["error"]["title"] == "Bad Request"
        assert "s3cret-value" not in response.text


def test_a_token_rescopes_with_the_token_method(identity):
    unscoped = identity.authenticate("demo", "demo", scope="unscoped")
    parent = unscoped.json["token"]
    response = identity.request("POST", "/v3/auth/tokens", json={
        "auth": {"identity": {"methods": ["token"], "token": {
            "id": unscoped.headers["X-Subject-Token"]}},
            "scope": {"project": {"name": "demo",
                                  "domain": {"name": "Default"}}}}})
    assert response.status_int == 201
    token = response.json["token"]
    assert token["project"]["name"] == "demo"
    assert token["expires_at"] == parent["expires_at"]
    assert token["audit_ids"][1] == parent["audit_ids"][0]
    assert set(token["methods"]) == {"password", "token"}


def test_validate_check_and_revoke(identity, identity_conf, databases):
    admin = identity.admin_token()
    demo = identity.demo_token()
    shown = identity.request("GET", "/v3/auth/tokens", token=admin,
                             subject=demo)
    assert shown.status_int == 200
    assert shown.headers["X-Subject-Token"] == demo
    assert shown.json["token"]["user"]["name"] == "demo"
    checked = identity.request("HEAD", "/v3/auth/tokens", token=admin,
                               subject=demo)
    assert checked.status_int == 200 and checked.body == b""
    # A user may validate their own token, not somebody else's.
    assert identity.request("GET", "/v3/auth/tokens", token=demo,
                            subject=demo).status_int == 200
    assert identity.request("GET", "/v3/auth/tokens", token=demo,
                            subject=admin).status_int == 403
    assert identity.request("GET", "/v3/auth/tokens",
                            subject=demo).status_int == 401
    assert identity.request("GET", "/v3/auth/tokens", token=admin,
                            subject="garbage").status_int == 404

    validator = tokens.validator_from_conf(identity_conf, databases)
    assert validator(demo)["user_name"] == "demo"
    revoked = identity.request("DELETE", "/v3/auth/tokens", token=demo,
                               subject=demo)
    assert revoked.status_int == 204
    assert identity.request("GET", "/v3/auth/tokens", token=admin,
                            subject=demo).status_int == 404
    assert validator(demo) is None
    assert identity.request("GET", "/v3/auth/projects",
                            token=demo).status_int == 401
    # Other tokens of the same user are unaffected.
    assert validator(identity.demo_token())["project_name"] == "demo"


def test_validator_gives_the_compute_api_the_caller(identity, identity_conf,
                                                    databases):
    validator = tokens.validator_from_conf(identity_conf, databases)
    info = validator(identity.admin_token())
    assert info["user_name"] == "admin"
    assert info["project_name"] == "admin"
    assert sorted(info["roles"]) == ["admin", "member", "reader"]
    assert info["user_id"] and info["project_id"]
    assert validator("") is None
    assert validator("gAAAAAB" + "x" * 100) is None


def test_tokens_survive_a_restart_but_not_a_new_key(identity, identity_conf,
                                                    databases, tmp_path):
    token = identity.admin_token()
    restarted = IdentityClient(identity_app.make_app(identity_conf,
                                                     databases))
    assert restarted.request("GET", "/v3/auth/catalog",
                             token=token).status_int == 200
    identity_conf.set_override("state_path", str(tmp_path / "elsewhere"))
    other_key = IdentityClient(identity_app.make_app(identity_conf,
                                                     databases))
    assert other_key.request("GET", "/v3/auth/catalog",
                             token=token).status_int == 401


def test_catalog_and_projects_of_the_caller(identity):
    demo = identity.demo_token()
    catalog = identity.request("GET", "/v3/auth/catalog", token=demo)
    assert catalog.status_int == 200
    assert {entry["type"] for entry in catalog.json["catalog"]} == {
        "compute", "identity", "image", "network", "placement",
        "block-storage", "volumev3"}
    project_id = identity.request(
        "GET", "/v3/auth/projects", token=demo).json["projects"][0]["id"]
    volumev3 = [entry for entry in catalog.json["catalog"]
                if entry["type"] == "volumev3"][0]
    # Keystone's substitution of $(project_id)s, as DevStack's volumev3.
    assert volumev3["endpoints"][0]["url"].endswith("/v3/" + project_id)
    projects = identity.request("GET", "/v3/auth/projects", token=demo)
    assert [p["name"] for p in projects.json["projects"]] == ["demo"]
    unscoped = identity.authenticate("demo", "demo", scope="unscoped")
    assert identity.request(
        "GET", "/v3/auth/catalog",
        token=unscoped.headers["X-Subject-Token"]).status_int == 403


def test_unknown_paths_and_methods(sqlite_identity):
    missing = sqlite_identity.request("GET", "/v3/nothing-here")
    assert missing.status_int == 404
    assert missing.json["error"]["code"] == 404
    wrong = sqlite_identity.request("PUT", "/v3/auth/tokens")
    assert wrong.status_int == 405
    assert "POST" in wrong.headers["Allow"]
