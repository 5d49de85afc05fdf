"""The compute API's network proxies and the Neutron client on a started
all-in-one served over HTTP: with the built-in identity (tokens over
HTTP, the built-in network service on its own port), and in keystone
mode, where the network service is the one the token's catalog names."""
import pytest
import requests

from stratus import context as stratus_context
from stratus.network import neutron
from tests.functional import cloud as cloud_harness
from tests.functional.identity.test_roles_on_compute import Accounts
from tests.functional.identity.test_roles_on_compute import \
    _start_keystone_cloud
from tests.functional.identity.test_roles_on_compute import \
    keystone_and_glance  # noqa: F401 (fixture)
from tests.functional.identity.test_roles_on_compute import \
    served_builtin_cloud

pytestmark = pytest.mark.slow


def _create_network(url, token, **network):
    response = requests.post(url + "/v2.0/networks",
                             json={"network": network},
                             headers={"X-Auth-Token": token}, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()["network"]


def _compute_get(url, token, path):
    response = requests.get(url + path, timeout=10, headers={
        "X-Auth-Token": token, "OpenStack-API-Version": "compute 2.35"})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def served_cloud(conf, cloud_urls, tmp_path):
    """A served all-in-one with builtin auth, on every backend."""
    yield from served_builtin_cloud(conf, cloud_urls, tmp_path)


def test_the_proxies_of_a_served_all_in_one(served_cloud):
    cloud, accounts = served_cloud
    token = accounts.token("demo", "demo", "demo")
    network_url = cloud.endpoint("network")
    private = _create_network(network_url, token, name="served-private")
    _create_network(network_url, accounts.admin, name="served-public",
                    **{"router:external": True})
    compute_url = cloud.endpoint("compute")
    listed = _compute_get(compute_url, token, "/v2.1/os-networks")
    # Beside the bootstrap's external network "public".
    assert sorted(n["label"] for n in listed["networks"]) == [
        "public", "served-private", "served-public"]
    shown = _compute_get(compute_url, token,
                         "/v2.1/os-tenant-networks/" + private["id"])
    assert shown["network"] == {"id": private["id"], "cidr": "None",
                                "label": "served-private"}
    pools = _compute_get(compute_url, token, "/v2.1/os-floating-ip-pools")
    assert sorted(pool["name"] for pool in pools["floating_ip_pools"]) == [
        "public", "served-public"]


def test_the_client_over_http_with_a_builtin_token(served_cloud, conf):
    cloud, accounts = served_cloud
    token = accounts.token("demo", "demo", "demo")
    _create_network(cloud.endpoint("network"), token, name="mine")
    conf.set_override("endpoint_override", cloud.endpoint("network"),
                      group="neutron")
    client = neutron.NeutronAPI.from_conf(conf)
    ctx = stratus_context.RequestContext(user_id="demo", project_id="demo",
                                         auth_token=token)
    assert [n["name"] for n in client.list_networks(
        ctx, **{"router:external": False})] == ["mine"]
    assert client.list_extensions(ctx)


def test_keystone_mode_reaches_the_neutron_of_the_catalog(
        keystone_and_glance, sqlite_cloud_urls, tmp_path):  # noqa: F811
    cloud = _start_keystone_cloud(keystone_and_glance, sqlite_cloud_urls,
                                  tmp_path)
    try:
        accounts = Accounts(keystone_and_glance.auth_url)
        token = accounts.token("demo", "demo", "demo")
        # A network only the Neutron of the catalog has (the all-in-one's
        # built-in network service has none).
        _create_network(keystone_and_glance.server.url("network"), token,
                        name="only-in-neutron")
        api = cloud_harness.StackClient(cloud.apps["compute"], token=token)
        listed = api.get("/os-networks", version="2.35")["networks"]
        assert [n["label"] for n in listed] == ["only-in-neutron"]
    finally:
        cloud.stop()
