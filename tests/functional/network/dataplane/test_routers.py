"""Routers and floating IPs on the host, with "guests" that are network
namespaces plugged onto the networks' bridges (a veth with the port's
MAC, a static address and a default route via the subnet's gateway):
routers join networks, a floating IP reaches a guest from the host and
is its source address outside, nothing is routed by the root namespace.

Needs root, ip, nft and busybox (ping). Every name (bridges, namespaces,
devices) starts with dp2 and a random tag; the external network's subnet
is a random /24 of 198.18.0.0/15 (RFC 2544) so that it meets no other.
"""
import os
import random
import re
import shutil
import socket
import uuid

import pytest

from stratus.network.dataplane import netns
from stratus.network.dataplane import routers as dp_routers
from stratus.network.dataplane import state as dp_state

# One host dataplane at a time: a sync removes the routers it does not
# know, so the dataplane tests share one worker.
pytestmark = [pytest.mark.xdist_group("dataplane"), pytest.mark.skipif(
    os.geteuid() != 0 or not all(shutil.which(tool) for tool in (
        "ip", "nft", "busybox")),
    reason="needs root, ip, nft and busybox (network namespaces, bridges)")]


def _mac():
    return "fa:16:3e:%02x:%02x:%02x" % tuple(
        random.randrange(256) for _ in range(3))


def _port(port_id, network_id, subnet_id, ip_address, owner, device_id):
    return dp_state.Port(
        id=port_id, network_id=network_id, mac_address=_mac(),
        device_id=device_id, device_owner=owner, project_id="p",
        fixed_ips=(dp_state.FixedIP(subnet_id, ip_address),))


class Topology:
    """Networks A and B (10.<n>.1.0/24, 10.<n>.2.0/24), an external
    network (198.18.<n>.0/24 or 198.19...), a guest port on A and on B, a
    router with interfaces on both and its gateway on the external
    network, and a floating IP for guest A."""

    def __init__(self):
        self.tag = "dp2%04x" % random.randrange(0x10000)
        n = random.randrange(1, 255)
        self.ext_prefix = "198.%d.%d" % (random.choice((18, 19)), n)
        self.a_prefix, self.b_prefix = "10.%d.1" % n, "10.%d.2" % n
        tag = self.tag

        def ident(kind):
            return "%s%s-%s" % (tag, kind, uuid.uuid4())

        self.ext = dp_state.Network(ident("e"), "public", True, 1500)
        self.net_a = dp_state.Network(ident("a"), "a", False, 1500)
        self.net_b = dp_state.Network(ident("b"), "b", False, 1500)
        self.ext_subnet = dp_state.Subnet(
            ident("s"), self.ext.id, self.ext_prefix + ".0/24", 4,
            self.ext_prefix + ".1", False)
        self.subnet_a = dp_state.Subnet(
            ident("s"), self.net_a.id, self.a_prefix + ".0/24", 4,
            self.a_prefix + ".1", True)
        self.subnet_b = dp_state.Subnet(
            ident("s"), self.net_b.id, self.b_prefix + ".0/24", 4,
            self.b_prefix + ".1", True)
        self.router_id = ident("r")
        self.port_a = _port(ident("ga"), self.net_a.id, self.subnet_a.id,
                            self.a_prefix + ".5", "compute:nova", "vm-a")
        self.port_b = _port(ident("gb"), self.net_b.id, self.subnet_b.id,
                            self.b_prefix + ".5", "compute:nova", "vm-b")
        self.interfaces = (
            _port(ident("ia"), self.net_a.id, self.subnet_a.id,
                  self.a_prefix + ".1", "network:router_interface",
                  self.router_id),
            _port(ident("ib"), self.net_b.id, self.subnet_b.id,
                  self.b_prefix + ".1", "network:router_interface",
                  self.router_id))
        self.gateway = _port(ident("gw"), self.ext.id, self.ext_subnet.id,
                             self.ext_prefix + ".2",
                             "network:router_gateway", self.router_id)
        self.fip_address = self.ext_prefix + ".10"
        self.fip = dp_state.FloatingIP(
            ident("f"), self.fip_address, self.ext.id, self.router_id,
            self.port_a.id, self.port_a.fixed_ips[0].ip_address)
        self.namespace = dp_state.router_namespace(self.router_id)
        self.ext_bridge = dp_state.bridge_name(self.ext.id)
        self.guests = {}

    def router(self, **changes):
        values = dict(id=self.router_id, project_id="p",
                      gateway_port=self.gateway,
                      interface_ports=self.interfaces)
        values.update(changes)
        return dp_state.Router(**values)

    def state(self, router=True, fips=True, **router_changes):
        routers = (self.router(**router_changes),) if router else ()
        return dp_state.State(
            networks=(self.ext, self.net_a, self.net_b),
            subnets=(self.ext_subnet, self.subnet_a, self.subnet_b),
            ports=(self.port_a, self.port_b, self.gateway) +
            self.interfaces,
            routers=routers,
            floating_ips=(self.fip,) if router and fips else ())

    def plug_guest(self, name, port, subnet):
        """A namespace on the port's network's bridge, as a guest with
        the port's MAC and address and its subnet's gateway as
        default route."""
        namespace = "%s-%s" % (self.tag, name)
        bridge = dp_state.bridge_name(port.network_id)
        netns.ensure_bridge(bridge)
        netns.ensure_namespace(namespace)
        netns.ensure_veth(self.tag + name, self.tag + name + "i", namespace,
                          bridge, mac=port.mac_address)
        netns.set_addresses(self.tag + name + "i", [
            port.fixed_ips[0].ip_address + "/24"], namespace=namespace)
        netns.run(["ip", "route", "replace", "default", "via",
                   subnet.gateway_ip], namespace=namespace)
        self.guests[name] = namespace
        return namespace

    def remove(self):
        for namespace in list(self.guests.values()) + [self.namespace]:
            netns.delete_namespace(namespace)
        for name in self.guests:
            netns.delete_link(self.tag + name)
        netns.delete_table("inet",
                           dp_routers.HOST_TABLE_PREFIX + self.ext_bridge)
        for network in (self.ext, self.net_a, self.net_b):
            netns.delete_link(dp_state.bridge_name(network.id))


@pytest.fixture
def topo():
    topology = Topology()
    topology.plug_guest("a", topology.port_a, topology.subnet_a)
    topology.plug_guest("b", topology.port_b, topology.subnet_b)
    yield topology
    topology.remove()


@pytest.fixture
def conf(conf, tmp_path):
    # A dataplane of its own: it removes only the routers it made.
    conf.set_override("state_dir", str(tmp_path / "dataplane"),
                      group="dataplane")
    return conf


@pytest.fixture
def routers(conf):
    return dp_routers.Routers(conf)


def pings(address, namespace=None, tries=3):
    for _ in range(tries):
        if netns.run(["busybox", "ping", "-c", "1", "-W", "1", address],
                     namespace=namespace, check=False).returncode == 0:
            return True
    return False


def listener(namespace=None, address="0.0.0.0"):
    server = (netns.socket_in_namespace(namespace) if namespace
              else socket.socket())
    server.bind((address, 0))
    server.listen(4)
    server.settimeout(5)
    return server


def connect(address, port, namespace=None, timeout=3):
    client = (netns.socket_in_namespace(namespace) if namespace
              else socket.socket())
    client.settimeout(timeout)
    client.connect((address, port))
    return client


def root_ip_forward():
    with open("/proc/sys/net/ipv4/ip_forward") as handle:
        return handle.read().strip()


def test_a_router_joins_two_networks(topo, routers):
    assert not pings(topo.b_prefix + ".5", topo.guests["a"], tries=1)

    routers.sync(topo.state())

    assert topo.namespace in netns.list_namespaces()
    assert pings(topo.b_prefix + ".5", topo.guests["a"])
    assert pings(topo.a_prefix + ".5", topo.guests["b"])
    # The host reaches the router's gateway on the external network.
    assert pings(topo.ext_prefix + ".2")
    assert root_ip_forward() == "0"

    routers.sync(topo.state(router=False))

    assert topo.namespace not in netns.list_namespaces()
    assert not pings(topo.b_prefix + ".5", topo.guests["a"], tries=1)


def test_removing_an_interface_cuts_its_network_off(topo, routers):
    routers.sync(topo.state())
    assert pings(topo.b_prefix + ".5", topo.guests["a"])

    routers.sync(topo.state(interface_ports=topo.interfaces[:1]))

    assert not pings(topo.b_prefix + ".5", topo.guests["a"], tries=1)
    assert pings(topo.ext_prefix + ".1", topo.guests["a"])


def test_a_floating_ip_reaches_the_guest_from_the_host(topo, routers):
    routers.sync(topo.state())

    assert pings(topo.fip_address)
    server = listener(topo.guests["a"])
    port = server.getsockname()[1]
    client = connect(topo.fip_address, port)
    accepted, peer = server.accept()
    # The host's address on the external network, not NATed on the way in.
    assert peer[0] == topo.ext_prefix + ".1"
    client.sendall(b"ping")
    accepted.settimeout(3)
    assert accepted.recv(4) == b"ping"

    # Disassociated: the address, new connections and the open one go.
    routers.sync(topo.state(fips=False))

    client.sendall(b"gone")
    accepted.settimeout(2)
    with pytest.raises(socket.timeout):
        accepted.recv(4)
    assert not pings(topo.fip_address, tries=1)
    with pytest.raises(OSError):
        connect(topo.fip_address, port, timeout=2).close()
    for sock in (client, accepted, server):
        sock.close()


def test_guests_go_out_as_their_floating_ip_or_the_gateway(topo, routers):
    routers.sync(topo.state())
    host = listener(address=topo.ext_prefix + ".1")
    port = host.getsockname()[1]

    from_a = connect(topo.ext_prefix + ".1", port, topo.guests["a"])
    assert host.accept()[1][0] == topo.fip_address
    from_b = connect(topo.ext_prefix + ".1", port, topo.guests["b"])
    assert host.accept()[1][0] == topo.ext_prefix + ".2"

    # Without SNAT, B's connection reaches the host from an address
    # outside the external network: the host drops it (its answer would
    # take the host's own default route, off the machine).
    routers.sync(topo.state(enable_snat=False))
    with pytest.raises(OSError):
        connect(topo.ext_prefix + ".1", port, topo.guests["b"],
                timeout=2).close()
    from_a_again = connect(topo.ext_prefix + ".1", port, topo.guests["a"])
    assert host.accept()[1][0] == topo.fip_address
    for sock in (from_a, from_b, from_a_again, host):
        sock.close()


def test_extra_routes_follow_the_router(topo, routers):
    via_b = topo.b_prefix + ".5"
    routers.sync(topo.state(routes=(("192.0.2.0/24", via_b),)))
    shown = netns.run(["ip", "-4", "route", "show", "192.0.2.0/24"],
                      namespace=topo.namespace).stdout
    assert "via %s" % via_b in shown

    routers.sync(topo.state())
    shown = netns.run(["ip", "-4", "route", "show", "192.0.2.0/24"],
                      namespace=topo.namespace).stdout
    assert shown.strip() == ""


def _snapshot(topo):
    def out(command, namespace=None):
        return netns.run(command, namespace=namespace).stdout

    def addresses(*command):
        # Without the duplicate address detection flag, which an IPv6
        # link-local address loses a second or two after it appears.
        return re.sub(r" tentative", "", out(*command))

    def links(namespace=None):
        # Without the operational state, which a bridge settles on later.
        return [re.sub(r" state \S+", "", line) for line in out(
            ["ip", "-o", "link", "show"], namespace).splitlines()
            if namespace or topo.tag in line]

    return {
        "links": links(topo.namespace),
        "addresses": addresses(["ip", "-o", "addr", "show"], topo.namespace),
        "routes": out(["ip", "-o", "route", "show"], topo.namespace),
        # -a: handles, which a reload of the table would change
        "nat": out(["nft", "-a", "list", "table", "ip",
                    dp_routers.NAT_TABLE], topo.namespace),
        "host table": out(["nft", "-a", "list", "table", "inet",
                           dp_routers.HOST_TABLE_PREFIX + topo.ext_bridge]),
        "root links": links(),
        "host address": addresses(["ip", "-o", "addr", "show", "dev",
                                   topo.ext_bridge]),
    }


def test_a_second_sync_changes_nothing(topo, routers, conf):
    routers.sync(topo.state())
    server = listener(topo.guests["a"])
    client = connect(topo.fip_address, server.getsockname()[1])
    accepted = server.accept()[0]
    before = _snapshot(topo)

    routers.sync(topo.state())
    # A new agent (a restart) finds everything in place too.
    dp_routers.Routers(conf).sync(topo.state())

    assert _snapshot(topo) == before
    client.sendall(b"same")
    accepted.settimeout(3)
    assert accepted.recv(4) == b"same"
    for sock in (client, accepted, server):
        sock.close()


def test_nothing_is_routed_by_the_root_namespace(topo, routers):
    routers.sync(topo.state())

    assert root_ip_forward() == "0"
    table = netns.run(["nft", "list", "table", "inet",
                       dp_routers.HOST_TABLE_PREFIX + topo.ext_bridge]).stdout
    assert 'iifname "%s" oifname != "%s" drop' % (
        topo.ext_bridge, topo.ext_bridge) in table
    # The router forwards inside its namespace only.
    assert netns.run(["sysctl", "-n", "net.ipv4.ip_forward"],
                     namespace=topo.namespace).stdout.strip() == "1"
    # A guest's packet to an address beyond the external network ends at
    # the host, which routes nothing: no answer.
    assert not pings("192.0.2.1", topo.guests["a"], tries=1)


def test_an_admin_down_router_and_cleanup_remove_the_namespace(
        topo, routers):
    routers.sync(topo.state())
    routers.sync(topo.state(admin_state_up=False))
    assert topo.namespace not in netns.list_namespaces()
    assert not pings(topo.b_prefix + ".5", topo.guests["a"], tries=1)

    routers.sync(topo.state())
    assert pings(topo.fip_address)
    routers.cleanup()

    assert topo.namespace not in netns.list_namespaces()
    assert topo.ext_prefix + ".1" not in netns.run(
        ["ip", "-o", "addr", "show", "dev", topo.ext_bridge]).stdout
    assert netns.run(["nft", "list", "table", "inet",
                      dp_routers.HOST_TABLE_PREFIX + topo.ext_bridge],
                     check=False).returncode != 0
