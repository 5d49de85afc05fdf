"""Before a bridge VIF is plugged, its bridge exists (as os-vif's Linux
bridge plugin makes it): libvirt attaches a tap to a bridge, never makes
one. A bridge of the network service's dataplane (brq<network>) sends
its bridged traffic through the inet hooks, where its firewall is."""
from stratus.network.dataplane import bridges
from stratus.network.dataplane import netns


def ensure_bridges(network_info):
    """The bridge of each bridge VIF of network_info, made if missing."""
    for vif in network_info or ():
        if vif.get("type") != "bridge":
            continue
        name = (vif.get("network") or {}).get("bridge")
        if not name:
            continue
        mtu = (vif.get("network") or {}).get("meta", {}).get("mtu")
        if name.startswith(bridges.PREFIX):
            bridges.ensure(name, mtu)
        elif not netns.link_exists(name):
            netns.ensure_bridge(name, mtu)


def plugged_ports(network_info):
    """Ids of the bridge VIFs whose tap is on its bridge (what a Neutron
    L2 agent reports up)."""
    plugged = []
    for vif in network_info or ():
        devname = vif.get("devname")
        bridge = (vif.get("network") or {}).get("bridge")
        if vif.get("type") != "bridge" or not devname or not bridge:
            continue
        shown = netns.run(["ip", "-o", "link", "show", devname],
                          check=False)
        if shown.returncode == 0 and " master %s " % bridge in shown.stdout:
            plugged.append(vif["id"])
    return plugged
