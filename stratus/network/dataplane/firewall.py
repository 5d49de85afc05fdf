"""Security groups per port in nftables, as Neutron's reference firewall:
stateful, ingress denied but for the port's groups' ingress rules, egress
as its egress rules allow, no spoofing, DHCP allowed; a port without port
security is not filtered.

This kernel has no conntrack in the bridge family, so the work is split
in two tables replaced together in one transaction:

- ``bridge <table>``, forward hook (before br_netfilter's): frames from a
  filtered port's tap must carry its MAC and addresses (fixed IPs and
  allowed address pairs; ARP too) and must not be DHCP offers; the
  packet's mark then names its ports, in-index << 16 | 0x8000 |
  out-index;
- ``inet <table>``, forward hook, which bridged IP traffic reaches through
  br_netfilter (the bridges set nf_call_iptables): established and
  related accepted, invalid dropped, then the sending port's egress
  chain and the receiving port's ingress chain by the mark.

Every inet table on the machine sees every bridged packet: a table
judges only packets of its own bridges (there the input interface is the
bridge), so that the dataplanes of two clouds on one machine (tests run
side by side) do not apply each other's port numbers. The mark's flag is
bit 15, not bit 31 as before: tables written by the earlier layout leave
these packets alone.
"""
import ipaddress

from stratus.network.dataplane import netns
from stratus.network.dataplane import state as dp_state

OURS = 0x00008000
MAX_PORTS = 0x7fff
# Neutron's protocol names (and icmpv6) as IP protocol numbers.
PROTOCOLS = {"hopopt": 0, "icmp": 1, "igmp": 2, "ipip": 4, "tcp": 6,
             "egp": 8, "udp": 17, "ipv6-encap": 41, "ipv6-route": 43,
             "ipv6-frag": 44, "rsvp": 46, "gre": 47, "esp": 50, "ah": 51,
             "ipv6-icmp": 58, "icmpv6": 58, "ipv6-nonxt": 59,
             "ipv6-opts": 60, "ospf": 89, "vrrp": 112, "pgm": 113,
             "sctp": 132, "dccp": 33, "udplite": 136}
# Protocols with ports (tcp, udp, dccp, sctp, udplite).
_PORTED = {6, 17, 33, 132, 136}


def filtered_ports(snapshot):
    """Guest ports with port security, in index order (1, 2, ...)."""
    return sorted((port for port in snapshot.ports
                   if port.port_security_enabled
                   and not port.device_owner.startswith("network:")),
                  key=lambda port: port.id)[:MAX_PORTS]


def _addresses(port, version):
    found = [ipaddress.ip_network(fixed.ip_address)
             for fixed in port.fixed_ips]
    for address, _ in port.allowed_address_pairs:
        found.append(ipaddress.ip_network(address, strict=False))
    return [str(net) for net in ipaddress.collapse_addresses(
        net for net in found if net.version == version)]


class RemoteGroups:
    """The addresses of each security group's ports (fixed IPs and
    address pairs), as named nft sets of the inet table that rules with
    a remote group match against (one set per group and family, however
    many ports use it)."""

    def __init__(self, snapshot):
        self.addresses = {}
        for port in snapshot.ports:
            for group_id in port.security_group_ids:
                for version in (4, 6):
                    self.addresses.setdefault((group_id, version), []).extend(
                        ipaddress.ip_network(net)
                        for net in _addresses(port, version))
        self.names = {}

    def set_name(self, group_id, version):
        key = (group_id, version)
        if key not in self.names:
            self.names[key] = "remote%d_%d" % (version, len(self.names) + 1)
        return self.names[key]

    def declarations(self):
        lines = []
        for (group_id, version), name in self.names.items():
            nets = list(ipaddress.collapse_addresses(
                self.addresses.get((group_id, version), [])))
            hosts = all(net.num_addresses == 1 for net in nets)
            members = [str(net.network_address) if hosts else str(net)
                       for net in nets]
            # A hash set of addresses; an interval set only for prefixes
            # (allowed address pairs).
            lines += ["set %s {" % name, "type ipv%d_addr;%s" % (
                version, "" if hosts else " flags interval;")]
            if members:
                lines.append("elements = %s" % _set(members))
            lines.append("}")
        return lines


def _set(items):
    return "{ %s }" % ", ".join(items)


def rule_match(rule, remote_groups):
    """The nft match of a security group rule (remote_groups: a
    RemoteGroups), or None when it can match nothing."""
    version = 6 if rule.ethertype == "IPv6" else 4
    family = "ip6" if version == 6 else "ip"
    remote = "saddr" if rule.direction == "ingress" else "daddr"
    parts = ["meta nfproto ipv%d" % version]
    if rule.remote_ip_prefix:
        network = ipaddress.ip_network(rule.remote_ip_prefix, strict=False)
        if network.version != version:
            return None
        parts.append("%s %s %s" % (family, remote, network))
    if rule.remote_group_id:
        parts.append("%s %s @%s" % (family, remote, remote_groups.set_name(
            rule.remote_group_id, version)))
    protocol = (rule.protocol or "").lower()
    if protocol in ("", "any"):
        return " ".join(parts)
    number = int(protocol) if protocol.isdigit() else PROTOCOLS.get(protocol)
    if number is None or number > 255:
        return None
    if number in (1, 58):
        # "icmp" in an IPv6 rule means ICMPv6, as in Neutron.
        number = 58 if version == 6 else 1
        parts.append("meta l4proto %d" % number)
        header = "icmpv6" if version == 6 else "icmp"
        if rule.port_range_min is not None:
            parts.append("%s type %d" % (header, rule.port_range_min))
            if rule.port_range_max is not None:
                parts.append("%s code %d" % (header, rule.port_range_max))
        return " ".join(parts)
    parts.append("meta l4proto %d" % number)
    if number in _PORTED and rule.port_range_min is not None:
        high = rule.port_range_max if rule.port_range_max is not None \
            else rule.port_range_min
        parts.append("th dport %d" % rule.port_range_min if
                     high == rule.port_range_min else
                     "th dport %d-%d" % (rule.port_range_min, high))
    return " ".join(parts)


def _rules(groups, remote_groups, port, direction):
    found = []
    for group_id in port.security_group_ids:
        group = groups.get(group_id)
        for rule in group.rules if group else ():
            if rule.direction == direction:
                match = rule_match(rule, remote_groups)
                if match is not None and match not in found:
                    found.append(match)
    return found


def _bridge_body(ports):
    lines = ["chain forward {",
             "type filter hook forward priority -200; policy accept;",
             "iifname vmap %s" % _set(
                 '"%s" : jump from_%d' % (dp_state.device_name("tap", p.id),
                                          index)
                 for index, p in ports)]
    lines += ['oifname "%s" meta mark set meta mark | 0x%08x'
              % (dp_state.device_name("tap", port.id), OURS | index)
              for index, port in ports]
    lines.append("}")
    for index, port in ports:
        macs = sorted({port.mac_address.lower()} | {
            mac.lower() for _, mac in port.allowed_address_pairs if mac})
        v4 = _addresses(port, 4)
        v6 = _addresses(port, 6)
        lines += ["chain from_%d {" % index,
                  "ether saddr != %s drop" % _set(macs),
                  "arp saddr ether != %s drop" % _set(macs),
                  "arp saddr ip != %s drop" % _set(v4 + ["0.0.0.0"]),
                  "ether type ip ip saddr != %s drop" % _set(
                      v4 + ["0.0.0.0"]),
                  "ether type ip udp sport 67 udp dport 68 drop",
                  "ether type ip6 ip6 saddr != %s drop" % _set(
                      v6 + ["fe80::/10", "::"]),
                  "meta mark set 0x%08x" % (OURS | index << 16),
                  "}"]
    return "\n".join(lines)


def _inet_body(snapshot, ports):
    groups = {group.id: group for group in snapshot.security_groups}
    remote_groups = RemoteGroups(snapshot)
    bridges = sorted({dp_state.bridge_name(port.network_id)
                      for _, port in ports})
    lines = ["chain forward {",
             "type filter hook forward priority 0; policy accept;",
             "meta mark & 0x%08x == 0 accept" % OURS,
             "iifname != %s accept" % _set('"%s"' % name for name in bridges),
             "ct state established,related accept",
             "ct state invalid drop",
             "meta mark & 0x7fff0000 vmap %s" % _set(
                 "0x%08x : jump egress_%d" % (index << 16, index)
                 for index, _ in ports),
             "meta mark & 0x%08x vmap %s" % (MAX_PORTS, _set(
                 "0x%08x : jump ingress_%d" % (index, index)
                 for index, _ in ports)),
             "}"]
    for index, port in ports:
        lines += ["chain egress_%d {" % index,
                  "udp sport 68 udp dport 67 return",
                  "icmpv6 type { nd-router-solicit, nd-neighbor-solicit, "
                  "nd-neighbor-advert } return"]
        lines += ["%s return" % match
                  for match in _rules(groups, remote_groups, port,
                                      "egress")]
        lines += ["drop", "}", "chain ingress_%d {" % index,
                  "udp sport 67 udp dport 68 accept",
                  "icmpv6 type { nd-router-advert, nd-neighbor-solicit, "
                  "nd-neighbor-advert } accept"]
        lines += ["%s accept" % match
                  for match in _rules(groups, remote_groups, port,
                                      "ingress")]
        lines += ["drop", "}"]
    return "\n".join(remote_groups.declarations() + lines)


def ruleset(snapshot, table):
    """Both tables, as one nft transaction."""
    ports = list(enumerate(filtered_ports(snapshot), start=1))
    if not ports:
        return (netns.table_ruleset("bridge", table, "")
                + netns.table_ruleset("inet", table, ""))
    return (netns.table_ruleset("bridge", table, _bridge_body(ports))
            + netns.table_ruleset("inet", table,
                                  _inet_body(snapshot, ports)))


class Firewall:
    def __init__(self, conf):
        self.table = conf.dataplane.nft_table

    def sync(self, snapshot):
        netns.apply_nft(ruleset(snapshot, self.table))

    def cleanup(self):
        netns.delete_table("bridge", self.table)
        netns.delete_table("inet", self.table)
