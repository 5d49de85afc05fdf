"""The built-in network provider: one flat, host-local network per bridge.

The bridge (``[network] bridge``) has no uplink; it holds the network's
first address and the metadata address. Guests' taps join it (libvirt
plugs them). Nothing leaves it: IPv4 forwarding stays off (the provider
never turns it on) and an nftables table drops anything forwarded to or
from the bridge and accepts from guests only DHCP and the metadata
service. dnsmasq serves DHCP on the bridge only, without DNS, with one
fixed lease per port (``--dhcp-hostsfile``, ``--no-ping``: otherwise it
probes each new address for seconds and parallel boots lose their DHCP),
and sends the route to the metadata address by option 121.

IP address management: the ports (port id, MAC, fixed IP, instance) of a
bridge are kept in ``<state_dir>/<bridge>/ports.json``, changed under a
file lock. The bridge is this host's, so is the IPAM.
"""
import contextlib
import fcntl
import ipaddress
import json
import logging
import os
import random
import signal
import subprocess
import threading
import uuid

from stratus import exception
from stratus.network import model

LOG = logging.getLogger(__name__)

NETWORK_NAMESPACE = uuid.UUID("6d3b1f0e-2c6a-4e8b-9a57-5f0d2b7c9e11")


def _run(command, input_text=None, check=True):
    try:
        result = subprocess.run(command, input=input_text, text=True,
                                capture_output=True)
    except FileNotFoundError as error:
        raise exception.NetworkSetupError(bridge="-", reason="%s is not installed"
                                % command[0]) from error
    if check and result.returncode != 0:
        raise exception.NetworkSetupError(bridge="-", reason="%s: %s" % (
            " ".join(command), result.stderr.strip()))
    return result


def nft_ruleset(table, bridge, metadata_address, metadata_port):
    """The nftables table guarding one bridge (replaced as a whole).
    Forwarding drops what is routed off or onto the bridge, not what is
    bridged between its ports (which br_netfilter shows the inet forward
    hook with the bridge as both input and output)."""
    return """table inet {table}
delete table inet {table}
table inet {table} {{
    chain forward {{
        type filter hook forward priority -10; policy accept;
        iifname "{bridge}" oifname != "{bridge}" drop
        oifname "{bridge}" iifname != "{bridge}" drop
    }}
    chain input {{
        type filter hook input priority -10; policy accept;
        iifname "{bridge}" ct state established,related accept
        iifname "{bridge}" udp dport 67 accept
        iifname "{bridge}" ip daddr {metadata} tcp dport {port} accept
        iifname "{bridge}" drop
    }}
}}
""".format(table=table, bridge=bridge, metadata=metadata_address,
           port=metadata_port)


class BuiltinNetwork:
    def __init__(self, conf, host):
        options = conf.network
        self.host = host
        self.bridge = options.bridge
        self.subnet = ipaddress.ip_network(options.cidr)
        self.gateway = str(self.subnet.network_address + 1)
        self.label = options.network_name
        self.lease_seconds = options.dhcp_lease_seconds
        self.metadata_address = options.metadata_address
        self.metadata_port = options.metadata_port
        self.state_dir = os.path.join(options.state_dir, self.bridge)
        self.network_id = str(uuid.uuid5(NETWORK_NAMESPACE, self.bridge))
        self._lock = threading.Lock()
        self._ready = False

    # Paths -------------------------------------------------------------------

    def _path(self, name):
        return os.path.join(self.state_dir, name)

    @property
    def table(self):
        return "stratus_" + "".join(
            char if char.isalnum() else "_" for char in self.bridge)

    # Set-up ------------------------------------------------------------------

    def setup(self):
        """Bridge, addresses, firewall and dnsmasq (idempotent)."""
        with self._lock:
            if self._ready and self._dnsmasq_pid():
                return
            os.makedirs(self.state_dir, mode=0o755, exist_ok=True)
            try:
                self._setup_bridge()
                _run(["nft", "-f", "-"], nft_ruleset(
                    self.table, self.bridge, self.metadata_address,
                    self.metadata_port))
                with self._ports() as ports:
                    self._write_hosts(ports)
                self._ensure_dnsmasq()
            except exception.NetworkSetupError as error:
                raise exception.NetworkSetupError(bridge=self.bridge,
                                        reason=error.kwargs["reason"]) \
                    from error
            self._warn_if_forwarding()
            self._ready = True

    def _setup_bridge(self):
        if _run(["ip", "link", "show", self.bridge], check=False).returncode:
            _run(["ip", "link", "add", "name", self.bridge, "type", "bridge"])
        # A host-local bridge needs no IPv6 (and must not route it).
        _write_sysctl("/proc/sys/net/ipv6/conf/%s/disable_ipv6" % self.bridge,
                      "1")
        addresses = _run(["ip", "-o", "-4", "addr", "show", "dev",
                          self.bridge]).stdout
        for address in ("%s/%d" % (self.gateway, self.subnet.prefixlen),
                        "%s/32" % self.metadata_address):
            if " %s " % address not in addresses:
                _run(["ip", "addr", "add", address, "dev", self.bridge])
        _run(["ip", "link", "set", self.bridge, "up"])

    def _warn_if_forwarding(self):
        try:
            with open("/proc/sys/net/ipv4/ip_forward") as handle:
                forwarding = handle.read().strip() != "0"
        except OSError:
            forwarding = False
        if forwarding:
            LOG.warning("net.ipv4.ip_forward is on; the nftables table %s "
                        "still drops traffic forwarded off %s", self.table,
                        self.bridge)

    def _dnsmasq_pid(self):
        try:
            with open(self._path("dnsmasq.pid")) as handle:
                pid = int(handle.read().strip())
            with open("/proc/%d/cmdline" % pid, "rb") as handle:
                command = handle.read()
        except (OSError, ValueError):
            return None
        return pid if self._path("dnsmasq.hosts").encode() in command \
            else None

    def _dnsmasqs_on_bridge(self):
        """Pids of every dnsmasq serving this bridge, ours or stale (a
        stale one with other hosts would NAK our guests' requests)."""
        marker = ("--interface=%s" % self.bridge).encode()
        pids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open("/proc/%s/cmdline" % entry, "rb") as handle:
                    arguments = handle.read().split(b"\0")
            except OSError:
                continue
            if arguments and os.path.basename(arguments[0]) == b"dnsmasq" \
                    and marker in arguments:
                pids.append(int(entry))
        return pids

    def _stop_dnsmasq(self, keep=None):
        for pid in self._dnsmasqs_on_bridge():
            if pid != keep:
                try:
                    os.kill(pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass

    def _ensure_dnsmasq(self):
        pid = self._dnsmasq_pid()
        self._stop_dnsmasq(keep=pid)
        if pid:
            return
        first = self.subnet.network_address + 2
        _run(["dnsmasq", "--conf-file=", "--port=0", "--no-resolv",
              "--no-hosts", "--bind-interfaces",
              "--interface=" + self.bridge, "--except-interface=lo",
              "--listen-address=" + self.gateway,
              "--dhcp-range=%s,static,%s,%ds" % (
                  first, self.subnet.netmask, self.lease_seconds),
              "--dhcp-hostsfile=" + self._path("dnsmasq.hosts"),
              "--dhcp-leasefile=" + self._path("dnsmasq.leases"),
              "--pid-file=" + self._path("dnsmasq.pid"),
              "--dhcp-authoritative", "--dhcp-no-override", "--no-ping",
              # No router: guests reach the bridge's subnet and, by the
              # classless route, the metadata address; nothing else.
              "--dhcp-option=3",
              "--dhcp-option=121,%s/32,%s" % (self.metadata_address,
                                              self.gateway),
              "--log-facility=" + self._path("dnsmasq.log")])

    def _reload_dnsmasq(self):
        pid = self._dnsmasq_pid()
        if pid:
            os.kill(pid, signal.SIGHUP)
        else:
            self._ensure_dnsmasq()

    def teardown(self):
        """Stop dnsmasq and remove the bridge and its nftables table (for
        tests and for taking a host out of service)."""
        with self._lock:
            self._stop_dnsmasq()
            _run(["nft", "delete", "table", "inet", self.table], check=False)
            _run(["ip", "link", "delete", self.bridge], check=False)
            self._ready = False

    # IPAM ----------------------------------------------------------------------

    @contextlib.contextmanager
    def _ports(self):
        """The ports of this bridge, {port_id: port}, locked for
        changes; saved when the block ends without an error."""
        os.makedirs(self.state_dir, mode=0o755, exist_ok=True)
        with open(self._path("ports.lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                with open(self._path("ports.json")) as handle:
                    ports = json.load(handle)
            except FileNotFoundError:
                ports = {}
            before = json.dumps(ports, sort_keys=True)
            yield ports
            if json.dumps(ports, sort_keys=True) != before:
                part = self._path("ports.json.part")
                with open(part, "w") as handle:
                    json.dump(ports, handle, indent=1, sort_keys=True)
                os.replace(part, self._path("ports.json"))

    def _write_hosts(self, ports):
        lines = ["%s,%s,%s\n" % (port["mac"], port["ip"], port["hostname"])
                 if port.get("hostname") else
                 "%s,%s\n" % (port["mac"], port["ip"])
                 for port in sorted(ports.values(), key=lambda p: p["ip"])]
        part = self._path("dnsmasq.hosts.part")
        with open(part, "w") as handle:
            handle.writelines(lines)
        os.replace(part, self._path("dnsmasq.hosts"))

    def allocate_for_instance(self, ctx, instance, requested_networks=None,
                              security_groups=None):
        """A port with a fixed IP for the instance; its network_info."""
        self.setup()
        with self._ports() as ports:
            mine = [port for port in ports.values()
                    if port["instance_uuid"] == instance.uuid]
            if not mine:
                mine = [self._new_port(ports, instance)]
            self._write_hosts(ports)
        self._reload_dnsmasq()
        return [self._vif(port, instance) for port in mine]

    def allocate_port(self, ctx, instance, network_id=None):
        """One more port for the instance (interface attach); its VIF.
        Only the first port's lease carries the guest's hostname."""
        self.setup()
        with self._ports() as ports:
            port = self._new_port(ports, instance, hostname=False)
            self._write_hosts(ports)
        self._reload_dnsmasq()
        return self._vif(port, instance)

    def deallocate_port(self, ctx, instance, vif):
        """Free one port and its lease (interface detach)."""
        self._free_ports(lambda port: port["id"] == vif["id"])

    def _new_port(self, ports, instance, hostname=True):
        used = {port["ip"] for port in ports.values()}
        used_macs = {port["mac"] for port in ports.values()}
        address = next(
            (str(ip) for ip in self.subnet.hosts()
             if ip > self.subnet.network_address + 1
             and str(ip) not in used
             and str(ip) != self.metadata_address), None)
        if address is None:
            raise exception.NoMoreFixedIps(network=self.label)
        port_id = str(uuid.uuid4())
        ports[port_id] = {
            "id": port_id, "instance_uuid": instance.uuid,
            "mac": _new_mac(used_macs), "ip": address,
            "hostname": (_dhcp_hostname(instance.hostname) if hostname
                         else None)}
        return ports[port_id]

    def deallocate_for_instance(self, ctx, instance, network_info=()):
        """Free the instance's ports and their DHCP leases."""
        self._free_ports(lambda port: port["instance_uuid"] == instance.uuid)

    def deallocate_others(self, instance_uuids):
        """Free the ports of instances not in instance_uuids (deleted
        while this compute service was down)."""
        keep = set(instance_uuids)
        for port in self._free_ports(
                lambda port: port["instance_uuid"] not in keep):
            LOG.info("Freed port %s (%s) of instance %s, which is gone",
                     port["id"], port["ip"], port["instance_uuid"])

    def _free_ports(self, chosen):
        with self._ports() as ports:
            released = [ports.pop(port_id) for port_id, port
                        in list(ports.items()) if chosen(port)]
            if released:
                self._write_hosts(ports)
        for port in released:
            self._release_lease(port)
        if released:
            self._reload_dnsmasq()
        return released

    def _release_lease(self, port):
        # dhcp_release asks dnsmasq itself to drop the lease.
        result = _run(["dhcp_release", self.bridge, port["ip"], port["mac"]],
                      check=False)
        if result.returncode:
            LOG.warning("Could not release the lease of %s: %s", port["ip"],
                        result.stderr.strip())

    def ports(self):
        with self._ports() as ports:
            return dict(ports)

    def leases(self):
        """[(mac, ip)] of the leases dnsmasq holds."""
        try:
            with open(self._path("dnsmasq.leases")) as handle:
                return [tuple(line.split()[1:3]) for line in handle
                        if line.strip()]
        except FileNotFoundError:
            return []

    def _vif(self, port, instance):
        return model.bridge_vif(
            port["id"], port["mac"], port["ip"], self.network_id,
            self.bridge, self.label, str(self.subnet), self.gateway,
            instance.project_id,
            routes=[("%s/32" % self.metadata_address, self.gateway)])


def _new_mac(used):
    while True:
        mac = "fa:16:3e:%02x:%02x:%02x" % tuple(
            random.randrange(256) for _ in range(3))
        if mac not in used:
            return mac


def _dhcp_hostname(hostname):
    """A hostname dnsmasq accepts in a dhcp-host line, or None."""
    if not hostname:
        return None
    cleaned = "".join(char for char in hostname.lower()
                      if char.isalnum() or char == "-").strip("-")
    return cleaned[:63] or None


def _write_sysctl(path, value):
    try:
        with open(path, "w") as handle:
            handle.write(value)
    except OSError as error:
        LOG.debug("Could not write %s: %s", path, error)
