"""The metadata API answers each guest about itself, by its fixed IP."""
import base64
import json
import subprocess
import shutil

import pytest
import webob

from stratus.api.metadata import app as metadata_app
from stratus.metadata import content as metadata_content
from stratus.network import model as network_model
from stratus.objects import keypair as keypair_obj
from stratus.virt import configdrive
from tests.functional.servers import fixtures

HOST = "cmp1"
USER_DATA = b"#cloud-config\nhostname: vm1\n"
KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGuest test@stratus"


def _network_info(address):
    return network_model.bridge_vif(
        "0b9c4f5e-3c9d-4d0e-9a4e-2b7d1c3a5f60", "fa:16:3e:00:00:05",
        address, "net-1", "stratus-br0", "private", "10.253.0.0/24",
        "10.253.0.1", "demo", routes=[("169.254.169.254/32", "10.253.0.1")])


@pytest.fixture
def env(conf, databases, tmp_path):
    servers = fixtures.Servers(conf, databases, tmp_path)
    keypairs = keypair_obj.KeyPairList(objects=[keypair_obj.KeyPair(
        name="k1", user_id="demo", public_key=KEY, type="ssh",
        fingerprint="00")])
    servers.vm = servers.place(
        name="vm1", host=HOST, key_name="k1", key_data=KEY,
        keypairs=keypairs, metadata={"role": "web"},
        user_data=base64.b64encode(USER_DATA).decode(),
        info_cache=json.dumps([_network_info("10.253.0.5")]))
    servers.place(name="elsewhere", host="cmp2",
                  info_cache=json.dumps([_network_info("10.253.0.6")]))
    servers.app = metadata_app.make_app(conf, databases, host=HOST)
    yield servers
    servers.close()


def _get(env, path, address="10.253.0.5", method="GET"):
    req = webob.Request.blank(path, method=method,
                              environ={"REMOTE_ADDR": address})
    return req.get_response(env.app)


def test_meta_data_json_describes_the_calling_instance(env):
    response = _get(env, "/openstack/latest/meta_data.json")
    assert response.status_int == 200
    assert response.content_type == "application/json"
    meta = response.json
    assert meta["uuid"] == env.vm.uuid
    assert meta["name"] == meta["hostname"] == "vm1"
    assert meta["public_keys"] == {"k1": KEY}
    assert meta["keys"] == [{"name": "k1", "type": "ssh", "data": KEY}]
    assert meta["meta"] == {"role": "web"}
    assert meta["project_id"] == "demo"
    assert meta["launch_index"] == 0
    assert meta["devices"] == []
    assert "availability_zone" in meta


def test_user_data_is_served_decoded(env):
    response = _get(env, "/openstack/2018-08-27/user_data")
    assert response.status_int == 200
    assert response.body == USER_DATA
    assert _get(env, "/latest/user-data").body == USER_DATA


def test_network_data_vendor_data_and_password(env):
    network = _get(env, "/openstack/latest/network_data.json").json
    assert network["links"][0]["ethernet_mac_address"] == "fa:16:3e:00:00:05"
    assert network["networks"][0]["ip_address"] == "10.253.0.5"
    assert network["networks"][0]["routes"] == [{
        "network": "169.254.169.254", "netmask": "255.255.255.255",
        "gateway": "10.253.0.1"}]
    assert _get(env, "/openstack/latest/vendor_data2.json").json == {}
    password = _get(env, "/openstack/latest/password")
    assert (password.status_int, password.body) == (200, b"")
    listing = _get(env, "/openstack/latest").text.split("\n")
    assert {"meta_data.json", "network_data.json", "user_data",
            "vendor_data2.json", "password"} <= set(listing)
    assert "latest" in _get(env, "/openstack").text.split("\n")


def test_ec2_tree(env):
    assert _get(env, "/latest/meta-data/hostname").text == "vm1"
    assert _get(env, "/latest/meta-data/local-ipv4").text == "10.253.0.5"
    assert _get(env, "/2009-04-04/meta-data/public-keys/").text == "0=k1/"
    assert _get(env, "/latest/meta-data/public-keys/0/openssh-key"
                ).text == KEY
    assert "placement/" in _get(env, "/latest/meta-data/").text.split("\n")
    assert _get(env, "/latest/meta-data/placement/availability-zone"
                ).status_int == 200
    assert "latest" in _get(env, "/").text.split("\n")


def test_other_addresses_and_paths_get_404(env):
    assert _get(env, "/openstack/latest/meta_data.json",
                address="10.253.0.9").status_int == 404
    # The instance with that address lives on another host.
    assert _get(env, "/openstack/latest/meta_data.json",
                address="10.253.0.6").status_int == 404
    assert _get(env, "/openstack/1999-01-01/meta_data.json").status_int == 404
    assert _get(env, "/latest/meta-data/no-such-key").status_int == 404
    assert _get(env, "/openstack/latest/meta_data.json",
                method="DELETE").status_int == 405


@pytest.mark.skipif(shutil.which("genisoimage") is None
                    or shutil.which("isoinfo") is None,
                    reason="genisoimage not installed (tools/install-virt.sh)")
def test_config_drive_holds_the_same_content(env, tmp_path):
    target = str(tmp_path / "disk.config")
    configdrive.make_config_drive(env.vm, None, target)
    label = subprocess.run(["isoinfo", "-d", "-i", target],
                           capture_output=True, text=True).stdout
    assert "Volume id: config-2" in label
    meta = subprocess.run(
        ["isoinfo", "-R", "-i", target, "-x",
         "/openstack/latest/meta_data.json"], capture_output=True,
        check=True).stdout
    assert json.loads(meta) == metadata_content.InstanceMetadata(
        env.vm).meta_data()
    user_data = subprocess.run(
        ["isoinfo", "-R", "-i", target, "-x", "/openstack/latest/user_data"],
        capture_output=True, check=True).stdout
    assert user_data == USER_DATA


def _proxied(env, conf, headers):
    conf.set_override("service_metadata_proxy", True, group="neutron")
    conf.set_override("metadata_proxy_shared_secret", "s3cret",
                      group="neutron")
    req = webob.Request.blank("/openstack/latest/meta_data.json",
                              environ={"REMOTE_ADDR": "127.0.0.1"},
                              headers=headers)
    return req.get_response(env.app)


def test_behind_a_metadata_proxy_the_signed_instance_id_names_the_guest(
        env, conf):
    from stratus.network.dataplane import metadata_proxy
    uuid = env.vm.uuid
    signed = metadata_proxy.signature("s3cret", uuid)
    good = {"X-Instance-ID": uuid, "X-Tenant-ID": env.vm.project_id,
            "X-Instance-ID-Signature": signed,
            "X-Forwarded-For": "10.0.0.7"}
    response = _proxied(env, conf, good)
    assert response.status_int == 200
    assert response.json["uuid"] == uuid
    # Nova's answers: a header missing 400, a bad signature 403, another
    # project's instance 404.
    for name in ("X-Instance-ID", "X-Instance-ID-Signature", "X-Tenant-ID"):
        headers = {key: value for key, value in good.items() if key != name}
        assert _proxied(env, conf, headers).status_int == 400
    assert _proxied(env, conf, dict(
        good, **{"X-Instance-ID-Signature": "0" * 64})).status_int == 403
    assert _proxied(env, conf, dict(
        good, **{"X-Tenant-ID": "someone-else"})).status_int == 404
