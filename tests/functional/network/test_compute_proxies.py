"""The compute API's network proxies against a cloud whose servers have
ports of the built-in network service ([network] provider = neutron):
what a user does through the Compute API is what the network service
holds — a security group made with /os-security-groups, the groups of a
server's ports after addSecurityGroup / removeSecurityGroup, a floating
IP of /os-floating-ips associated with the server's port (and shown in
its addresses), the security groups a server create names."""
import time

import pytest
import webob

from tests.functional import cloud as cloud_harness

DEMO = "demo:project-d"
ADMIN = "admin:admin"


def _network_call(cloud, method, path, body=None, token=DEMO):
    request = webob.Request.blank(path, method=method, json=body,
                                  headers={"X-Auth-Token": token})
    response = request.get_response(cloud.apps["network"])
    assert response.status_code < 300, response.text
    return response.json if response.body else None


@pytest.fixture
def ported_cloud(conf, cloud_urls, tmp_path):
    conf.set_override("provider", "neutron", group="network")
    conf.set_override("vif_plugging_timeout", 5)
    running = cloud_harness.start_cloud(conf, cloud_urls, tmp_path, nodes=1)
    yield running
    running.stop()


def _private_network(cloud):
    network = _network_call(cloud, "POST", "/v2.0/networks",
                            {"network": {"name": "private"}})["network"]
    subnet = _network_call(cloud, "POST", "/v2.0/subnets", {"subnet": {
        "network_id": network["id"], "cidr": "10.20.0.0/24",
        "ip_version": 4}})["subnet"]
    return network, subnet


def _api(cloud, version="2.35"):
    return cloud_harness.StackClient(cloud.apps["compute"]).as_user(
        DEMO, version=version)


def _server(cloud, api, network, **extra):
    server = api.create_server(name="web", image=api.first_image_id(),
                               networks=[{"uuid": network["id"]}],
                               **extra)["server"]
    api.wait_for_status(server["id"], "ACTIVE")
    return server


def _port(cloud, server_id):
    [port] = _network_call(cloud, "GET", "/v2.0/ports?device_id=%s"
                           % server_id, token=ADMIN)["ports"]
    return port


def _action(api, server_id, body, expected=(202,)):
    return api.request("POST", "/v2.1/servers/%s/action" % server_id, body,
                       ) if expected is None else api.post(
        "/servers/%s/action" % server_id, body, expected=expected)


def test_security_groups_through_the_compute_api(ported_cloud):
    cloud = ported_cloud
    network, _ = _private_network(cloud)
    api = _api(cloud)
    group = api.post("/os-security-groups", {"security_group": {
        "name": "web", "description": "web servers"}})["security_group"]
    rule = api.post("/os-security-group-rules", {"security_group_rule": {
        "parent_group_id": group["id"], "ip_protocol": "tcp",
        "from_port": 80, "to_port": 80, "cidr": "0.0.0.0/0"}}
    )["security_group_rule"]

    # The network service holds the group and its rule.
    held = _network_call(cloud, "GET", "/v2.0/security-groups/%s"
                         % group["id"])["security_group"]
    assert held["name"] == "web"
    [ingress] = [r for r in held["security_group_rules"]
                 if r["direction"] == "ingress"]
    assert (ingress["id"], ingress["protocol"], ingress["port_range_min"],
            ingress["port_range_max"]) == (rule["id"], "tcp", 80, 80)

    server = _server(cloud, api, network)
    port = _port(cloud, server["id"])
    default = _network_call(cloud, "GET", "/v2.0/security-groups?name=default"
                            )["security_groups"][0]
    assert port["security_groups"] == [default["id"]]

    _action(api, server["id"], {"addSecurityGroup": {"name": "web"}})
    assert sorted(_port(cloud, server["id"])["security_groups"]) == sorted(
        [default["id"], group["id"]])
    shown = api.get("/servers/%s/os-security-groups" % server["id"])
    assert [g["name"] for g in shown["security_groups"]] == ["default",
                                                              "web"]
    assert shown["security_groups"][1]["rules"][0]["from_port"] == 80

    # In use by the port: Nova's 400.
    response = api.request("DELETE", "/v2.1/os-security-groups/%s"
                           % group["id"])
    assert response.status_int == 400, response.text

    _action(api, server["id"], {"removeSecurityGroup": {"name": "web"}})
    assert _port(cloud, server["id"])["security_groups"] == [default["id"]]
    response = api.request("POST", "/v2.1/servers/%s/action" % server["id"],
                           {"removeSecurityGroup": {"name": "web"}})
    assert response.status_int == 404
    assert "not associated with the instance" in response.text
    response = api.request("POST", "/v2.1/servers/%s/action" % server["id"],
                           {"addSecurityGroup": {"name": "nope"}})
    assert response.status_int == 404
    assert response.json["itemNotFound"]["message"] == (
        "Security group nope is not found for project project-d")
    response = api.request("POST", "/v2.1/servers/%s/action" % server["id"],
                           {"addSecurityGroup": {"name": " "}})
    assert response.status_int == 400
    # The actions and a server's groups are served at every microversion.
    _action(_api(cloud, "2.90"), server["id"],
            {"addSecurityGroup": {"name": "web"}})
    shown = _api(cloud, "2.90").get("/servers/%s/os-security-groups"
                                    % server["id"])
    assert [g["name"] for g in shown["security_groups"]] == ["default",
                                                              "web"]


def test_a_server_create_names_its_security_groups(ported_cloud):
    cloud = ported_cloud
    network, _ = _private_network(cloud)
    api = _api(cloud)
    group = api.post("/os-security-groups", {"security_group": {
        "name": "db", "description": ""}})["security_group"]
    server = _server(cloud, api, network, security_groups=[{"name": "db"}])
    assert _port(cloud, server["id"])["security_groups"] == [group["id"]]

    response = api.request("POST", "/v2.1/servers", {"server": {
        "name": "x", "flavorRef": "1", "imageRef": api.first_image_id(),
        "networks": [{"uuid": network["id"]}],
        "security_groups": [{"name": "nope"}]}})
    assert response.status_int == 400, response.text
    assert "nope" in response.json["badRequest"]["message"]


def _route_to_public(cloud, subnet):
    public = _network_call(cloud, "GET", "/v2.0/networks?name=public"
                           )["networks"][0]
    router = _network_call(cloud, "POST", "/v2.0/routers", {"router": {
        "name": "router",
        "external_gateway_info": {"network_id": public["id"]}}})["router"]
    _network_call(cloud, "PUT", "/v2.0/routers/%s/add_router_interface"
                  % router["id"], {"subnet_id": subnet["id"]})


def _wait_for_addresses(api, server_id, predicate, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        addresses = api.server(server_id)["addresses"]
        if predicate(addresses):
            return addresses
        if time.monotonic() > deadline:
            raise AssertionError(addresses)
        time.sleep(0.05)


def test_a_floating_ip_through_the_compute_api(ported_cloud):
    cloud = ported_cloud
    network, subnet = _private_network(cloud)
    _route_to_public(cloud, subnet)
    api = _api(cloud)
    server = _server(cloud, api, network)
    floating = api.post("/os-floating-ips", {"pool": "public"}
                        )["floating_ip"]
    assert floating["instance_id"] is None

    _action(api, server["id"], {"addFloatingIp": {
        "address": floating["ip"]}})
    port = _port(cloud, server["id"])
    held = _network_call(cloud, "GET", "/v2.0/floatingips/%s"
                         % floating["id"])["floatingip"]
    assert held["port_id"] == port["id"]
    assert held["fixed_ip_address"] == port["fixed_ips"][0]["ip_address"]
    shown = api.get("/os-floating-ips/%s" % floating["id"])["floating_ip"]
    assert (shown["instance_id"], shown["fixed_ip"]) == (
        server["id"], held["fixed_ip_address"])
    addresses = _wait_for_addresses(api, server["id"], lambda found: any(
        address["addr"] == floating["ip"]
        for address in found.get("private", ())))
    [fip_address] = [a for a in addresses["private"]
                     if a["addr"] == floating["ip"]]
    assert fip_address["OS-EXT-IPS:type"] == "floating"

    # Not this server's: Nova's 409; then taken off.
    response = api.request("POST", "/v2.1/servers/%s/action" % server["id"],
                           {"removeFloatingIp": {"address": "10.99.0.1"}})
    assert response.status_int == 404
    _action(api, server["id"], {"removeFloatingIp": {
        "address": floating["ip"]}})
    assert _network_call(cloud, "GET", "/v2.0/floatingips/%s"
                         % floating["id"])["floatingip"]["port_id"] is None
    response = api.request("POST", "/v2.1/servers/%s/action" % server["id"],
                           {"removeFloatingIp": {"address": floating["ip"]}})
    assert response.status_int == 409
    response = api.request("POST", "/v2.1/servers/%s/action" % server["id"],
                           {"addFloatingIp": {"address": floating["ip"],
                                              "fixed_address": "10.99.0.1"}})
    assert response.status_int == 400
    assert response.json["badRequest"]["message"] == (
        "Specified fixed address not assigned to instance")
    api.delete("/os-floating-ips/%s" % floating["id"])
    assert api.get("/os-floating-ips")["floating_ips"] == []


def _ports(cloud, server_id):
    return _network_call(cloud, "GET", "/v2.0/ports?device_id=%s"
                         % server_id, token=ADMIN)["ports"]


def test_interfaces_with_ports_and_fixed_ips(ported_cloud):
    cloud = ported_cloud
    network, subnet = _private_network(cloud)
    api = _api(cloud, version="2.43")
    server = _server(cloud, api, network)
    path = "/servers/%s/os-interface" % server["id"]
    mine = _network_call(cloud, "POST", "/v2.0/ports", {"port": {
        "network_id": network["id"]}})["port"]

    attached = api.post(path, {"interfaceAttachment": {
        "port_id": mine["id"]}})["interfaceAttachment"]
    assert attached["port_id"] == mine["id"]
    assert _network_call(cloud, "GET", "/v2.0/ports/%s" % mine["id"]
                         )["port"]["device_id"] == server["id"]
    response = api.request("POST", "/v2.1" + path, {"interfaceAttachment": {
        "port_id": mine["id"]}})
    assert response.status_int == 409, response.text
    response = api.request("POST", "/v2.1" + path, {"interfaceAttachment": {
        "port_id": "6b8c1b2e-2f79-4b4f-9c0e-3b55a8f0a001"}})
    assert response.status_int == 404, response.text

    # Addresses are allocated at random, as Neutron does: ask for one no
    # port of the network holds yet.
    taken = {fixed["ip_address"] for port in _network_call(
        cloud, "GET", "/v2.0/ports?network_id=%s" % network["id"],
        token=ADMIN)["ports"] for fixed in port["fixed_ips"]}
    chosen = next(address for address in (
        "10.20.0.%d" % last for last in range(50, 250))
        if address not in taken)
    with_ip = api.post(path, {"interfaceAttachment": {
        "net_id": network["id"],
        "fixed_ips": [{"ip_address": chosen}]}})["interfaceAttachment"]
    assert with_ip["fixed_ips"] == [{"subnet_id": subnet["id"],
                                     "ip_address": chosen}]
    response = api.request("POST", "/v2.1" + path, {"interfaceAttachment": {
        "net_id": network["id"],
        "fixed_ips": [{"ip_address": chosen}]}})
    assert response.status_int == 409, response.text
    assert "already in use" in response.json["conflictingRequest"]["message"]
    response = api.request("POST", "/v2.1" + path, {"interfaceAttachment": {
        "net_id": network["id"],
        "fixed_ips": [{"ip_address": "10.99.0.5"}]}})
    assert response.status_int == 400, response.text
    assert len(_ports(cloud, server["id"])) == 3
    # The server's interfaces, as the network service has its ports.
    listed = api.get(path)["interfaceAttachments"]
    assert sorted(view["port_id"] for view in listed) == sorted(
        port["id"] for port in _ports(cloud, server["id"]))
    assert {view["fixed_ips"][0]["subnet_id"] for view in listed} == {
        subnet["id"]}
    shown = api.get(path + "/" + mine["id"])["interfaceAttachment"]
    assert (shown["net_id"], shown["mac_addr"]) == (network["id"],
                                                    mine["mac_address"])
    other = _network_call(cloud, "POST", "/v2.0/ports", {"port": {
        "network_id": network["id"]}})["port"]
    response = api.request("GET", "/v2.1%s/%s" % (path, other["id"]))
    assert response.status_int == 404
    assert response.json["itemNotFound"]["message"] == (
        "Instance %s does not have a port with id %s"
        % (server["id"], other["id"]))

    # addFixedIp: one more port on the network; removeFixedIp: the port
    # with the address goes.
    _action(api, server["id"], {"addFixedIp": {"networkId": network["id"]}})
    assert len(_ports(cloud, server["id"])) == 4
    _action(api, server["id"], {"removeFixedIp": {"address": chosen}})
    assert chosen not in [
        port["fixed_ips"][0]["ip_address"]
        for port in _ports(cloud, server["id"])]
    response = api.request("POST", "/v2.1/servers/%s/action" % server["id"],
                           {"removeFixedIp": {"address": chosen}})
    assert response.status_int == 400
    assert response.json["badRequest"]["message"] == (
        "Instance %s doesn't have fixed IP '%s'." % (server["id"], chosen))
    response = _api(cloud, "2.44").request(
        "POST", "/v2.1/servers/%s/action" % server["id"],
        {"addFixedIp": {"networkId": network["id"]}})
    assert response.status_int == 404
