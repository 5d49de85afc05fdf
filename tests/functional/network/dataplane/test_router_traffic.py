"""Routers and floating IPs through the network API and the dataplane
agent, with namespaces for guests (test_namespaces.py's: a lease from
the network's dnsmasq, ping, curl, busybox httpd): a guest on another
network is reached once a router joins the two, a floating IP reaches
its guest from the host and is the source of the guest's connections,
disassociating it and deleting the router undo it all.
"""
import random
import socket
import subprocess

from stratus.network.dataplane import netns
from stratus.network.dataplane import routers as dp_routers
from stratus.network.dataplane import state as dp_state
from tests.functional.network.dataplane import test_namespaces as namespaces

pytestmark = namespaces.pytestmark

ADMIN = namespaces.ADMIN


# test_namespaces.py's in-process network service and dataplane agent.
cloud = namespaces.cloud


def _external(cloud):
    """An external network of a random /24 of 198.18.0.0/15 and its
    subnet."""
    prefix = "198.%d.%d" % (random.choice((18, 19)), random.randrange(1, 255))
    network = cloud.call("POST", "/networks", {"network": {
        "name": "dp2-ext", "router:external": True}}, token=ADMIN,
        status=201)["network"]
    subnet = cloud.call("POST", "/subnets", {"subnet": {
        "network_id": network["id"], "ip_version": 4,
        "cidr": prefix + ".0/24", "enable_dhcp": False}}, token=ADMIN,
        status=201)["subnet"]
    return network, subnet


def _open_default_group(cloud):
    """ICMP and TCP 8080 from anywhere into the project's default
    group (the host's address is in no group)."""
    group = [g for g in cloud.call("GET", "/security-groups")[
        "security_groups"] if g["name"] == "default"][0]
    for protocol, port in (("icmp", None), ("tcp", 8080)):
        cloud.call("POST", "/security-group-rules", {"security_group_rule": {
            "security_group_id": group["id"], "direction": "ingress",
            "ethertype": "IPv4", "protocol": protocol,
            "port_range_min": port, "port_range_max": port,
            "remote_ip_prefix": "0.0.0.0/0"}}, status=201)


def _pings(guest, address):
    # A router leg just made: the first echo may go while ARP resolves.
    return any(guest.pings(address) for _ in range(3))


def _host_pings(address):
    return any(netns.run(["busybox", "ping", "-c", "1", "-W", "1", address],
                         check=False).returncode == 0 for _ in range(3))


def _source_seen_by_host(guest, address):
    """The source address of guest's connection to the host's address
    (on the external network), or None when none arrives."""
    server = socket.socket()
    server.bind((address, 0))
    server.listen(1)
    server.settimeout(5)
    client = subprocess.Popen([
        "ip", "netns", "exec", guest.namespace, "curl", "-s", "-m", "4",
        "http://%s:%d/" % (address, server.getsockname()[1])])
    try:
        accepted, peer = server.accept()
        accepted.close()
        return peer[0]
    except socket.timeout:
        return None
    finally:
        server.close()
        client.kill()
        client.wait()


def test_routers_and_floating_ips_through_the_api(cloud):
    external, external_subnet = _external(cloud)
    host_address = external_subnet["gateway_ip"]
    net1, subnet1 = cloud.network("10.232.1.0/24", name="dp2-one")
    net2, subnet2 = cloud.network("10.232.2.0/24", name="dp2-two")
    port1, port2 = cloud.port(net1), cloud.port(net2)
    first, second = cloud.guest(port1), cloud.guest(port2)
    first.dhcp()
    second.dhcp()
    _open_default_group(cloud)

    # Two networks, no router: nothing goes from one to the other.
    assert not first.pings(second.address)

    router = cloud.call("POST", "/routers", {"router": {
        "name": "dp2-router", "external_gateway_info": {
            "network_id": external["id"]}}}, status=201)["router"]
    for subnet in (subnet1, subnet2):
        cloud.call("PUT", "/routers/%s/add_router_interface" % router["id"],
                   {"subnet_id": subnet["id"]}, status=200)
    namespace = dp_state.router_namespace(router["id"])
    assert namespace in netns.list_namespaces()
    assert _pings(first, second.address)
    assert _pings(second, first.address)

    # A floating IP: the host reaches the guest at it, and the guest's
    # connections come from it; the guest without one goes out as the
    # router's gateway address.
    fip = cloud.call("POST", "/floatingips", {"floatingip": {
        "floating_network_id": external["id"], "port_id": port1["id"]}},
        status=201)["floatingip"]
    address = fip["floating_ip_address"]
    first.serve_http(8080)
    assert _host_pings(address)
    fetched = subprocess.run(["curl", "-s", "-m", "5",
                              "http://%s:8080/" % address],
                             capture_output=True, text=True)
    assert fetched.stdout == "hello from %s\n" % first.address
    assert _source_seen_by_host(first, host_address) == address
    gateway = cloud.call("GET", "/routers/" + router["id"], token=ADMIN)[
        "router"]["external_gateway_info"]["external_fixed_ips"][0][
        "ip_address"]
    assert _source_seen_by_host(second, host_address) == gateway
    with open("/proc/sys/net/ipv4/ip_forward") as handle:
        assert handle.read().strip() == "0"

    # Disassociated: the host no longer reaches the guest.
    cloud.call("PUT", "/floatingips/" + fip["id"],
               {"floatingip": {"port_id": None}}, status=200)
    assert subprocess.run(["curl", "-s", "-m", "3",
                           "http://%s:8080/" % address]).returncode != 0
    assert _source_seen_by_host(first, host_address) == gateway

    # The router goes: its namespace too, and the networks are apart.
    cloud.call("DELETE", "/floatingips/" + fip["id"], status=204)
    for subnet in (subnet1, subnet2):
        cloud.call("PUT", "/routers/%s/remove_router_interface"
                   % router["id"], {"subnet_id": subnet["id"]}, status=200)
    cloud.call("DELETE", "/routers/" + router["id"], status=204)
    assert namespace not in netns.list_namespaces()
    assert not first.pings(second.address)
    assert netns.run(["nft", "list", "table", "inet",
                      dp_routers.HOST_TABLE_PREFIX +
                      dp_state.bridge_name(external["id"])],
                     check=False).returncode != 0
