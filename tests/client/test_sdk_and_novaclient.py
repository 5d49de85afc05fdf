"""openstacksdk and python-novaclient against the running all-in-one."""
import pytest
import yaml

pytestmark = pytest.mark.slow


def _auth(http_cloud, cloud_name="stratus"):
    with open(http_cloud.clouds_yaml) as handle:
        return yaml.safe_load(handle)["clouds"][cloud_name]


def test_openstacksdk_boots_lists_and_deletes(http_cloud):
    import openstack
    conn = openstack.connect(**_auth(http_cloud))
    flavor = conn.compute.find_flavor("m1.tiny")
    image = next(iter(conn.image.images()))
    server = conn.compute.create_server(name="sdk-vm", flavor_id=flavor.id,
                                        image_id=image.id, networks="none")
    server = conn.compute.wait_for_server(server, status="ACTIVE", wait=30,
                                          interval=0.2)
    assert server.status == "ACTIVE"
    assert [s.name for s in conn.compute.servers()] == ["sdk-vm"]
    conn.compute.delete_server(server)
    conn.compute.wait_for_delete(server, wait=30, interval=0.2)
    assert list(conn.compute.servers()) == []


def test_novaclient_boots_lists_and_deletes(http_cloud):
    from keystoneauth1 import loading
    from keystoneauth1 import session
    from novaclient import client as nova_client
    auth_conf = _auth(http_cloud)["auth"]
    loader = loading.get_plugin_loader("password")
    auth = loader.load_from_options(**auth_conf)
    # the newest microversion this novaclient knows; Stratus serves up to 2.104
    nova = nova_client.Client("2.96", session=session.Session(auth=auth))
    flavor = nova.flavors.find(name="m1.tiny")
    images = nova.glance.list()
    server = nova.servers.create("nova-vm", images[0].id, flavor.id, nics="none")
    import time
    deadline = time.monotonic() + 30
    while nova.servers.get(server.id).status != "ACTIVE":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert [s.name for s in nova.servers.list()] == ["nova-vm"]
    nova.servers.delete(server.id)
    deadline = time.monotonic() + 30
    while nova.servers.list():
        assert time.monotonic() < deadline
        time.sleep(0.1)
