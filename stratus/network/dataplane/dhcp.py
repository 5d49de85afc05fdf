"""DHCP per network, as Neutron's DHCP agent: a namespace qdhcp-<network>
holding the network's DHCP port (a store port, device_owner network:dhcp,
its address from IPAM) as a veth ns-<port> whose other end tap<port> is on
the network's bridge, and a dnsmasq serving each DHCP-enabled IPv4 subnet
from fixed leases (one per port: MAC, address, hostname).

Each subnet's clients get its gateway as router (none without one), its
DNS servers and host routes, and by option 121 the route to the metadata
address (169.254.169.254/32) via the DHCP port, which holds it too (the
metadata proxy listens there: Neutron's isolated metadata). IPv6 subnets
get no DHCP (addresses by SLAAC or static: not served here).
"""
import ipaddress
import logging
import os
import shutil
import signal
import time
import uuid

from stratus.network.dataplane import netns
from stratus.network.dataplane import state as dp_state
from stratus.network.store import dataplane_state

LOG = logging.getLogger(__name__)

METADATA_ADDRESS = "169.254.169.254"
HOST_NAMESPACE = uuid.UUID("0c1a3a40-93c3-4d7b-8a0e-5a8f1c2d9b61")


class Site:
    """A network's DHCP namespace: what the metadata proxy serves."""

    def __init__(self, network_id, namespace, device, addresses):
        self.network_id = network_id
        self.namespace = namespace
        self.device = device
        # {subnet_id: the DHCP port's address}
        self.addresses = addresses


def served_subnets(snapshot, network_id):
    """The network's subnets dnsmasq serves (DHCP-enabled IPv4)."""
    return [subnet for subnet in snapshot.subnets_of(network_id)
            if subnet.enable_dhcp and subnet.ip_version == 4]


def guest_ports(snapshot, network_id):
    """Ports of the network that are not the service's own (DHCP, router
    interfaces and gateways, floating IPs)."""
    return [port for port in snapshot.ports_of(network_id)
            if not port.device_owner.startswith("network:")]


def host_name(address):
    return "host-" + address.replace(".", "-").replace(":", "-")


def hosts_lines(snapshot, network_id, subnet_ids, dhcp_port_id):
    lines = []
    for port in guest_ports(snapshot, network_id):
        if port.id == dhcp_port_id or not port.admin_state_up:
            continue
        for fixed in port.fixed_ips:
            if fixed.subnet_id in subnet_ids:
                lines.append("%s,%s,%s\n" % (port.mac_address,
                                             fixed.ip_address,
                                             host_name(fixed.ip_address)))
                break
    return sorted(lines)


def options_lines(subnets, addresses):
    lines = []
    for subnet in subnets:
        tag = "tag:subnet-%s," % subnet.id
        lines.append(tag + "option:router" + (
            "," + subnet.gateway_ip if subnet.gateway_ip else "") + "\n")
        if subnet.dns_nameservers:
            lines.append(tag + "option:dns-server,%s\n"
                         % ",".join(subnet.dns_nameservers))
        # Clients that take option 121 ignore option 3: the default route
        # goes in too.
        routes = ["%s/32,%s" % (METADATA_ADDRESS, addresses[subnet.id])]
        routes += ["%s,%s" % (destination, nexthop)
                   for destination, nexthop in subnet.host_routes
                   if ipaddress.ip_network(destination).version == 4]
        if subnet.gateway_ip:
            routes.append("0.0.0.0/0,%s" % subnet.gateway_ip)
        lines.append(tag + "option:classless-static-route,%s\n"
                     % ",".join(routes))
    return lines


def _write(path, lines):
    """Write path when its text changes; whether it did."""
    text = "".join(lines)
    try:
        with open(path) as handle:
            if handle.read() == text:
                return False
    except FileNotFoundError:
        pass
    part = path + ".part"
    with open(part, "w") as handle:
        handle.write(text)
    os.replace(part, path)
    return True


def process_running(pid_file, marker):
    """The pid in pid_file when that process runs with marker among its
    arguments, else None."""
    try:
        with open(pid_file) as handle:
            pid = int(handle.read().strip())
        with open("/proc/%d/cmdline" % pid, "rb") as handle:
            arguments = handle.read().split(b"\0")
    except (OSError, ValueError):
        return None
    return pid if marker.encode() in arguments else None


def stop_process(pid_file, marker, wait=5.0):
    """SIGTERM to that process; wait for it to go (its sockets with it)."""
    pid = process_running(pid_file, marker)
    if not pid:
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + wait
    while os.path.exists("/proc/%d" % pid) and time.monotonic() < deadline:
        time.sleep(0.05)


class Dhcp:
    def __init__(self, conf, databases):
        self.conf = conf
        self.databases = databases
        self.state_dir = conf.dataplane.state_dir
        self.lease_seconds = conf.dataplane.dhcp_lease_seconds
        self.device_prefix = "dhcp%s-" % uuid.uuid5(HOST_NAMESPACE,
                                                    conf.host)

    def _dir(self, network_id):
        return os.path.join(self.state_dir, "dhcp", network_id)

    def sync(self, snapshot):
        """Converge; {network_id: Site} of the networks served."""
        sites = {}
        for network in snapshot.networks:
            subnets = served_subnets(snapshot, network.id)
            if not subnets or not guest_ports(snapshot, network.id):
                continue
            site = self._serve(snapshot, network, subnets)
            if site is not None:
                sites[network.id] = site
        for network_id in self._served() - set(sites):
            self._remove(network_id)
        return sites

    def _served(self):
        try:
            return set(os.listdir(os.path.join(self.state_dir, "dhcp")))
        except FileNotFoundError:
            return set()

    def _serve(self, snapshot, network, subnets):
        found = dataplane_state.ensure_dhcp_port(
            self.databases, network.id, self.device_prefix + network.id,
            [subnet.id for subnet in subnets])
        if found is None:
            return None
        port_id, mac, addresses = found
        namespace = dp_state.dhcp_namespace(network.id)
        inside = dp_state.device_name("ns-", port_id)
        directory = self._dir(network.id)
        os.makedirs(directory, mode=0o755, exist_ok=True)
        netns.ensure_namespace(namespace)
        netns.ensure_veth(dp_state.device_name("tap", port_id), inside,
                          namespace, dp_state.bridge_name(network.id),
                          mac=mac, mtu=network.mtu)
        netns.set_addresses(inside, [
            "%s/%d" % (addresses[subnet.id],
                       ipaddress.ip_network(subnet.cidr).prefixlen)
            for subnet in subnets] + [METADATA_ADDRESS + "/32"],
            namespace=namespace)
        changed = _write(os.path.join(directory, "hosts"), hosts_lines(
            snapshot, network.id, {subnet.id for subnet in subnets},
            port_id))
        changed = _write(os.path.join(directory, "opts"),
                         options_lines(subnets, addresses)) or changed
        self._ensure_dnsmasq(directory, namespace, inside, subnets,
                             changed)
        return Site(network.id, namespace, inside, addresses)

    def _arguments(self, directory, device, subnets):
        path = lambda name: os.path.join(directory, name)  # noqa: E731
        arguments = [
            "dnsmasq", "--conf-file=", "--port=0", "--no-resolv",
            "--no-hosts", "--bind-interfaces", "--interface=" + device,
            "--except-interface=lo",
            "--dhcp-hostsfile=" + path("hosts"),
            "--dhcp-optsfile=" + path("opts"),
            "--dhcp-leasefile=" + path("leases"),
            "--pid-file=" + path("pid"),
            "--dhcp-authoritative", "--dhcp-no-override",
            # Without it dnsmasq probes each new address for seconds and
            # parallel boots lose their DHCP.
            "--no-ping", "--log-facility=" + path("log")]
        for subnet in subnets:
            network = ipaddress.ip_network(subnet.cidr)
            arguments.append("--dhcp-range=set:subnet-%s,%s,static,%s,%ds"
                             % (subnet.id, network.network_address,
                                network.netmask, self.lease_seconds))
        return arguments

    def _ensure_dnsmasq(self, directory, namespace, device, subnets,
                        changed):
        arguments = self._arguments(directory, device, subnets)
        pid_file = os.path.join(directory, "pid")
        marker = "--dhcp-hostsfile=" + os.path.join(directory, "hosts")
        pid = process_running(pid_file, marker)
        if pid:
            with open("/proc/%d/cmdline" % pid, "rb") as handle:
                running = handle.read().decode().split("\0")[:-1]
            if running[1:] == arguments[1:]:
                if changed:
                    os.kill(pid, signal.SIGHUP)
                return
            stop_process(pid_file, marker)
        netns.run(arguments, namespace=namespace)

    def _remove(self, network_id):
        directory = self._dir(network_id)
        stop_process(os.path.join(directory, "pid"),
                     "--dhcp-hostsfile=" + os.path.join(directory, "hosts"))
        netns.delete_namespace(dp_state.dhcp_namespace(network_id))
        shutil.rmtree(directory, ignore_errors=True)

    def cleanup(self):
        for network_id in self._served():
            self._remove(network_id)
