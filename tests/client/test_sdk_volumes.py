"""Volumes and servers with openstacksdk (its block storage and compute
proxies and its cloud layer), python-novaclient and Ansible's
openstack.cloud collection against an all-in-one over HTTP (builtin auth,
the built-in block storage service found through the catalog)."""
import json
import os
import subprocess
import sys

import pytest
import yaml

from tests.client import test_ansible
from tests.client.test_volume_server_cli import until

pytestmark = pytest.mark.slow

BIN = os.path.dirname(sys.executable)


def _auth(http_cloud, cloud_name="stratus"):
    with open(http_cloud.clouds_yaml) as handle:
        return yaml.safe_load(handle)["clouds"][cloud_name]


def _connect(http_cloud, cloud_name="stratus"):
    import openstack
    return openstack.connect(**_auth(http_cloud, cloud_name))


def _server(conn, name):
    flavor = conn.compute.find_flavor("m1.tiny")
    image = conn.image.find_image("stratus-tiny")
    server = conn.compute.create_server(name=name, flavor_id=flavor.id,
                                        image_id=image.id, networks="none")
    return conn.compute.wait_for_server(server, status="ACTIVE", wait=60,
                                        interval=0.2)


def test_sdk_proxies_attach_list_detach(http_cloud):
    conn = _connect(http_cloud)
    volume = conn.block_storage.create_volume(size=1, name="sdk-vol")
    volume = conn.block_storage.wait_for_status(
        volume, status="available", wait=60, interval=0.2)
    assert (volume.size, volume.status) == (1, "available")
    server = _server(conn, "sdk-vm")

    attachment = conn.compute.create_volume_attachment(
        server, volume_id=volume.id)
    assert attachment.volume_id == volume.id
    assert attachment.device == "/dev/vdb"
    volume = conn.block_storage.wait_for_status(
        volume, status="in-use", wait=60, interval=0.2)
    assert [a["server_id"] for a in volume.attachments] == [server.id]
    listed = list(conn.compute.volume_attachments(server))
    assert [(a.volume_id, a.device) for a in listed] == [
        (volume.id, "/dev/vdb")]
    assert conn.get_server(server.id).volumes[0]["id"] == volume.id

    conn.compute.delete_volume_attachment(server, volume.id)
    volume = conn.block_storage.wait_for_status(
        volume, status="available", wait=60, interval=0.2)
    assert volume.attachments == []
    assert until(lambda: list(conn.compute.volume_attachments(server))
                  == [] or None, "detached")
    conn.compute.delete_server(server)
    conn.compute.wait_for_delete(server, wait=60, interval=0.2)
    conn.block_storage.delete_volume(volume)
    conn.block_storage.wait_for_delete(volume, wait=60, interval=0.2)
    assert conn.block_storage.find_volume("sdk-vol") is None


def test_sdk_cloud_layer_boot_from_volume_attach_detach(http_cloud):
    conn = _connect(http_cloud)
    server = conn.create_server(
        "cloud-bfv", image="stratus-tiny", flavor="m1.tiny",
        boot_from_volume=True, volume_size=1, terminate_volume=True,
        network="private", wait=True, timeout=120)
    assert server.status == "ACTIVE"
    [root] = conn.get_server(server.id).volumes
    root = conn.get_volume(root["id"])
    assert (root.status, root.size, root.is_bootable) == ("in-use", 1, True)

    data = conn.create_volume(size=1, name="cloud-data", wait=True,
                              timeout=60)
    attachment = conn.attach_volume(server, data, wait=True, timeout=60)
    assert attachment["device"] == "/dev/vdb"
    assert conn.get_volume("cloud-data").status == "in-use"
    attachments = {a.volume_id: a.device
                   for a in conn.compute.volume_attachments(server)}
    assert attachments == {root.id: "/dev/vda", data.id: "/dev/vdb"}
    conn.detach_volume(server, conn.get_volume("cloud-data"), wait=True,
                       timeout=60)
    assert conn.get_volume("cloud-data").status == "available"

    # terminate_volume: the root volume goes with the server.
    assert conn.delete_server(server.id, wait=True, timeout=60)
    until(lambda: conn.get_volume(root.id) is None, "root volume deleted")
    assert conn.delete_volume("cloud-data", wait=True, timeout=60)
    assert conn.list_volumes() == []


def test_novaclient_server_volumes(http_cloud):
    from keystoneauth1 import loading
    from keystoneauth1 import session
    from novaclient import client as nova_client
    conn = _connect(http_cloud)
    volume = conn.create_volume(size=1, name="nova-vol", wait=True,
                                timeout=60)
    server = _server(conn, "nova-vol-vm")
    auth = loading.get_plugin_loader("password").load_from_options(
        **_auth(http_cloud)["auth"])
    nova = nova_client.Client("2.96", session=session.Session(auth=auth))

    attached = nova.volumes.create_server_volume(server.id, volume.id,
                                                 tag="logs")
    assert (attached.volumeId, attached.device) == (volume.id, "/dev/vdb")
    until(lambda: conn.get_volume(volume.id).status == "in-use", "in use")
    [listed] = nova.volumes.get_server_volumes(server.id)
    assert (listed.volumeId, listed.tag) == (volume.id, "logs")
    assert listed.attachment_id      # 2.89
    shown = nova.volumes.get_server_volume(server.id, volume.id)
    assert shown.device == "/dev/vdb"
    nova.volumes.delete_server_volume(server.id, volume.id)
    until(lambda: conn.get_volume(volume.id).status == "available",
           "available")
    assert nova.volumes.get_server_volumes(server.id) == []
    # An unknown volume: Nova's 404.
    from novaclient import exceptions
    with pytest.raises(exceptions.NotFound):
        nova.volumes.create_server_volume(
            server.id, "3b1f9b5e-1b2c-4d5e-8f90-123456789abc")
    nova.servers.delete(server.id)
    conn.compute.wait_for_delete(server, wait=60, interval=0.2)
    conn.delete_volume(volume.id, wait=True, timeout=60)


def _volume_playbook(state):
    common = {"cloud": test_ansible.CLOUD, "state": state}
    tasks = [
        {"name": "volume", "openstack.cloud.volume": dict(
            common, name="ans-vol", size=1)},
        {"name": "attached", "openstack.cloud.server_volume": dict(
            common, server="ans-vol-vm", volume="ans-vol")},
    ]
    if state == "absent":
        tasks.reverse()
    return [{"hosts": "localhost", "connection": "local",
             "gather_facts": False, "tasks": tasks}]


def _run_volume_playbook(http_cloud, tmp_path, state):
    pytest.importorskip("ansible_collections.openstack.cloud")
    path = tmp_path / ("volume-%s.yaml" % state)
    path.write_text(yaml.safe_dump(_volume_playbook(state), sort_keys=False))
    env = test_ansible.playbook_env(http_cloud, tmp_path,
                                    ANSIBLE_STDOUT_CALLBACK="json")
    completed = subprocess.run(
        [os.path.join(BIN, "ansible-playbook"), "-i", "localhost,",
         "-e", "ansible_python_interpreter=%s" % sys.executable, str(path)],
        env=env, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stdout[-4000:] + \
        completed.stderr[-2000:]
    return json.loads(completed.stdout)["stats"]["localhost"]


def test_ansible_volume_and_server_volume(http_cloud, tmp_path):
    conn = _connect(http_cloud, test_ansible.CLOUD)
    server = _server(conn, "ans-vol-vm")

    made = _run_volume_playbook(http_cloud, tmp_path, "present")
    assert made["changed"] == 2
    volume = conn.get_volume("ans-vol")
    assert volume.status == "in-use"
    assert [a["server_id"] for a in volume.attachments] == [server.id]
    # Again: nothing to change.
    assert _run_volume_playbook(http_cloud, tmp_path, "present")[
        "changed"] == 0

    _run_volume_playbook(http_cloud, tmp_path, "absent")
    assert conn.get_volume("ans-vol") is None
    assert list(conn.compute.volume_attachments(server)) == []
    conn.compute.delete_server(server)
    conn.compute.wait_for_delete(server, wait=60, interval=0.2)
