"""Roles as Keystone has them, seen from the Compute API of a running
all-in-one, with the built-in identity and in Keystone mode.

In Keystone mode the all-in-one (Cloud) runs behind keystonemiddleware
against a Keystone-shaped identity endpoint and uses a Glance-shaped image
endpoint over HTTP: a separate pair of Stratus's identity and image
services on loopback ports, with their own databases, playing Keystone and
Glance. Tokens come from that identity, as a user of a real cloud gets
them.
"""
import pytest
import requests

from stratus import conf as stratus_conf
from stratus import context as stratus_context
from stratus.db import setup as db_setup
from tests.functional import cloud as cloud_harness
from tests.functional.identity import serving

pytestmark = pytest.mark.slow


class Accounts:
    """Users and tokens of an Identity v3 endpoint, over HTTP."""

    def __init__(self, auth_url):
        self.auth_url = auth_url
        self.admin = self.token("admin", "admin", "admin")

    def token(self, user, password, project):
        response = requests.post(self.auth_url + "/auth/tokens", json={
            "auth": {"identity": {"methods": ["password"], "password": {
                "user": {"name": user, "domain": {"name": "Default"},
                         "password": password}}},
                "scope": {"project": {"name": project,
                                      "domain": {"id": "default"}}}}},
            timeout=10)
        assert response.status_code == 201, response.text
        return response.headers["X-Subject-Token"]

    def _call(self, method, path, json=None):
        response = requests.request(method, self.auth_url + path, json=json,
                                    headers={"X-Auth-Token": self.admin},
                                    timeout=10)
        assert response.status_code < 300, response.text
        return response.json() if response.content else None

    def role_id(self, name):
        (role,) = self._call("GET", "/roles?name=" + name)["roles"]
        return role["id"]

    def user_with_only(self, name, role_name):
        """A token of a new user holding only role_name on a new project."""
        project = self._call("POST", "/projects", {
            "project": {"name": name}})["project"]
        user = self._call("POST", "/users", {
            "user": {"name": name, "password": "pw"}})["user"]
        self._call("PUT", "/projects/%s/users/%s/roles/%s" % (
            project["id"], user["id"], self.role_id(role_name)))
        return self.token(name, "pw", name)

    def drop_rule(self, prior, implied):
        self._call("DELETE", "/roles/%s/implies/%s" % (
            self.role_id(prior), self.role_id(implied)))
        # That revoked the tokens of every holder of prior: ours too.
        self.admin = self.token("admin", "admin", "admin")


def served_builtin_cloud(conf, urls, tmp_path):
    """The all-in-one with its own identity, served on loopback:
    (cloud, Accounts), for the length of a fixture."""
    running = cloud_harness.start_cloud(conf, urls, tmp_path,
                                        serve_http=True, auth="builtin")
    yield running, Accounts(running.endpoint("identity") + "/v3")
    running.stop()


@pytest.fixture
def builtin_cloud(conf, sqlite_cloud_urls, tmp_path):
    yield from served_builtin_cloud(conf, sqlite_cloud_urls, tmp_path)


@pytest.fixture
def keystone_and_glance(tmp_path):
    """Identity and image services on loopback ports, on databases of
    their own: the cloud's Keystone and Glance."""
    directory = tmp_path / "keystone"
    directory.mkdir()
    urls = ["sqlite:///%s" % (directory / name)
            for name in ("api.db", "cell0.db", "cell1.db")]
    databases = db_setup.setup_cloud_databases(*urls)
    services = serving.ServedServices(stratus_conf.build_conf(), databases,
                                      str(directory))
    yield services
    services.stop()
    databases.dispose()


def _start_keystone_cloud(services, urls, tmp_path, api_servers=True):
    """The all-in-one configured as an operator configures Nova against
    Keystone and Glance: [keystone_authtoken], [glance]'s service user and,
    with api_servers, [glance] api_servers (else the catalog names Glance)."""
    config = tmp_path / "stratus.conf"
    config.write_text(
        "[api]\nauth_strategy = keystone\n"
        + serving.keystone_authtoken(services.auth_url)
        + "[glance]\n"
        "auth_type = password\nauth_url = %s\n"
        "username = admin\npassword = admin\nproject_name = admin\n"
        "user_domain_name = Default\nproject_domain_name = Default\n"
        % services.auth_url
        + ("api_servers = %s\n" % services.server.url("image")
           if api_servers else ""))
    conf = stratus_conf.build_conf(config_files=[str(config)])
    return cloud_harness.start_cloud(conf, urls, tmp_path / "cloud",
                                     auth="keystone")


@pytest.fixture
def keystone_cloud(keystone_and_glance, sqlite_cloud_urls, tmp_path):
    running = _start_keystone_cloud(keystone_and_glance, sqlite_cloud_urls,
                                    tmp_path)
    yield running, Accounts(keystone_and_glance.auth_url)
    running.stop()


@pytest.fixture(params=["builtin", "keystone"])
def any_cloud(request):
    return request.getfixturevalue(request.param + "_cloud")


def _image_id(api):
    (tiny,) = [image for image in api.app_images()
               if image["name"] == "stratus-tiny"]
    return tiny["id"]


def test_keystone_mode_boots_a_server_end_to_end(keystone_cloud):
    cloud, accounts = keystone_cloud
    api = cloud_harness.StackClient(cloud.apps["compute"],
                                    token=accounts.token("demo", "demo",
                                                         "demo"))
    # Images come from the Glance endpoint, with the caller's token.
    image_id = _image_id(api)
    image = api.get("/images/" + image_id, version="2.35")["image"]
    assert image["name"] == "stratus-tiny"
    assert image["status"] == "ACTIVE"
    server = api.create_server("ks-vm", image=image_id)["server"]
    active = api.wait_for_status(server["id"], "ACTIVE")
    assert active["image"]["id"] == image_id
    assert [s["id"] for s in api.get("/servers")["servers"]] == [
        server["id"]]
    api.delete("/servers/" + server["id"])
    api.wait_for_deleted(server["id"])
    # Without a token, nothing.
    response = api.request("GET", "/v2.1/servers", token="")
    assert response.status_int == 401
    # A context without a token (a periodic task's) reaches Glance as
    # [glance]'s service user.
    admin = stratus_context.get_admin_context()
    assert cloud._image_api().get(admin, image_id)["name"] == "stratus-tiny"


def test_a_member_only_user_runs_its_servers(any_cloud):
    cloud, accounts = any_cloud
    api = cloud_harness.StackClient(
        cloud.apps["compute"], token=accounts.user_with_only("m1", "member"))
    image_id = _image_id(api)
    server = api.create_server("mine", image=image_id)["server"]
    assert api.wait_for_status(server["id"], "ACTIVE")["name"] == "mine"
    assert [s["name"] for s in api.get("/servers/detail")["servers"]] == [
        "mine"]
    api.delete("/servers/" + server["id"])
    api.wait_for_deleted(server["id"])


def test_a_reader_only_user_reads_but_does_not_create(any_cloud):
    cloud, accounts = any_cloud
    member = cloud_harness.StackClient(
        cloud.apps["compute"], token=accounts.user_with_only("m2", "member"))
    image_id = _image_id(member)
    reader = member.as_user(accounts.user_with_only("r2", "reader"))
    assert reader.get("/servers") == {"servers": []}
    assert _image_id(reader) == image_id
    response = reader.request("POST", "/v2.1/servers", {"server": {
        "name": "no", "flavorRef": "1", "imageRef": image_id,
        "networks": "none"}})
    assert response.status_int == 403, response.text
    assert response.json["forbidden"]["message"] == (
        "Policy doesn't allow os_compute_api:servers:create to be "
        "performed.")
    # Another project's member sees nothing of it either.
    server = member.create_server("m2-vm", image=image_id)["server"]
    assert reader.request("GET", "/v2.1/servers/" + server["id"]
                          ).status_int == 404


def test_without_the_implied_roles_reads_need_reader_as_in_nova(
        keystone_cloud):
    """A Keystone whose member no longer implies reader gives member-only
    tokens without reader: Nova's defaults then refuse reads (and allow
    writes), and so do Stratus's."""
    cloud, accounts = keystone_cloud
    accounts.drop_rule("member", "reader")
    api = cloud_harness.StackClient(
        cloud.apps["compute"], token=accounts.user_with_only("m3", "member"))
    response = api.request("GET", "/v2.1/servers")
    assert response.status_int == 403
    assert response.json["forbidden"]["message"] == (
        "Policy doesn't allow os_compute_api:servers:index to be performed.")


def test_without_api_servers_glance_comes_from_the_catalog(
        keystone_and_glance, sqlite_cloud_urls, tmp_path):
    cloud = _start_keystone_cloud(keystone_and_glance, sqlite_cloud_urls,
                                  tmp_path, api_servers=False)
    try:
        accounts = Accounts(keystone_and_glance.auth_url)
        token = accounts.token("demo", "demo", "demo")
        # An image only the Glance of the catalog has (the all-in-one's
        # built-in image service has stratus-tiny only).
        glance = keystone_and_glance.server.url("image")
        headers = {"X-Auth-Token": token}
        image = requests.post(glance + "/v2/images", headers=headers, json={
            "name": "only-in-glance", "disk_format": "raw",
            "container_format": "bare"}, timeout=10).json()
        assert requests.put(
            glance + "/v2/images/%s/file" % image["id"], data=b"disk",
            headers=dict(headers, **{
                "Content-Type": "application/octet-stream"}),
            timeout=10).status_code == 204
        api = cloud_harness.StackClient(cloud.apps["compute"], token=token)
        assert "only-in-glance" in [i["name"] for i in api.app_images()]
        server = api.create_server("from-catalog", image=image["id"])
        assert api.wait_for_status(server["server"]["id"], "ACTIVE")[
            "image"]["id"] == image["id"]
    finally:
        cloud.stop()


def test_the_image_catalog_crosses_rpc_with_the_context():
    catalog = [{"type": "image", "endpoints": [
                   {"interface": "public", "url": "http://glance:9292"}]},
               {"type": "identity", "endpoints": []}]
    ctx = stratus_context.RequestContext(user_id="u", project_id="p",
                                         service_catalog=catalog)
    again = stratus_context.RequestContext.from_dict(ctx.to_dict())
    assert again.service_catalog == catalog[:1]
