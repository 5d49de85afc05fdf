"""The network commands of the real `openstack` CLI and openstacksdk's
cloud layer against an all-in-one on its defaults: the built-in network
service, servers on its ports, the shared network "private" joined to
"public" by "router1" (docs/networking.md, "The all-in-one's networks")."""
import ipaddress
import time

import pytest

pytestmark = pytest.mark.slow


def _image(cli):
    return cli.json("image", "list")[0]["Name"]


def _addresses(cli, server):
    """{network name: [addresses]} of `server show`."""
    return cli.json("server", "show", server)["addresses"]


def test_a_fresh_all_in_one_offers_public_private_and_router1(cli):
    networks = {n["Name"]: n for n in cli.json("network", "list")}
    assert set(networks) == {"public", "private"}
    private = cli.json("network", "show", "private")
    assert private["shared"] is True
    assert private["router:external"] is False
    public = cli.json("network", "show", "public")
    assert public["router:external"] is True and public["is_default"] is True
    subnet = cli.json("subnet", "show", "private-subnet")
    assert subnet["cidr"] == "10.0.0.0/24"
    assert subnet["gateway_ip"] == "10.0.0.1"
    router = cli.json("router", "show", "router1")
    assert router["external_gateway_info"]["network_id"] == public["id"]
    interfaces = cli.json("port", "list", "--router", "router1",
                          "--device-owner", "network:router_interface")
    assert [p["Fixed IP Addresses"][0]["ip_address"] for p in interfaces] == [
        "10.0.0.1"]
    # A member sees the shared and the external network too.
    demo = cli.as_cloud("stratus-demo")
    assert {n["Name"] for n in demo.json("network", "list")} == {
        "public", "private"}


def test_networks_subnets_ports(cli):
    created = cli.json("network", "create", "--description", "first",
                       "cli-net")
    assert created["name"] == "cli-net" and created["status"] == "ACTIVE"
    assert "cli-net" in {n["Name"] for n in cli.json("network", "list")}
    cli.run("network", "set", "--name", "cli-net2", "--description",
            "renamed", "cli-net")
    shown = cli.json("network", "show", "cli-net2")
    assert (shown["id"], shown["description"]) == (created["id"], "renamed")

    subnet = cli.json(
        "subnet", "create", "--network", "cli-net2",
        "--subnet-range", "192.168.50.0/24",
        "--allocation-pool", "start=192.168.50.100,end=192.168.50.150",
        "--gateway", "192.168.50.254", "--dns-nameserver", "192.168.50.53",
        "--host-route", "destination=10.9.0.0/16,gateway=192.168.50.1",
        "cli-subnet")
    assert subnet["allocation_pools"] == [
        {"start": "192.168.50.100", "end": "192.168.50.150"}]
    assert subnet["gateway_ip"] == "192.168.50.254"
    assert subnet["dns_nameservers"] == ["192.168.50.53"]
    assert subnet["host_routes"] == [
        {"destination": "10.9.0.0/16", "nexthop": "192.168.50.1"}]
    listed = cli.json("subnet", "list", "--network", "cli-net2")
    assert [s["Name"] for s in listed] == ["cli-subnet"]

    port = cli.json("port", "create", "--network", "cli-net2",
                    "--fixed-ip", "subnet=cli-subnet,ip-address=192.168.50.120",
                    "cli-port")
    assert port["fixed_ips"][0]["ip_address"] == "192.168.50.120"
    assert len(port["security_group_ids"]) == 1     # the default group
    cli.run("port", "set", "--allowed-address", "ip-address=192.168.50.200",
            "--no-security-group", "--name", "cli-port2", "cli-port")
    changed = cli.json("port", "show", "cli-port2")
    assert changed["security_group_ids"] == []
    assert [pair["ip_address"] for pair in
            changed["allowed_address_pairs"]] == ["192.168.50.200"]
    cli.run("port", "set", "--fixed-ip", "ip-address=192.168.50.121",
            "cli-port2")
    assert {ip["ip_address"] for ip in cli.json(
        "port", "show", "cli-port2")["fixed_ips"]} == {
        "192.168.50.120", "192.168.50.121"}
    bare = cli.json("port", "create", "--network", "cli-net2",
                    "--no-security-group", "cli-bare")
    assert bare["security_group_ids"] == []
    assert ipaddress.ip_address(bare["fixed_ips"][0]["ip_address"]) in \
        ipaddress.ip_network("192.168.50.0/24")

    in_use = cli.run("subnet", "delete", "cli-subnet", check=False)
    assert in_use.returncode != 0
    cli.run("port", "delete", "cli-port2", "cli-bare")
    cli.run("subnet", "delete", "cli-subnet")
    assert cli.json("subnet", "list", "--network", "cli-net2") == []
    cli.run("network", "delete", "cli-net2")
    assert "cli-net2" not in {n["Name"] for n in cli.json("network", "list")}


def test_routers_security_groups_floating_ips(cli):
    cli.run("network", "create", "r-net")
    cli.run("subnet", "create", "--network", "r-net", "--subnet-range",
            "192.168.60.0/24", "r-subnet")
    router = cli.json("router", "create", "r1")
    assert router["external_gateway_info"] is None
    cli.run("router", "set", "--external-gateway", "public", "r1")
    gateway = cli.json("router", "show", "r1")["external_gateway_info"]
    assert gateway["network_id"] == cli.json("network", "show",
                                             "public")["id"]
    public_ip = gateway["external_fixed_ips"][0]["ip_address"]
    assert ipaddress.ip_address(public_ip) in \
        ipaddress.ip_network("172.24.4.0/24")
    cli.run("router", "add", "subnet", "r1", "r-subnet")
    assert [p["Fixed IP Addresses"][0]["ip_address"] for p in cli.json(
        "port", "list", "--router", "r1",
        "--device-owner", "network:router_interface")] == ["192.168.60.1"]

    group = cli.json("security", "group", "create", "--description", "web",
                     "cli-web")
    rule = cli.json("security", "group", "rule", "create", "--protocol",
                    "tcp", "--dst-port", "80:80", "--remote-ip",
                    "0.0.0.0/0", "cli-web")
    assert (rule["port_range_min"], rule["port_range_max"]) == (80, 80)
    rules = cli.json("security", "group", "rule", "list", "cli-web")
    assert {r["ID"] for r in rules} >= {rule["id"]}
    assert "cli-web" in {g["Name"] for g in cli.json("security", "group",
                                                      "list")}

    port = cli.json("port", "create", "--network", "r-net",
                    "--security-group", "cli-web", "r-port")
    assert port["security_group_ids"] == [group["id"]]
    fip = cli.json("floating", "ip", "create", "public")
    address = fip["floating_ip_address"]
    assert fip["port_id"] is None
    cli.run("floating", "ip", "set", "--port", "r-port", address)
    shown = cli.json("floating", "ip", "show", address)
    assert shown["port_id"] == port["id"]
    assert shown["fixed_ip_address"] == port["fixed_ips"][0]["ip_address"]
    assert shown["router_id"] == router["id"]
    cli.run("floating", "ip", "unset", "--port", address)
    assert cli.json("floating", "ip", "show", address)["port_id"] is None
    cli.run("floating", "ip", "delete", address)
    assert cli.json("floating", "ip", "list") == []

    cli.run("port", "delete", "r-port")
    cli.run("security", "group", "rule", "delete", rule["id"])
    cli.run("security", "group", "delete", "cli-web")
    cli.run("router", "remove", "subnet", "r1", "r-subnet")
    cli.run("router", "unset", "--external-gateway", "r1")
    cli.run("router", "delete", "r1")
    assert {r["Name"] for r in cli.json("router", "list")} == {"router1"}
    cli.run("network", "delete", "r-net")


def _wait_for(predicate, timeout=15):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "not true in time"
        time.sleep(0.2)


def _action(cli, action, *args):
    """Runs a command that sends the server action; skips the test, naming
    the action, where the compute API does not serve it."""
    result = cli.run(*args, check=False)
    if "There is no such action: %s" % action in result.stderr:
        pytest.skip("the compute API's %s action is not served here"
                    % action)
    assert result.returncode == 0, result.stderr


def _server_ports(cli, server):
    return cli.json("port", "list", "--server", server, "--long")


def test_servers_on_networks_ports_and_floating_ips(cli):
    image = _image(cli)
    # No network named: Nova boots on the only one the project sees.
    cli.run("server", "create", "--flavor", "m1.tiny", "--image", image,
            "--wait", "vm-auto")
    addresses = _addresses(cli, "vm-auto")
    assert list(addresses) == ["private"]
    assert ipaddress.ip_address(addresses["private"][0]) in \
        ipaddress.ip_network("10.0.0.0/24")

    net = cli.json("network", "create", "s-net")
    cli.run("subnet", "create", "--network", "s-net", "--subnet-range",
            "192.168.70.0/24", "s-subnet")
    ambiguous = cli.run("server", "create", "--flavor", "m1.tiny",
                        "--image", image, "vm-which", check=False)
    assert ambiguous.returncode != 0
    assert "409" in ambiguous.stderr
    assert "More than one possible network found" in ambiguous.stderr

    cli.run("server", "create", "--flavor", "m1.tiny", "--image", image,
            "--network", "s-net", "--wait", "vm-net")
    assert list(_addresses(cli, "vm-net")) == ["s-net"]
    cli.run("server", "create", "--flavor", "m1.tiny", "--image", image,
            "--nic", "net-id=%s,v4-fixed-ip=192.168.70.50" % net["id"],
            "--wait", "vm-nic")
    assert _addresses(cli, "vm-nic") == {"s-net": ["192.168.70.50"]}
    cli.json("port", "create", "--network", "s-net", "--fixed-ip",
             "ip-address=192.168.70.60", "s-port")
    cli.run("server", "create", "--flavor", "m1.tiny", "--image", image,
            "--port", "s-port", "--wait", "vm-port")
    assert _addresses(cli, "vm-port") == {"s-net": ["192.168.70.60"]}
    assert cli.json("port", "show", "s-port")["device_id"] == cli.json(
        "server", "show", "vm-port")["id"]
    group = cli.json("security", "group", "create", "s-web")
    cli.run("server", "create", "--flavor", "m1.tiny", "--image", image,
            "--network", "private", "--security-group", "s-web", "--wait",
            "vm-sg")
    assert [p["Security Groups"] for p in _server_ports(cli, "vm-sg")] == [
        [group["id"]]]

    # A floating IP from public, through router1 to the server on private.
    address = cli.json("floating", "ip", "create",
                       "public")["floating_ip_address"]
    cli.run("server", "add", "floating", "ip", "vm-auto", address)
    fip = cli.json("floating", "ip", "show", address)
    assert fip["fixed_ip_address"] == addresses["private"][0]
    # The network service tells the compute (network-changed).
    _wait_for(lambda: address in _addresses(cli, "vm-auto")["private"])
    cli.run("server", "remove", "floating", "ip", "vm-auto", address)
    assert cli.json("floating", "ip", "show", address)["port_id"] is None
    _wait_for(lambda: address not in _addresses(cli, "vm-auto")["private"])
    cli.run("floating", "ip", "delete", address)

    # Deleting a server frees its ports, and gives back the user's.
    for server in ("vm-net", "vm-nic", "vm-port", "vm-sg"):
        cli.run("server", "delete", "--wait", server)
    assert cli.json("port", "show", "s-port")["device_id"] == ""
    assert {p["Name"] for p in cli.json(
        "port", "list", "--network", "s-net")} == {"s-port"}

    # Interfaces (os-interface with a port, or a network and a fixed IP),
    # the compute API's removeFixedIp, addSecurityGroup and
    # removeSecurityGroup actions: the compute proxies' work.
    cli.json("port", "create", "--network", "s-net", "--fixed-ip",
             "ip-address=192.168.70.70", "s-port2")
    attached = cli.run("server", "add", "port", "vm-auto", "s-port2",
                       check=False)
    if "Port %s could not be found" % cli.json(
            "port", "show", "s-port2")["id"] in attached.stderr:
        pytest.skip("os-interface does not attach a port of the network "
                    "service here (port_id, compute RPC 1.10)")
    assert attached.returncode == 0, attached.stderr
    assert _addresses(cli, "vm-auto")["s-net"] == ["192.168.70.70"]
    cli.run("server", "remove", "port", "vm-auto", "s-port2")
    assert "s-net" not in _addresses(cli, "vm-auto")
    assert cli.json("port", "show", "s-port2")["device_id"] == ""
    cli.run("server", "add", "fixed", "ip", "--fixed-ip-address",
            "192.168.70.77", "vm-auto", "s-net")
    assert _addresses(cli, "vm-auto")["s-net"] == ["192.168.70.77"]
    # removeFixedIp is served up to 2.43, as in Nova.
    _action(cli, "removeFixedIp", "--os-compute-api-version", "2.43",
            "server", "remove", "fixed", "ip",
            "vm-auto", "192.168.70.77")
    assert "s-net" not in _addresses(cli, "vm-auto")
    _action(cli, "addSecurityGroup", "server", "add", "security", "group",
            "vm-auto", "s-web")
    assert all(group["id"] in port["Security Groups"]
               for port in _server_ports(cli, "vm-auto"))
    _action(cli, "removeSecurityGroup", "server", "remove", "security",
            "group", "vm-auto", "s-web")
    assert not any(group["id"] in port["Security Groups"]
                   for port in _server_ports(cli, "vm-auto"))
    cli.run("server", "delete", "--wait", "vm-auto")


def test_openstacksdk_cloud_layer_auto_ip(http_cloud):
    """conn.create_server(auto_ip=True): a floating IP of public attached
    to the server on private (through router1); delete_ips frees it."""
    import openstack
    import yaml
    with open(http_cloud.clouds_yaml) as handle:
        auth = yaml.safe_load(handle)["clouds"]["stratus-demo"]
    conn = openstack.connect(**auth)
    image = next(iter(conn.image.images()))
    server = conn.create_server("sdk-fip", image=image.id, flavor="m1.tiny",
                                auto_ip=True, wait=True, timeout=60)
    assert server.status == "ACTIVE"
    # create_server answers the server as the compute API has it;
    # get_server adds the cloud layer's public_v4 and private_v4.
    assert [a["OS-EXT-IPS:type"] for a in server.addresses["private"]] == [
        "fixed", "floating"]
    server = conn.get_server(server.id)
    address = server.public_v4
    assert ipaddress.ip_address(address) in \
        ipaddress.ip_network("172.24.4.0/24")
    assert ipaddress.ip_address(server.private_v4) in \
        ipaddress.ip_network("10.0.0.0/24")
    [fip] = conn.list_floating_ips()
    assert fip.floating_ip_address == address
    assert fip.fixed_ip_address == server.private_v4
    assert conn.delete_server(server.id, wait=True, delete_ips=True,
                              timeout=60)
    assert conn.list_floating_ips() == []
    assert conn.get_server("sdk-fip") is None
