"""/os-keypairs on every database backend."""
import pytest

from stratus import context as stratus_context
from stratus import objects
from stratus.objects import keypair as keypair_obj
from tests.functional.api import fixtures

ALICE = "alice:project-a"
BOB = "bob:project-a"


@pytest.fixture(scope="module")
def ssh_key():
    """One generated public key for the module (RSA generation is slow)."""
    return keypair_obj.generate_ssh_keypair()[1]


@pytest.fixture
def app(conf, databases):
    return fixtures.client(fixtures.make_app(conf, databases), token=ALICE)


@pytest.fixture
def sqlite_app(conf, sqlite_databases):
    """For tests of API behaviour rather than of the database."""
    return fixtures.client(fixtures.make_app(conf, sqlite_databases),
                           token=ALICE)


def _import(client, name, public_key, version="2.1", token=None):
    return client.post("/os-keypairs", {"keypair": {
        "name": name, "public_key": public_key}}, version=version,
        token=token)


def test_import_show_list_delete(app, ssh_key):
    created = _import(app, "mine", ssh_key, version="2.2")["keypair"]
    fingerprint = keypair_obj.ssh_fingerprint(ssh_key)
    assert created == {"name": "mine", "public_key": ssh_key,
                       "fingerprint": fingerprint, "user_id": "alice",
                       "type": "ssh"}
    shown = app.get("/os-keypairs/mine", version="2.2")["keypair"]
    assert {k: shown[k] for k in ("name", "user_id", "deleted",
                                  "deleted_at", "updated_at", "type")} == {
        "name": "mine", "user_id": "alice", "deleted": False,
        "deleted_at": None, "updated_at": None, "type": "ssh"}
    assert isinstance(shown["id"], int) and "T" in shown["created_at"]
    assert app.get("/os-keypairs", version="2.2") == {"keypairs": [
        {"keypair": {"name": "mine", "public_key": ssh_key,
                     "fingerprint": fingerprint, "type": "ssh"}}]}
    # another user of the same project sees nothing
    assert app.get("/os-keypairs", token=BOB) == {"keypairs": []}
    response = app.request("GET", "/v2.1/os-keypairs/mine", token=BOB)
    assert response.status_int == 404
    assert response.json["itemNotFound"]["message"] == (
        "Keypair mine not found for user bob")
    assert app.request("DELETE", "/v2.1/os-keypairs/mine",
                       version="2.2").status_int == 204
    assert app.request("DELETE", "/v2.1/os-keypairs/mine",
                       version="2.2").status_int == 404


def test_status_codes_and_type_before_2_2(sqlite_app, ssh_key):
    app = sqlite_app
    response = app.request("POST", "/v2.1/os-keypairs", {"keypair": {
        "name": "old", "public_key": ssh_key}}, version="2.1")
    assert response.status_int == 200
    assert "type" not in response.json["keypair"]
    assert "type" not in app.get("/os-keypairs")["keypairs"][0]["keypair"]
    assert app.request("POST", "/v2.1/os-keypairs", {"keypair": {
        "name": "x", "public_key": ssh_key, "type": "ssh"}},
        version="2.1").status_int == 400
    assert app.request("DELETE", "/v2.1/os-keypairs/old",
                       version="2.1").status_int == 202
    response = app.request("POST", "/v2.1/os-keypairs", {"keypair": {
        "name": "new", "public_key": ssh_key}}, version="2.2")
    assert response.status_int == 201


def test_generated_keys(sqlite_app):
    app = sqlite_app
    created = app.post("/os-keypairs", {"keypair": {"name": "gen"}},
                       version="2.91")["keypair"]
    assert created["private_key"].startswith("-----BEGIN RSA PRIVATE KEY")
    assert created["public_key"].startswith("ssh-rsa ")
    assert created["fingerprint"] == keypair_obj.ssh_fingerprint(
        created["public_key"])
    x509 = app.post("/os-keypairs", {"keypair": {"name": "cert",
                                                 "type": "x509"}},
                    version="2.91")["keypair"]
    assert x509["type"] == "x509"
    assert x509["public_key"].startswith("-----BEGIN CERTIFICATE")
    assert len(x509["fingerprint"].split(":")) == 20
    assert "private_key" not in app.get("/os-keypairs/gen")["keypair"]


def test_import_only_and_wider_names_from_2_92(sqlite_app, ssh_key):
    app = sqlite_app
    assert app.request("POST", "/v2.1/os-keypairs", {"keypair": {
        "name": "gen"}}, version="2.92").status_int == 400
    body = {"keypair": {"name": "me@host.example", "public_key": ssh_key}}
    assert app.request("POST", "/v2.1/os-keypairs", body,
                       version="2.91").status_int == 400
    assert app.request("POST", "/v2.1/os-keypairs", body,
                       version="2.92").status_int == 201
    assert app.get("/os-keypairs/me@host.example")["keypair"]["name"] == (
        "me@host.example")


@pytest.mark.parametrize("keypair", [
    {"name": ""}, {"name": " lead"}, {"name": "a/b"}, {"name": "x" * 256},
    {"name": "k", "public_key": "not a key"},
    {"name": "k", "public_key": "ssh-rsa AAAA"},
    {"name": "k", "type": "x509", "public_key": "not a cert"},
    {"name": "k", "type": "gpg"}, {"name": "k", "extra": 1}, {},
])
def test_bad_bodies(conf, sqlite_databases, keypair):
    client = fixtures.client(fixtures.make_app(conf, sqlite_databases))
    response = client.request("POST", "/v2.1/os-keypairs",
                              {"keypair": keypair}, version="2.2")
    assert response.status_int == 400, response.text
    assert response.json["badRequest"]["message"]


def test_duplicate_conflicts(app, ssh_key):
    _import(app, "dup", ssh_key)
    response = app.request("POST", "/v2.1/os-keypairs", {"keypair": {
        "name": "dup", "public_key": ssh_key}})
    assert response.status_int == 409
    assert response.json["conflictingRequest"]["message"] == (
        "Key pair 'dup' already exists.")
    # the same name is fine for another user
    _import(app, "dup", ssh_key, token=BOB)


def test_quota(app, ssh_key, conf):
    conf.set_override("key_pairs", 1, group="quota")
    _import(app, "one", ssh_key)
    response = app.request("POST", "/v2.1/os-keypairs", {"keypair": {
        "name": "two", "public_key": ssh_key}})
    assert response.status_int == 403
    assert response.json["forbidden"]["message"] == (
        "Quota exceeded, too many key pairs.")
    # the limit is per user
    _import(app, "two", ssh_key, token=BOB)


def test_admin_acts_for_other_users_from_2_10(sqlite_app, ssh_key):
    app = sqlite_app
    admin = app.as_user("admin:admin")
    body = {"keypair": {"name": "given", "public_key": ssh_key,
                        "user_id": "alice"}}
    assert admin.request("POST", "/v2.1/os-keypairs", body,
                         version="2.9").status_int == 400
    created = admin.post("/os-keypairs", body, version="2.10")["keypair"]
    assert created["user_id"] == "alice"
    assert [k["keypair"]["name"] for k in app.get("/os-keypairs")[
        "keypairs"]] == ["given"]
    assert admin.get("/os-keypairs?user_id=alice", version="2.9") == {
        "keypairs": []}
    assert len(admin.get("/os-keypairs?user_id=alice", version="2.10")[
        "keypairs"]) == 1
    assert admin.get("/os-keypairs/given?user_id=alice",
                     version="2.10")["keypair"]["user_id"] == "alice"
    # a user cannot reach another's keypairs
    response = app.request("GET", "/v2.1/os-keypairs?user_id=admin",
                           version="2.10", token=BOB)
    assert response.status_int == 403
    assert app.request("POST", "/v2.1/os-keypairs", body, version="2.10",
                       token=BOB).status_int == 403
    assert admin.request("DELETE", "/v2.1/os-keypairs/given?user_id=alice",
                         version="2.10").status_int == 204


def test_paging_from_2_35(app, ssh_key):
    for name in ("c", "a", "b"):
        _import(app, name, ssh_key)

    def names(body):
        return [k["keypair"]["name"] for k in body["keypairs"]]
    page = app.get("/os-keypairs?limit=2", version="2.35")
    assert names(page) == ["a", "b"]
    assert page["keypairs_links"] == [{"rel": "next", "href": (
        "http://localhost/v2.1/os-keypairs?limit=2&marker=b")}]
    assert names(app.get("/os-keypairs?limit=2&marker=b",
                         version="2.35")) == ["c"]
    assert app.request("GET", "/v2.1/os-keypairs?marker=zz",
                       version="2.35").status_int == 400
    # before 2.35 paging parameters are ignored
    assert names(app.get("/os-keypairs?limit=1", version="2.34")) == [
        "a", "b", "c"]
    assert app.request("GET", "/v2.1/os-keypairs?bogus=1",
                       version="2.74").status_int == 200
    assert app.request("GET", "/v2.1/os-keypairs?bogus=1",
                       version="2.75").status_int == 400


def test_nul_characters_never_reach_the_database(app):
    for method, path in (("GET", "/os-keypairs/%00"),
                         ("DELETE", "/os-keypairs/%00"),
                         ("GET", "/os-keypairs?marker=%00"),
                         ("GET", "/os-keypairs?user_id=%00")):
        response = app.request(method, "/v2.1" + path, version="2.35")
        assert response.status_int in (400, 403, 404), path
    response = app.request("POST", "/v2.1/os-keypairs", {"keypair": {
        "name": "a", "public_key": "ssh-rsa \u0000"}})
    assert response.status_int == 400


def test_keypair_objects(databases, ssh_key):
    context = stratus_context.get_admin_context(databases)
    keypair = objects.KeyPair(context=context, name="k", user_id="u",
                              public_key=ssh_key, type="ssh",
                              fingerprint=keypair_obj.ssh_fingerprint(ssh_key))
    keypair.create()
    loaded = objects.KeyPair.get_by_name(context, "u", "k")
    assert (loaded.id, loaded.public_key) == (keypair.id, ssh_key)
    assert objects.KeyPairList.get_count_by_user(context, "u") == 1
    assert [k.name for k in objects.KeyPairList.get_by_user(context, "u")] == [
        "k"]
    loaded.destroy()
    assert objects.KeyPairList.get_count_by_user(context, "u") == 0
