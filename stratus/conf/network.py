"""[network]: the built-in network provider (a host-local bridge)."""
from oslo_config import cfg

NETWORK_OPTS = [
    cfg.StrOpt("provider", default="auto",
               choices=["auto", "simulated", "builtin", "neutron"],
               help="neutron: ports of the network service, a real "
                    "Neutron or the built-in one ([neutron] options). "
                    "builtin: a host-local Linux bridge with dnsmasq (real "
                    "guests). simulated: addresses the driver invents (the "
                    "fake driver). auto: neutron (with the libvirt driver "
                    "the built-in service's dataplane, [dataplane], makes "
                    "its networks real on this host)."),
    cfg.BoolOpt("report_plugged_ports", default=True,
                help="With provider neutron, this compute is the built-in "
                     "network service's agent: it reports the ports its "
                     "driver plugged (RPC topic 'network'), and the service "
                     "sends network-vif-plugged. Turn off against a real "
                     "Neutron, whose own agents report them."),
    cfg.StrOpt("state_dir", default="/var/lib/stratus/network",
               help="Where the built-in provider keeps, per bridge, its "
                    "ports (IPAM) and dnsmasq's hosts, leases and pid. The "
                    "bridge is the host's, so this is too."),
    cfg.StrOpt("bridge", default="stratus-br0",
               help="Linux bridge the guests' taps join. It has no uplink: "
                    "guests reach only this machine."),
    cfg.StrOpt("cidr", default="10.253.0.0/24",
               help="The flat network's IPv4 subnet; the bridge takes its "
                    "first address."),
    cfg.StrOpt("network_name", default="private",
               help="Name (label) of the flat network in server "
                    "addresses."),
    cfg.IntOpt("dhcp_lease_seconds", default=86400, min=120,
               help="DHCP lease time dnsmasq hands out."),
    cfg.StrOpt("metadata_address", default="169.254.169.254",
               help="Address of the metadata service; put on the bridge "
                    "and routed to it by DHCP option 121, never beyond "
                    "this machine."),
    cfg.PortOpt("metadata_port", default=80,
                help="Port the metadata service listens on, on "
                     "metadata_address."),
]


def register_opts(conf):
    conf.register_opts(NETWORK_OPTS, group="network")


def list_opts():
    return [("network", NETWORK_OPTS)]
