"""The dataplane with namespaces for guests (no QEMU): each "guest" is a
network namespace whose eth0 (the port's MAC) is a veth with its outside
end tap<port> on the port's network bridge, as libvirt would plug it. It
takes its lease with busybox udhcpc and talks with ping, curl and httpd.

Networks, subnets, ports and groups are made through the network API (an
in-process network service); the agent syncs after each change.
"""
import json
import os
import shutil
import subprocess
import tempfile
import time
import uuid

import pytest
import webob

from stratus.api.network import app as network_app
from stratus.network.dataplane import agent
from stratus.network.dataplane import netns
from stratus.network.dataplane import state as dp_state
from stratus import wsgi_server
from stratus.api.metadata import app as metadata_app
from tests.functional.servers import fixtures

pytestmark = [
    pytest.mark.slow,
    # One host dataplane at a time (a sync removes what it does not know).
    pytest.mark.xdist_group("dataplane"),
    pytest.mark.skipif(os.geteuid() != 0,
                       reason="needs root (bridges, namespaces, nftables)"),
    pytest.mark.skipif(any(shutil.which(tool) is None
                           for tool in ("nft", "dnsmasq", "busybox", "curl")),
                       reason="needs nft, dnsmasq, busybox and curl"),
]

PROJECT = "demo"
TOKEN = "alice:" + PROJECT
ADMIN = "admin:admin"
SECRET = "dp1-secret"
UDHCPC_SCRIPT = """#!/bin/sh
case "$1" in
    deconfig)
        ip addr flush dev "$interface"; ip link set "$interface" up ;;
    bound|renew)
        ip addr flush dev "$interface"
        ip addr add "$ip/${mask:-24}" dev "$interface"
        set -- $staticroutes
        while [ $# -ge 2 ]; do
            ip route add "$1" via "$2" dev "$interface"; shift 2
        done
        printf 'ip=%s\nrouter=%s\nstaticroutes=%s\n' "$ip" "$router" \
            "$staticroutes" > "$LEASE_FILE"
        ;;
esac
exit 0
"""


def _call(app, method, path, body=None, token=TOKEN, status=None):
    request = webob.Request.blank("/v2.0" + path, method=method, headers={
        "X-Auth-Token": token, "Accept": "application/json",
        "Content-Type": "application/json"})
    if body is not None:
        request.body = json.dumps(body).encode()
    response = request.get_response(app)
    if status is not None:
        assert response.status_int == status, response.text
    return response.json if response.body else None


class Guest:
    """A namespace plugged like a guest on port."""

    def __init__(self, cloud, port):
        self.cloud = cloud
        self.port = port
        self.namespace = "dp1g-" + port["id"][:8]
        self.tap = dp_state.device_name("tap", port["id"])
        self.processes = []
        netns.ensure_namespace(self.namespace)
        netns.run(["ip", "link", "add", self.tap, "type", "veth", "peer",
                   "name", "eth0", "netns", self.namespace])
        netns.run(["ip", "link", "set", "eth0", "address",
                   port["mac_address"], "up"], namespace=self.namespace)
        netns.run(["ip", "link", "set", self.tap, "master",
                   dp_state.bridge_name(port["network_id"]), "up"])
        self.address = port["fixed_ips"][0]["ip_address"]

    def run(self, *command, check=False):
        return netns.run(list(command), namespace=self.namespace,
                         check=check)

    def dhcp(self):
        script = os.path.join(self.cloud.tmp, "udhcpc.sh")
        lease = os.path.join(self.cloud.tmp, self.namespace + ".lease")
        with open(script, "w") as handle:
            handle.write(UDHCPC_SCRIPT)
        os.chmod(script, 0o755)
        result = subprocess.run(
            ["ip", "netns", "exec", self.namespace, "busybox", "udhcpc",
             "-i", "eth0", "-O", "staticroutes", "-n", "-q", "-f", "-t",
             "10", "-T", "1",
             "-s", script], env=dict(os.environ, LEASE_FILE=lease),
            capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        with open(lease) as handle:
            return dict(line.rstrip("\n").split("=", 1) for line in handle)

    def configure(self):
        """The port's address without DHCP."""
        self.run("ip", "addr", "add", self.address + "/24", "dev", "eth0",
                 check=True)

    def pings(self, address, source=None):
        # Three tries: the first may wait for ARP on a loaded host.
        command = ["busybox", "ping", "-c", "3", "-W", "1"]
        if source:
            command += ["-I", source]
        return self.run(*command + [address]).returncode == 0

    def serve_http(self, port):
        directory = os.path.join(self.cloud.tmp, self.namespace + "-www")
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, "index.html"), "w") as handle:
            handle.write("hello from %s\n" % self.address)
        self.processes.append(subprocess.Popen(
            ["ip", "netns", "exec", self.namespace, "busybox", "httpd", "-f",
             "-p", str(port), "-h", directory]))

    def fetch(self, url):
        # (busybox 1.35's wget -T crashes)
        result = self.run("curl", "-s", "-f", "-m", "3", url)
        return result.stdout if result.returncode == 0 else None

    def remove(self):
        for process in self.processes:
            process.kill()
            process.wait()
        netns.delete_namespace(self.namespace)
        netns.delete_link(self.tap)


class Cloud:
    def __init__(self, conf, databases, tmp):
        self.tmp = tmp
        self.dataplane = agent.Dataplane(conf, databases)
        self.app = network_app.NetworkApp(conf, databases,
                                          dataplane=self.dataplane)
        self.guests = []

    def call(self, *args, **kwargs):
        result = _call(self.app, *args, **kwargs)
        self.dataplane.sync()
        return result

    def network(self, cidr, name="dp1net"):
        network = self.call("POST", "/networks",
                            {"network": {"name": name}}, status=201)
        subnet = self.call("POST", "/subnets", {"subnet": {
            "network_id": network["network"]["id"], "ip_version": 4,
            "cidr": cidr, "dns_nameservers": ["192.0.2.53"]}}, status=201)
        return network["network"], subnet["subnet"]

    def port(self, network, **values):
        values.setdefault("device_id", str(uuid.uuid4()))
        values.setdefault("device_owner", "compute:nova")
        return self.call("POST", "/ports", {"port": dict(
            network_id=network["id"], **values)}, status=201)["port"]

    def guest(self, port):
        guest = Guest(self, port)
        self.guests.append(guest)
        return guest

    def close(self):
        for guest in self.guests:
            guest.remove()
        self.dataplane.cleanup()


@pytest.fixture
def cloud(conf, sqlite_databases, tmp_path):
    # dnsmasq reads its hosts file as nobody: a directory it can reach.
    state_dir = tempfile.mkdtemp(prefix="dp1-dataplane-")
    os.chmod(state_dir, 0o755)
    conf.set_override("enabled", True, group="dataplane")
    conf.set_override("state_dir", state_dir, group="dataplane")
    conf.set_override("nft_table", "dp1t_" + uuid.uuid4().hex[:8],
                      group="dataplane")
    conf.set_override("metadata_proxy_shared_secret", SECRET,
                      group="neutron")
    conf.set_override("service_metadata_proxy", True, group="neutron")
    cloud = Cloud(conf, sqlite_databases, str(tmp_path))
    yield cloud
    cloud.close()
    shutil.rmtree(state_dir, ignore_errors=True)
    assert not [name for name in netns.list_namespaces("qdhcp-")
                if name in {dp_state.dhcp_namespace(network.id) for network
                            in cloud.dataplane.state.networks}]


def test_dhcp_gives_the_port_its_address_and_the_metadata_route(cloud):
    network, subnet = cloud.network("10.231.1.0/24")
    port = cloud.port(network)
    bridge = dp_state.bridge_name(network["id"])
    assert netns.link_exists(bridge)
    bound = cloud.call("PUT", "/ports/" + port["id"], {"port": {
        "binding:host_id": "dp1host"}}, token=ADMIN, status=200)["port"]
    assert bound["binding:vif_details"]["bridge_name"] == bridge
    guest = cloud.guest(port)
    lease = guest.dhcp()
    assert lease["ip"] == port["fixed_ips"][0]["ip_address"]
    assert lease["router"] == subnet["gateway_ip"]
    dhcp_ports = cloud.call("GET", "/ports?device_owner=network:dhcp",
                            token=ADMIN)["ports"]
    dhcp_address = [port for port in dhcp_ports
                    if port["network_id"] == network["id"]][0][
        "fixed_ips"][0]["ip_address"]
    routes = lease["staticroutes"]
    assert "169.254.169.254/32 %s" % dhcp_address in routes
    assert "0.0.0.0/0 %s" % subnet["gateway_ip"] in routes
    # The network goes: so do its bridge and DHCP namespace.
    guest.remove()
    cloud.guests.remove(guest)
    cloud.call("DELETE", "/ports/" + port["id"], status=204)
    cloud.call("DELETE", "/networks/" + network["id"], status=204)
    assert not netns.link_exists(bridge)
    assert dp_state.dhcp_namespace(network["id"]) not in \
        netns.list_namespaces("qdhcp-")


def test_ports_of_the_default_group_reach_each_other(cloud):
    network, _ = cloud.network("10.231.2.0/24")
    first = cloud.guest(cloud.port(network))
    second = cloud.guest(cloud.port(network))
    first.dhcp()
    second.dhcp()
    assert first.pings(second.address)
    assert second.pings(first.address)


def _closed_group(cloud):
    """A new group: Neutron's default egress rules, no ingress."""
    return cloud.call("POST", "/security-groups", {"security_group": {
        "name": "dp1-closed"}}, status=201)["security_group"]


def test_an_ingress_rule_opens_a_port_and_deleting_it_closes_it(cloud):
    network, _ = cloud.network("10.231.3.0/24")
    client = cloud.guest(cloud.port(network))
    group = _closed_group(cloud)
    server = cloud.guest(cloud.port(network, security_groups=[group["id"]]))
    client.dhcp()
    server.dhcp()
    server.serve_http(8080)
    url = "http://%s:8080/" % server.address
    assert client.fetch(url) is None
    assert not client.pings(server.address)
    rule = cloud.call("POST", "/security-group-rules", {
        "security_group_rule": {
            "security_group_id": group["id"], "direction": "ingress",
            "protocol": "tcp", "port_range_min": 8080,
            "port_range_max": 8080}}, status=201)["security_group_rule"]
    assert "hello from" in (client.fetch(url) or "")
    # Only that port: ping stays closed.
    assert not client.pings(server.address)
    cloud.call("DELETE", "/security-group-rules/" + rule["id"], status=204)
    assert client.fetch(url) is None


def test_a_spoofed_source_is_dropped(cloud):
    network, _ = cloud.network("10.231.4.0/24")
    group = _closed_group(cloud)
    cloud.call("POST", "/security-group-rules", {"security_group_rule": {
        "security_group_id": group["id"], "direction": "ingress",
        "protocol": "icmp", "remote_ip_prefix": "0.0.0.0/0"}}, status=201)
    sender = cloud.guest(cloud.port(network))
    target = cloud.guest(cloud.port(network, security_groups=[group["id"]]))
    sender.dhcp()
    target.dhcp()
    assert sender.pings(target.address)
    spoofed = "10.231.4.250"
    sender.run("ip", "addr", "add", spoofed + "/24", "dev", "eth0",
               check=True)
    assert not sender.pings(target.address, source=spoofed)
    assert sender.pings(target.address, source=sender.address)


def test_a_port_without_port_security_is_not_filtered(cloud):
    network, _ = cloud.network("10.231.5.0/24")
    first = cloud.guest(cloud.port(network))
    open_port = cloud.port(network, port_security_enabled=False,
                           security_groups=[])
    second = cloud.guest(open_port)
    first.dhcp()
    second.dhcp()
    assert first.pings(second.address)
    spoofed = "10.231.5.250"
    second.run("ip", "addr", "add", spoofed + "/24", "dev", "eth0",
               check=True)
    assert second.run("busybox", "arping", "-c", "1", "-w", "1", "-s",
                      spoofed, "-I", "eth0", first.address).returncode == 0


def test_the_metadata_proxy_answers_with_the_instance_metadata(
        cloud, conf, sqlite_databases, tmp_path):
    servers = fixtures.Servers(conf, sqlite_databases, tmp_path)
    try:
        vm = servers.place(name="dp1vm", host=conf.host, project_id=PROJECT)
        served = wsgi_server.serve([(
            "metadata", metadata_app.make_app(conf, sqlite_databases),
            "127.0.0.1", 0)], threads=2)
        try:
            conf.set_override("metadata_port", int(
                served.url("metadata").rsplit(":", 1)[1]), group="dataplane")
            network, _ = cloud.network("10.231.6.0/24")
            guest = cloud.guest(cloud.port(network, device_id=vm.uuid))
            guest.dhcp()
            text = guest.fetch(
                "http://169.254.169.254/openstack/latest/meta_data.json")
            assert text is not None
            assert json.loads(text)["uuid"] == vm.uuid
            assert json.loads(text)["name"] == "dp1vm"
        finally:
            served.stop()
    finally:
        servers.close()


def test_a_write_request_syncs_in_the_background(cloud, conf):
    conf.set_override("resync_interval", 3600, group="dataplane")
    cloud.dataplane.start()
    network = _call(cloud.app, "POST", "/networks", {"network": {
        "name": "dp1bg"}}, status=201)["network"]
    _call(cloud.app, "POST", "/subnets", {"subnet": {
        "network_id": network["id"], "ip_version": 4,
        "cidr": "10.231.7.0/24"}}, status=201)
    _call(cloud.app, "POST", "/ports", {"port": {
        "network_id": network["id"], "device_owner": "compute:nova"}},
        status=201)
    namespace = dp_state.dhcp_namespace(network["id"])
    deadline = time.monotonic() + 20
    while namespace not in netns.list_namespaces("qdhcp-"):
        assert time.monotonic() < deadline, "no sync after the writes"
        time.sleep(0.2)
    assert netns.link_exists(dp_state.bridge_name(network["id"]))
