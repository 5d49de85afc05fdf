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


def test_novaclient_gets_consoles_with_the_actions_of_before_2_6(http_cloud):
    """python-novaclient's get_vnc_console / get_serial_console below 2.6
    send os-getVNCConsole / os-getSerialConsole; from 2.6 remote-consoles."""
    import time

    from keystoneauth1 import loading
    from keystoneauth1 import session
    from novaclient import client as nova_client
    auth = loading.get_plugin_loader("password").load_from_options(
        **_auth(http_cloud)["auth"])
    auth_session = session.Session(auth=auth)
    nova = nova_client.Client("2.37", session=auth_session)
    flavor = nova.flavors.find(name="m1.tiny")
    server = nova.servers.create("console-vm", nova.glance.list()[0].id,
                                 flavor.id, nics="none")
    deadline = time.monotonic() + 30
    while nova.servers.get(server.id).status != "ACTIVE":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    legacy = nova_client.Client("2.1", session=auth_session)
    vnc = legacy.servers.get_vnc_console(server.id, "novnc")
    assert vnc["console"]["type"] == "novnc"
    assert "vnc_auto.html?path=%3Ftoken%3D" in vnc["console"]["url"]
    serial = legacy.servers.get_serial_console(server.id, "serial")
    assert serial["console"]["url"].startswith("ws://")
    current = nova.servers.get_vnc_console(server.id, "novnc")
    assert current["remote_console"]["protocol"] == "vnc"
    nova.servers.delete(server.id)
