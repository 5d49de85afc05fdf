"""Security groups per port in nftables, as Neutron's reference firewall:
stateful, ingress denied but for the port's groups' ingress rules, egress
as its egress rules allow, no spoofing, DHCP allowed; a port without port
security is not filtered.

This kernel has no conntrack in the bridge family, so the work is split
in two tables replaced together in one transaction:

- ``bridge <table>``, forward hook (before br_netfilter's): frames from a
  filtered port's tap must carry its MAC and addresses (fixed IPs and
  allowed address pairs; ARP too) and must not be DHCP offers; the
  packet's mark then names its ports, 0x80000000 | in-index << 16 |
  out-index;
- ``inet <table>``, forward hook, which bridged IP traffic reaches through
  br_netfilter (the bridges set nf_call_iptables): established and
  related accepted, invalid dropped, then the sending port's egress
  chain and the receiving port's ingress chain by the mark.
"""
import ipaddress

from stratus.network.dataplane import netns
from stratus.network.dataplane import state as dp_state

OURS = 0x80000000
MAX_PORTS = 0x7fff
_PORTED = {"tcp", "udp", "sctp", "dccp", "udplite", "6", "17", "132", "33",
           "136"}
_NAMES = {"6": "tcp", "17": "udp", "1": "icmp", "58": "ipv6-icmp",
          "132": "sctp", "icmpv6": "ipv6-icmp"}


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


def _group_addresses(snapshot, group_id, version):
    found = []
    for port in snapshot.ports:
        if group_id in port.security_group_ids:
            found += [ipaddress.ip_network(net)
                      for net in _addresses(port, version)]
    return [str(net) for net in ipaddress.collapse_addresses(found)]


def _set(items):
    return "{ %s }" % ", ".join(items)


def rule_match(snapshot, rule):
    """The nft match of a security group rule, or None when it matches
    nothing (a remote group without addresses)."""
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
        addresses = _group_addresses(snapshot, rule.remote_group_id,
                                     version)
        if not addresses:
            return None
        parts.append("%s %s %s" % (family, remote, _set(addresses)))
    protocol = (rule.protocol or "").lower()
    if protocol in ("", "any", "0"):
        return " ".join(parts)
    protocol = _NAMES.get(protocol, protocol)
    if protocol in ("icmp", "ipv6-icmp"):
        protocol = "ipv6-icmp" if version == 6 else "icmp"
        parts.append("meta l4proto " + protocol)
        header = "icmpv6" if version == 6 else "icmp"
        if rule.port_range_min is not None:
            parts.append("%s type %d" % (header, rule.port_range_min))
            if rule.port_range_max is not None:
                parts.append("%s code %d" % (header, rule.port_range_max))
        return " ".join(parts)
    parts.append("meta l4proto " + protocol)
    if protocol in _PORTED and rule.port_range_min is not None:
        high = rule.port_range_max if rule.port_range_max is not None \
            else rule.port_range_min
        parts.append("th dport %d" % rule.port_range_min if
                     high == rule.port_range_min else
                     "th dport %d-%d" % (rule.port_range_min, high))
    return " ".join(parts)


def _rules(snapshot, port, direction):
    groups = {group.id: group for group in snapshot.security_groups}
    found = []
    for group_id in port.security_group_ids:
        group = groups.get(group_id)
        for rule in group.rules if group else ():
            if rule.direction == direction:
                match = rule_match(snapshot, rule)
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
    lines = ["chain forward {",
             "type filter hook forward priority 0; policy accept;",
             "meta mark & 0x%08x == 0 accept" % OURS,
             "ct state established,related accept",
             "ct state invalid drop",
             "meta mark & 0x7fff0000 vmap %s" % _set(
                 "0x%08x : jump egress_%d" % (index << 16, index)
                 for index, _ in ports),
             "meta mark & 0x0000ffff vmap %s" % _set(
                 "0x%08x : jump ingress_%d" % (index, index)
                 for index, _ in ports),
             "}"]
    for index, port in ports:
        lines += ["chain egress_%d {" % index,
                  "udp sport 68 udp dport 67 return",
                  "icmpv6 type { nd-router-solicit, nd-neighbor-solicit, "
                  "nd-neighbor-advert } return"]
        lines += ["%s return" % match
                  for match in _rules(snapshot, port, "egress")]
        lines += ["drop", "}", "chain ingress_%d {" % index,
                  "udp sport 67 udp dport 68 accept",
                  "icmpv6 type { nd-router-advert, nd-neighbor-solicit, "
                  "nd-neighbor-advert } accept"]
        lines += ["%s accept" % match
                  for match in _rules(snapshot, port, "ingress")]
        lines += ["drop", "}"]
    return "\n".join(lines)


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
