"""A Linux bridge per network that has ports: brq<network id> (Neutron's
linuxbridge naming), no uplink, no address, its guests' taps, DHCP and
router legs its only ports. Bridged IPv4/IPv6 goes through the inet
hooks (br_netfilter's nf_call_iptables, set per bridge) where the
firewall's stateful rules see it.

The bridges it made are kept in <state_dir>/bridges.json; only those
(named brq*) are ever removed.
"""
import json
import os

from stratus.network.dataplane import netns
from stratus.network.dataplane import state as dp_state

PREFIX = "brq"


class Bridges:
    def __init__(self, conf):
        self.record = os.path.join(conf.dataplane.state_dir, "bridges.json")

    def _made(self):
        try:
            with open(self.record) as handle:
                return set(json.load(handle))
        except (FileNotFoundError, ValueError):
            return set()

    def _save(self, names):
        os.makedirs(os.path.dirname(self.record), exist_ok=True)
        part = self.record + ".part"
        with open(part, "w") as handle:
            json.dump(sorted(names), handle)
        os.replace(part, self.record)

    def sync(self, snapshot):
        wanted = {dp_state.bridge_name(network.id): network
                  for network in snapshot.networks
                  if snapshot.ports_of(network.id)}
        made = self._made()
        self._save(made | set(wanted))
        for name, network in sorted(wanted.items()):
            ensure(name, network.mtu)
        for name in sorted(made - set(wanted)):
            if name.startswith(PREFIX):
                netns.delete_link(name)
        self._save(set(wanted))
        return set(wanted)

    def cleanup(self):
        for name in sorted(self._made()):
            if name.startswith(PREFIX):
                netns.delete_link(name)
        self._save(set())


def ensure(name, mtu=None):
    """The bridge, its bridged traffic through the inet hooks."""
    netns.ensure_bridge(name, mtu)
    netns.run(["ip", "link", "set", name, "type", "bridge",
               "nf_call_iptables", "1", "nf_call_ip6tables", "1"])
