"""Application credentials (Horizon's Identity → Application Credentials
panel, `openstack application credential`), as Keystone's."""
import datetime


def _me(identity, token):
    shown = identity.request("GET", "/v3/auth/tokens", token=token,
                             subject=token)
    return shown.json["token"]["user"]["id"]


def _create(identity, token, user_id, **fields):
    return identity.request(
        "POST", "/v3/users/%s/application_credentials" % user_id,
        token=token, json={"application_credential": dict(
            {"name": "cred"}, **fields)})


def _auth(identity, ref):
    return identity.request("POST", "/v3/auth/tokens", json={"auth": {
        "identity": {"methods": ["application_credential"],
                     "application_credential": ref}}})


def test_a_user_makes_one_and_authenticates_with_it(identity):
    demo = identity.demo_token()
    user_id = _me(identity, demo)
    created = _create(identity, demo, user_id, description="ci")
    assert created.status_int == 201, created.text
    credential = created.json["application_credential"]
    assert credential["secret"]
    assert credential["unrestricted"] is False
    assert {r["name"] for r in credential["roles"]} == {"member", "reader"}
    # The secret is shown once.
    listed = identity.request(
        "GET", "/v3/users/%s/application_credentials" % user_id, token=demo)
    assert listed.status_int == 200
    (item,) = listed.json["application_credentials"]
    assert "secret" not in item and item["id"] == credential["id"]
    shown = identity.request("GET", "/v3/users/%s/application_credentials/%s"
                             % (user_id, credential["id"]), token=demo)
    assert shown.json["application_credential"]["name"] == "cred"
    # By id, and by name with the user.
    for ref in ({"id": credential["id"], "secret": credential["secret"]},
                {"name": "cred", "secret": credential["secret"],
                 "user": {"name": "demo", "domain": {"id": "default"}}}):
        response = _auth(identity, ref)
        assert response.status_int == 201, response.text
        token = response.json["token"]
        assert token["methods"] == ["application_credential"]
        assert token["project"]["name"] == "demo"
        assert {r["name"] for r in token["roles"]} == {"member", "reader"}
        assert token["application_credential"] == {
            "id": credential["id"], "name": "cred", "restricted": True}
    # A wrong secret, an unknown id, a scope: 401.
    assert _auth(identity, {"id": credential["id"],
                            "secret": "x"}).status_int == 401
    assert _auth(identity, {"id": "nope", "secret": "x"}).status_int == 401
    scoped = identity.request("POST", "/v3/auth/tokens", json={"auth": {
        "identity": {"methods": ["application_credential"],
                     "application_credential": {
                         "id": credential["id"],
                         "secret": credential["secret"]}},
        "scope": {"project": {"name": "demo", "domain": {"id": "default"}}}}})
    assert scoped.status_int == 401


def test_deleting_it_ends_its_tokens(identity):
    demo = identity.demo_token()
    user_id = _me(identity, demo)
    credential = _create(identity, demo, user_id, secret="s3cret").json[
        "application_credential"]
    assert credential["secret"] == "s3cret"
    issued = _auth(identity, {"id": credential["id"], "secret": "s3cret"})
    token = issued.headers["X-Subject-Token"]
    # A restricted credential's token may not make another.
    assert _create(identity, token, user_id, name="again").status_int == 403
    path = "/v3/users/%s/application_credentials/%s" % (user_id,
                                                        credential["id"])
    assert identity.request("DELETE", path, token=demo).status_int == 204
    assert identity.request("GET", "/v3/auth/tokens", token=demo,
                            subject=token).status_int == 404
    assert identity.request("DELETE", path, token=demo).status_int == 404


def test_roles_expiry_and_who(identity):
    admin = identity.admin_token()
    admin_id = _me(identity, admin)
    demo = identity.demo_token()
    demo_id = _me(identity, demo)
    # Only some of the token's roles; not one it does not carry.
    reader_only = _create(identity, demo, demo_id, name="ro",
                          roles=[{"name": "reader"}])
    assert [r["name"] for r in reader_only.json[
        "application_credential"]["roles"]] == ["reader"]
    assert _create(identity, demo, demo_id, name="up",
                   roles=[{"name": "admin"}]).status_int == 403
    # An empty list, as the CLI sends without --role: all of them.
    every = _create(identity, demo, demo_id, name="all", roles=[])
    assert {r["name"] for r in every.json["application_credential"][
        "roles"]} == {"member", "reader"}
    # Not for someone else, even as an admin; the name is the user's own.
    assert _create(identity, admin, demo_id, name="x").status_int == 403
    assert _create(identity, demo, demo_id, name="ro").status_int == 409
    # An admin may read and delete anyone's; another user may not.
    path = "/v3/users/%s/application_credentials" % demo_id
    assert identity.request("GET", path, token=admin).status_int == 200
    assert identity.request(
        "GET", "/v3/users/%s/application_credentials" % admin_id,
        token=demo).status_int == 403
    # Expiry: in the past is refused; the token does not outlive it.
    past = (datetime.datetime.now(datetime.timezone.utc)
            - datetime.timedelta(hours=1)).isoformat()
    assert _create(identity, demo, demo_id, name="old",
                   expires_at=past).status_int == 400
    soon = (datetime.datetime.now(datetime.timezone.utc)
            + datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S")
    credential = _create(identity, demo, demo_id, name="soon",
                         expires_at=soon).json["application_credential"]
    assert credential["expires_at"].startswith(soon)
    token = _auth(identity, {"id": credential["id"],
                             "secret": credential["secret"]}).json["token"]
    assert token["expires_at"].startswith(soon)
    # The user losing the role ends it.
    project_id = identity.request("GET", "/v3/projects?name=demo",
                                  token=admin).json["projects"][0]["id"]
    member_id = identity.request("GET", "/v3/roles?name=member",
                                 token=admin).json["roles"][0]["id"]
    identity.request("DELETE", "/v3/projects/%s/users/%s/roles/%s" % (
        project_id, demo_id, member_id), token=admin)
    assert _auth(identity, {"id": credential["id"],
                            "secret": credential["secret"]}).status_int == 401
    # A bad body.
    for body in ({"application_credential": {}},
                 {"application_credential": {"name": "b", "roles": "x"}},
                 {"application_credential": {"name": "b", "extra": 1}}):
        assert identity.request("POST", path, token=admin,
                                json=body).status_int == 400
