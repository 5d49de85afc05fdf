"""auth_strategy = keystone: keystonemiddleware's auth_token in front of the
Compute API, validating tokens against an Identity v3 service over HTTP.

The Identity service here is Stratus's built-in one, served on a loopback
port: keystonemiddleware talks to it exactly as it talks to Keystone
(service-user password authentication, then GET /v3/auth/tokens with the
user's token as X-Subject-Token).
"""
import pytest
import requests
import webob

from stratus.api.compute import app as compute_app
from stratus.api.placement import app as placement_app
from stratus import conf as stratus_conf
from stratus import rpc
from tests.functional.identity import serving

pytestmark = pytest.mark.slow


def _token(auth_url, user, password, project):
    response = requests.post(auth_url + "/auth/tokens", json={"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": user, "domain": {"name": "Default"},
            "password": password}}},
        "scope": {"project": {"name": project,
                              "domain": {"id": "default"}}}}}, timeout=10)
    assert response.status_code == 201, response.text
    return response.headers["X-Subject-Token"]


def _keystone_conf(served, tmp_path):
    """Keystone mode configured the way an operator configures Nova: a
    [keystone_authtoken] section in a config file."""
    config = tmp_path / "stratus.conf"
    config.write_text(
        "[api]\nauth_strategy = keystone\n"
        + serving.keystone_authtoken(served.auth_url)
        # Validate every time, so a revocation shows at once.
        + "token_cache_time = -1\n"
        "[glance]\napi_servers = %s\n" % served.server.url("image"))
    return stratus_conf.build_conf(config_files=[str(config)])


@pytest.fixture
def keystone_compute(served, sqlite_databases, tmp_path):
    """The Compute API in keystone mode."""
    conf = _keystone_conf(served, tmp_path)
    messaging = rpc.Messaging(conf, url=rpc.IN_PROCESS_URL)
    yield compute_app.make_app(conf, sqlite_databases, messaging)
    messaging.cleanup()


def _get(app, path, token=None):
    headers = {"OpenStack-API-Version": "compute 2.35"}
    if token is not None:
        headers["X-Auth-Token"] = token
    return webob.Request.blank(path, headers=headers).get_response(app)


def test_a_valid_keystone_token_is_accepted(served, keystone_compute):
    token = _token(served.auth_url, "demo", "demo", "demo")
    response = _get(keystone_compute, "/v2.1/servers", token)
    assert response.status_int == 200, response.text
    assert response.json == {"servers": []}
    # The user's token goes on to the image service, as to Glance.
    response = _get(keystone_compute, "/v2.1/images", token)
    assert response.status_int == 200, response.text
    assert "stratus-tiny" in [image["name"]
                              for image in response.json["images"]]


def test_roles_from_the_token_decide_policy(served, keystone_compute):
    member = _token(served.auth_url, "demo", "demo", "demo")
    admin = _token(served.auth_url, "admin", "admin", "admin")
    assert _get(keystone_compute, "/v2.1/os-services",
                member).status_int == 403
    assert _get(keystone_compute, "/v2.1/os-services",
                admin).status_int == 200


def test_missing_or_bad_tokens_are_refused(served, keystone_compute):
    for token in (None, "not-a-token"):
        response = _get(keystone_compute, "/v2.1/servers", token)
        assert response.status_int == 401, response.text
        assert response.headers["WWW-Authenticate"] == (
            'Keystone uri="%s"' % served.auth_url)


def test_a_revoked_token_is_refused(served, keystone_compute):
    token = _token(served.auth_url, "demo", "demo", "demo")
    assert _get(keystone_compute, "/v2.1/servers", token).status_int == 200
    response = requests.delete(
        served.auth_url + "/auth/tokens",
        headers={"X-Auth-Token": token, "X-Subject-Token": token},
        timeout=10)
    assert response.status_code == 204, response.text
    assert _get(keystone_compute, "/v2.1/servers", token).status_int == 401


def test_the_version_documents_need_no_token(keystone_compute):
    # As Nova's paste pipeline: version discovery before authentication.
    for path in ("/", "/v2", "/v2/", "/v2.1", "/v2.1/"):
        response = _get(keystone_compute, path)
        assert response.status_int == 200, (path, response.text)
    assert [v["id"] for v in _get(keystone_compute, "/").json["versions"]] == [
        "v2.0", "v2.1"]
    assert _get(keystone_compute, "/v2.1").json["version"]["id"] == "v2.1"
    # Everything below the version document still needs one.
    assert _get(keystone_compute, "/v2.1/flavors").status_int == 401


def test_placement_root_needs_no_token(served, sqlite_databases, tmp_path):
    placement = placement_app.make_app(_keystone_conf(served, tmp_path),
                                       sqlite_databases)
    response = webob.Request.blank("/").get_response(placement)
    assert response.status_int == 200, response.text
    assert response.json["versions"][0]["id"] == "v1.0"
    assert webob.Request.blank("/resource_providers").get_response(
        placement).status_int == 401
