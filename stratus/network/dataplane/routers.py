"""Routers and floating IPs on the host (IPv4 only).

A router is a network namespace ``qrouter-<router id>`` whose legs are
veth pairs onto the networks' bridges:

- ``qr-<port>`` per router interface port, with the port's MAC and
  addresses, its peer ``tap<port>`` on the network's bridge;
- ``qg-<port>`` for the gateway port on the external network's bridge,
  with the gateway port's addresses and each floating IP (/32), a default
  route via the external subnet's gateway_ip, and the router's extra
  routes.

``net.ipv4.ip_forward`` is 1 inside the namespace only. An nftables table
``ip stratus_router`` there (replaced atomically) does the NAT: per
floating IP, DNAT of the floating address to the fixed one and SNAT of
the fixed address to the floating one; SNAT of everything else leaving
through ``qg-`` to the gateway address when enable_snat. Connections
NATed for a floating IP or gateway address the router no longer has are
dropped (their conntrack entries outlive the rules otherwise).

The external network exists only on this machine: its bridge has no
uplink, the host (root namespace) holds the external subnet's gateway_ip
on it, so the host reaches routers' gateways and floating IPs, and a
table ``inet stratus_ext_<bridge>`` in the root namespace drops whatever
would be routed from or to that bridge. The root namespace's
``ip_forward`` is never touched (it stays 0): traffic a router sends to
its default gateway ends at the host.

``Routers.sync(state)`` converges on the routers of a
``state.State``; it is idempotent (a sync with nothing to change changes
nothing: no device made again, no table reloaded) and removes the
namespaces of routers no longer there. A router with
``admin_state_up: false`` has no namespace (it forwards nothing).
"""
import hashlib
import ipaddress
import json
import logging
import os

from stratus.network import exception as net_exception
from stratus.network.dataplane import netns
from stratus.network.dataplane import state as dp_state

LOG = logging.getLogger(__name__)

NAMESPACE_PREFIX = dp_state.router_namespace("")
NAT_TABLE = "stratus_router"
HOST_TABLE_PREFIX = "stratus_ext_"
LEG_PREFIXES = ("qr-", "qg-")


def _v4_subnet(state, subnet_id):
    subnet = next((s for s in state.subnets if s.id == subnet_id), None)
    if subnet is None or subnet.ip_version != 4:
        return None
    return subnet


def port_addresses(state, port):
    """The port's IPv4 addresses as "ip/prefixlen" (its subnets')."""
    addresses = []
    for fixed_ip in port.fixed_ips:
        subnet = _v4_subnet(state, fixed_ip.subnet_id)
        if subnet is not None:
            prefix = ipaddress.ip_network(subnet.cidr).prefixlen
            addresses.append("%s/%d" % (fixed_ip.ip_address, prefix))
    return addresses


def gateway_ip(state, port):
    """The gateway_ip of the port's first IPv4 subnet that has one."""
    for fixed_ip in port.fixed_ips:
        subnet = _v4_subnet(state, fixed_ip.subnet_id)
        if subnet is not None and subnet.gateway_ip:
            return subnet.gateway_ip
    return None


def floating_ips_of(state, router):
    """The router's associated floating IPs on its gateway's network."""
    gateway = router.gateway_port
    if gateway is None:
        return []
    return [fip for fip in state.floating_ips
            if fip.router_id == router.id and fip.port_id
            and fip.fixed_ip_address
            and fip.floating_network_id == gateway.network_id]


def _route_key(destination):
    if destination == "default":
        destination = "0.0.0.0/0"
    return str(ipaddress.ip_network(destination, strict=False))


def links(namespace=None):
    """{name: (flags, {word: the word after it})} of the namespace's
    links, from one listing."""
    shown = netns.run(["ip", "-o", "link", "show"], namespace=namespace)
    found = {}
    for line in shown.stdout.splitlines():
        words = line.split()
        if len(words) > 2:
            found[words[1].rstrip(":").split("@")[0]] = (
                set(words[2].strip("<>").split(",")),
                dict(zip(words, words[1:])))
    return found


def nat_body(router, gateway_device, gateway_addresses, fips):
    """The body of the router namespace's NAT table."""
    prerouting, postrouting = [], []
    for fip in sorted(fips, key=lambda f: f.floating_ip_address):
        prerouting.append("ip daddr %s dnat to %s" % (
            fip.floating_ip_address, fip.fixed_ip_address))
        postrouting.append('oifname "%s" ip saddr %s snat to %s' % (
            gateway_device, fip.fixed_ip_address, fip.floating_ip_address))
    if router.enable_snat and gateway_addresses:
        postrouting.append('oifname "%s" snat to %s' % (
            gateway_device, gateway_addresses[0]))
    # Drop connections NATed for an address the router no longer has:
    # their conntrack entries would keep NATing without any rule.
    fip_addresses = sorted(f.floating_ip_address for f in fips)
    nat_sources = sorted(set(fip_addresses + (
        gateway_addresses[:1] if router.enable_snat else [])))
    forward = [
        "ct status dnat ct original ip daddr != { %s } drop"
        % ", ".join(fip_addresses) if fip_addresses
        else "ct status dnat drop",
        "ct status snat ct reply ip daddr != { %s } drop"
        % ", ".join(nat_sources) if nat_sources
        else "ct status snat drop",
    ]
    chains = (
        ("prerouting", "type nat hook prerouting priority dstnat",
         prerouting),
        ("postrouting", "type nat hook postrouting priority srcnat",
         postrouting),
        ("forward", "type filter hook forward priority filter", forward),
    )
    return "\n".join(
        "  chain %s {\n    %s; policy accept;\n%s  }" % (
            name, hook, "".join("    %s\n" % rule for rule in rules))
        for name, hook, rules in chains)


def host_body(bridge, cidrs):
    """The body of the root namespace's table of an external bridge:
    nothing is routed from or to it (bridged frames, with br_netfilter
    loaded, come in and go out the bridge itself and pass), and the host
    takes from it only packets from the external subnets (it would
    answer any other through its own default route, off the machine)."""
    sources = ("ip saddr != { %s } drop" % ", ".join(cidrs) if cidrs
               else "meta nfproto ipv4 drop")
    return ("  chain forward {\n"
            "    type filter hook forward priority filter - 10; "
            "policy accept;\n"
            '    iifname "{b}" oifname != "{b}" drop\n'
            '    oifname "{b}" iifname != "{b}" drop\n'
            "  }\n"
            "  chain input {\n"
            "    type filter hook input priority filter - 10; "
            "policy accept;\n"
            '    iifname "{b}" {s}\n'
            "  }").replace("{b}", bridge).replace("{s}", sources)


def _leg_in_place(inner, outer, bridge, mac, mtu):
    """Whether a leg (its two links as listed by links()) stands as
    wanted: then ensure_veth's commands, each a no-op, are spared."""
    return (inner is not None and outer is not None
            and "UP" in inner[0] and "UP" in outer[0]
            and outer[1].get("master") == bridge
            and (not mac or inner[1].get("link/ether") == mac.lower())
            and (not mtu or inner[1].get("mtu") == str(mtu)
                 and outer[1].get("mtu") == str(mtu)))


def _legs(present):
    return sorted(name for name in present if name.startswith(LEG_PREFIXES))


class Routers:
    """The routers part of the dataplane (see the module docstring)."""

    def __init__(self, conf):
        self.conf = conf
        self._bridges = set()  # ensured during the current sync
        # What this dataplane made (kept across restarts in its state
        # directory): a sync or cleanup removes only those, so another
        # dataplane's routers on the machine are left alone.
        self._record = os.path.join(conf.dataplane.state_dir,
                                    "routers.json")

    def _made(self):
        try:
            with open(self._record) as handle:
                made = json.load(handle)
            return set(made["namespaces"]), set(made["tables"])
        except (OSError, ValueError, KeyError, TypeError):
            return set(), set()

    def _note_made(self, namespaces, tables):
        os.makedirs(os.path.dirname(self._record), exist_ok=True)
        with open(self._record + ".tmp", "w") as handle:
            json.dump({"namespaces": sorted(namespaces),
                       "tables": sorted(tables)}, handle)
        os.replace(self._record + ".tmp", self._record)

    # -- the whole host ------------------------------------------------

    def sync(self, state):
        """Converge on the routers and floating IPs of state."""
        failures = []
        self._bridges = set()
        # External networks with ports (routers' gateways, floating
        # IPs): those the dataplane makes a bridge for.
        external = [n for n in state.networks
                    if n.external and state.ports_of(n.id)]
        for network in external:
            self._guarded(failures, network.id, self._sync_external,
                          state, network)
        wanted_tables = {HOST_TABLE_PREFIX + dp_state.bridge_name(n.id)
                         for n in external}
        made_namespaces, made_tables = self._made()
        for table in self._host_tables():
            if table in made_tables and table not in wanted_tables:
                self._remove_external(table)
        wanted = {}
        for router in state.routers:
            if router.admin_state_up:
                wanted[dp_state.router_namespace(router.id)] = router
        for namespace, router in sorted(wanted.items()):
            self._guarded(failures, router.id, self._sync_router,
                          state, router, namespace)
        for namespace in netns.list_namespaces(NAMESPACE_PREFIX):
            if namespace in made_namespaces and namespace not in wanted:
                self._remove_router(namespace)
        self._note_made(set(wanted), wanted_tables)
        if failures:
            raise net_exception.DataplaneError(reason="; ".join(failures))

    def cleanup(self):
        """Remove the router namespaces and the external bridges' host
        addresses and tables this dataplane made."""
        made_namespaces, made_tables = self._made()
        for namespace in netns.list_namespaces(NAMESPACE_PREFIX):
            if namespace in made_namespaces:
                self._remove_router(namespace)
        for table in self._host_tables():
            if table in made_tables:
                self._remove_external(table)
        self._note_made(set(), set())

    @staticmethod
    def _guarded(failures, name, function, *args):
        # One router's failure does not keep the others from converging.
        try:
            function(*args)
        except net_exception.DataplaneError as error:
            LOG.warning("Dataplane: %s: %s", name, error)
            failures.append("%s: %s" % (name, error))

    # -- the host side of external networks ----------------------------

    def _sync_external(self, state, network):
        bridge = dp_state.bridge_name(network.id)
        self._ensure_bridge(bridge, network.mtu)
        subnets = [s for s in state.subnets_of(network.id)
                   if s.ip_version == 4]
        netns.set_addresses(bridge, [
            "%s/%d" % (s.gateway_ip, ipaddress.ip_network(s.cidr).prefixlen)
            for s in subnets if s.gateway_ip])
        self._load("inet", HOST_TABLE_PREFIX + bridge, host_body(
            bridge, sorted(s.cidr for s in subnets)))

    def _host_tables(self):
        listed = netns.run(["nft", "list", "tables", "inet"], check=False)
        return sorted(
            line.split()[-1] for line in listed.stdout.splitlines()
            if line.split()[-1:] and
            line.split()[-1].startswith(HOST_TABLE_PREFIX))

    def _remove_external(self, table):
        bridge = table[len(HOST_TABLE_PREFIX):]
        if netns.link_exists(bridge):
            netns.set_addresses(bridge, [])
        netns.delete_table("inet", table)

    # -- one router ----------------------------------------------------

    def _sync_router(self, state, router, namespace):
        netns.ensure_namespace(namespace)
        netns.write_sysctl("net/ipv4/ip_forward", "1", namespace=namespace)
        # A router answers packets it sends back where they came from
        # with no ICMP redirect (as Neutron's).
        netns.write_sysctl("net/ipv4/conf/all/send_redirects", "0",
                           namespace=namespace)
        legs = []
        for port in router.interface_ports:
            legs.append(("qr-", port, port_addresses(state, port)))
        fips = floating_ips_of(state, router)
        gateway = router.gateway_port
        gateway_addresses = []
        if gateway is not None:
            gateway_addresses = port_addresses(state, gateway)
            legs.append(("qg-", gateway, gateway_addresses + [
                "%s/32" % fip.floating_ip_address for fip in fips]))
        devices = set()
        inner, outer = links(namespace), links()
        for prefix, port, addresses in legs:
            devices.add(self._leg(state, namespace, prefix, port, addresses,
                                  (inner, outer)))
        for device in _legs(inner):
            if device not in devices:
                netns.delete_link(device, namespace=namespace)
        gateway_device = (dp_state.device_name("qg-", gateway.id)
                          if gateway is not None else "")
        self._load("ip", NAT_TABLE, nat_body(
            router, gateway_device,
            [a.split("/")[0] for a in gateway_addresses], fips),
            namespace=namespace)
        # Last: a route the kernel refuses leaves the rest in place.
        routes = {_route_key(d): n for d, n in router.routes
                  if ipaddress.ip_network(d, strict=False).version == 4}
        if gateway is not None and gateway_ip(state, gateway):
            routes[_route_key("default")] = gateway_ip(state, gateway)
        self._sync_routes(namespace, routes)

    def _leg(self, state, namespace, prefix, port, addresses, present):
        network = state.network(port.network_id)
        mtu = network.mtu if network is not None else None
        bridge = dp_state.bridge_name(port.network_id)
        inside = dp_state.device_name(prefix, port.id)
        outside = dp_state.device_name("tap", port.id)
        self._ensure_bridge(bridge, mtu)
        if not _leg_in_place(present[0].get(inside), present[1].get(outside),
                             bridge, port.mac_address, mtu):
            netns.ensure_veth(outside, inside, namespace, bridge,
                              mac=port.mac_address, mtu=mtu)
        netns.set_addresses(inside, addresses, namespace=namespace)
        return inside

    def _ensure_bridge(self, bridge, mtu):
        # Once a sync: the external bridge serves the host and gateways.
        if bridge not in self._bridges:
            netns.ensure_bridge(bridge, mtu)
            self._bridges.add(bridge)

    @staticmethod
    def _sync_routes(namespace, wanted):
        """Make the namespace's routes through a nexthop exactly wanted
        ({destination: nexthop}); connected routes are the addresses'."""
        shown = netns.run(["ip", "-4", "-o", "route", "show"],
                          namespace=namespace)
        present = {}
        for line in shown.stdout.splitlines():
            words = line.split()
            if "via" in words:
                present[_route_key(words[0])] = words[words.index("via") + 1]
        for destination, nexthop in sorted(present.items()):
            if wanted.get(destination) != nexthop:
                netns.run(["ip", "route", "del", destination],
                          namespace=namespace, check=False)
        for destination, nexthop in sorted(wanted.items()):
            if present.get(destination) != nexthop:
                netns.run(["ip", "route", "replace", destination, "via",
                           nexthop], namespace=namespace)

    def _remove_router(self, namespace):
        if namespace in netns.list_namespaces(NAMESPACE_PREFIX):
            for device in _legs(links(namespace)):
                netns.delete_link(device, namespace=namespace)
        netns.delete_namespace(namespace)

    # -- nftables ------------------------------------------------------

    @staticmethod
    def _load(family, table, body, namespace=None):
        """Replace the table with body unless it stands already: the
        table's comment carries a digest of the body it was loaded
        with."""
        mark = 'comment "stratus:%s"' % hashlib.sha256(
            body.encode()).hexdigest()[:32]
        listed = netns.run(["nft", "list", "table", family, table],
                           namespace=namespace, check=False)
        if listed.returncode == 0 and mark in listed.stdout:
            return
        netns.apply_nft(netns.table_ruleset(family, table, "  %s\n%s" % (
            mark, body)), namespace=namespace)
