"""Servers with ports of the built-in network service ([network] provider
= neutron) on the fake driver: a build creates and binds the server's
port, waits for network-vif-plugged (the fake driver reports the port
plugged as an agent, the service tells the compute API), shows its
address; a delete frees it. A port never plugged fails the build after
vif_plugging_timeout with Nova's fault, on no other host."""
import webob

import pytest

from tests.functional import cloud as cloud_harness

DEMO = "demo:project-d"


def _network_call(cloud, method, path, body=None, token=DEMO):
    request = webob.Request.blank(path, method=method, json=body,
                                  headers={"X-Auth-Token": token})
    response = request.get_response(cloud.apps["network"])
    assert response.status_code < 300, response.text
    return response.json if response.body else None


def _private_network(cloud, cidr="10.10.0.0/24"):
    network = _network_call(cloud, "POST", "/v2.0/networks",
                            {"network": {"name": "private"}})["network"]
    subnet = _network_call(cloud, "POST", "/v2.0/subnets", {"subnet": {
        "network_id": network["id"], "cidr": cidr, "ip_version": 4}}
    )["subnet"]
    return network, subnet


@pytest.fixture
def ported_cloud(conf, cloud_urls, tmp_path):
    conf.set_override("provider", "neutron", group="network")
    conf.set_override("vif_plugging_timeout", 5)
    running = cloud_harness.start_cloud(conf, cloud_urls, tmp_path,
                                        hosts=2, nodes=1)
    yield running
    running.stop()


def _demo(cloud):
    return cloud_harness.StackClient(cloud.apps["compute"]).as_user(DEMO)


def test_a_server_gets_a_bound_plugged_port_and_frees_it(ported_cloud):
    cloud = ported_cloud
    network, subnet = _private_network(cloud)
    api = _demo(cloud)
    server = api.create_server(name="web", image=api.first_image_id(),
                               networks=[{"uuid": network["id"]}])["server"]
    api.wait_for_status(server["id"], "ACTIVE")
    shown = api.server(server["id"])
    assert "private" in shown["addresses"], shown
    [address] = shown["addresses"]["private"]
    assert address["version"] == 4
    assert address["addr"].startswith("10.10.0.")

    admin = "admin:admin"
    [port] = _network_call(cloud, "GET", "/v2.0/ports?device_id=%s"
                           % server["id"], token=admin)["ports"]
    assert port["status"] == "ACTIVE"
    host = cloud_harness.StackClient(cloud.apps["compute"]).server(
        server["id"])["OS-EXT-SRV-ATTR:host"]
    assert port["binding:host_id"] == host
    assert port["device_owner"] == "compute:nova"
    assert port["fixed_ips"] == [{"subnet_id": subnet["id"],
                                  "ip_address": address["addr"]}]
    assert address["OS-EXT-IPS-MAC:mac_addr"] == port["mac_address"]

    api.delete("/servers/%s" % server["id"])
    api.wait_for_deleted(server["id"])
    assert _network_call(cloud, "GET", "/v2.0/ports?device_id=%s"
                         % server["id"], token=admin)["ports"] == []


def test_a_port_the_user_made_is_given_back_unbound(ported_cloud):
    cloud = ported_cloud
    network, _ = _private_network(cloud)
    port = _network_call(cloud, "POST", "/v2.0/ports", {"port": {
        "network_id": network["id"], "name": "mine"}})["port"]
    api = _demo(cloud)
    server = api.create_server(image=api.first_image_id(),
                               networks=[{"port": port["id"]}])["server"]
    api.wait_for_status(server["id"], "ACTIVE")
    shown = _network_call(cloud, "GET", "/v2.0/ports/%s" % port["id"],
                          token="admin:admin")["port"]
    assert shown["device_id"] == server["id"]
    assert shown["status"] == "ACTIVE"
    api.delete("/servers/%s" % server["id"])
    api.wait_for_deleted(server["id"])
    kept = _network_call(cloud, "GET", "/v2.0/ports/%s" % port["id"],
                         token="admin:admin")["port"]
    assert kept["device_id"] == ""
    assert kept["binding:host_id"] == ""


def test_auto_takes_the_one_network_of_the_project(ported_cloud):
    cloud = ported_cloud
    _private_network(cloud, "10.20.0.0/24")
    api = _demo(cloud)
    server = api.create_server(image=api.first_image_id(),
                               networks="auto")["server"]
    api.wait_for_status(server["id"], "ACTIVE")
    [address] = api.server(server["id"])["addresses"]["private"]
    assert address["addr"].startswith("10.20.0.")


def test_a_port_never_plugged_fails_the_build_without_a_reschedule(
        ported_cloud):
    cloud = ported_cloud
    for compute in cloud.computes:
        compute.manager.driver.inject_failure("plug_vifs")
    network, _ = _private_network(cloud)
    api = _demo(cloud)
    server = api.create_server(image=api.first_image_id(),
                               networks=[{"uuid": network["id"]}])["server"]
    api.wait_for_status(server["id"], "ERROR", timeout=30)
    fault = cloud_harness.StackClient(cloud.apps["compute"]).server(
        server["id"])["fault"]
    assert fault["message"] == (
        "Build of instance %s aborted: Failed to allocate the network(s), "
        "not rescheduling." % server["id"])
    actions = api.get("/servers/%s/os-instance-actions" % server["id"])
    assert len(actions["instanceActions"]) == 1
    assert _network_call(cloud, "GET", "/v2.0/ports?device_id=%s"
                         % server["id"], token="admin:admin")["ports"] == []


def _port_of(cloud, server_id):
    [port] = _network_call(cloud, "GET", "/v2.0/ports?device_id=%s"
                           % server_id, token="admin:admin")["ports"]
    return port


@pytest.mark.parametrize("move", ["cold", "live"])
def test_a_moved_server_takes_its_port_along(ported_cloud, move):
    cloud = ported_cloud
    network, _ = _private_network(cloud)
    api = _demo(cloud)
    admin = cloud_harness.StackClient(cloud.apps["compute"])
    server = api.create_server(image=api.first_image_id(),
                               networks=[{"uuid": network["id"]}])["server"]
    api.wait_for_status(server["id"], "ACTIVE")
    before = _port_of(cloud, server["id"])
    source = admin.server(server["id"])["OS-EXT-SRV-ATTR:host"]
    if move == "cold":
        admin.post("/servers/%s/action" % server["id"], {"migrate": None})
        admin.wait_for_status(server["id"], "VERIFY_RESIZE")
        admin.post("/servers/%s/action" % server["id"],
                   {"confirmResize": None}, expected=(204,))
    else:
        admin.post("/servers/%s/action" % server["id"], {"os-migrateLive": {
            "host": None, "block_migration": "auto"}})
    admin.wait_for_status(server["id"], "ACTIVE")
    shown = admin.server(server["id"])
    assert shown["OS-EXT-SRV-ATTR:host"] != source
    after = _port_of(cloud, server["id"])
    assert after["id"] == before["id"]
    assert after["binding:host_id"] == shown["OS-EXT-SRV-ATTR:host"]
    assert after["status"] == "ACTIVE"
    assert shown["addresses"]["private"][0]["addr"] == (
        before["fixed_ips"][0]["ip_address"])
