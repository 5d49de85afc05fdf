"""[dataplane]: what the built-in network service makes real on this
host (stratus/network/dataplane/): a bridge per network, DHCP and
metadata per network in a namespace, security groups in nftables."""
from oslo_config import cfg

DATAPLANE_OPTS = [
    cfg.BoolOpt("enabled", default=None,
                help="Make the built-in network service's networks real "
                     "on this host: a Linux bridge per network (no uplink), "
                     "dnsmasq and a metadata proxy per network in a "
                     "namespace qdhcp-<network>, security groups in "
                     "nftables. Needs root, nft, dnsmasq. Unset: on when "
                     "the compute driver is libvirt and [network] provider "
                     "is neutron (the all-in-one), off otherwise."),
    cfg.StrOpt("state_dir", default="/var/lib/stratus/dataplane",
               help="Where dnsmasq's hosts, options, leases and pid files "
                    "live, a directory per network."),
    cfg.IntOpt("resync_interval", default=60, min=1,
               help="Seconds between two full syncs of the host with the "
                    "network service's database (besides the sync after "
                    "each change)."),
    cfg.IntOpt("dhcp_lease_seconds", default=86400, min=120,
               help="DHCP lease time dnsmasq hands out."),
    cfg.StrOpt("metadata_listen", default="127.0.0.1",
               help="Address the metadata service the proxies forward to "
                    "listens on (loopback: only the proxies reach it)."),
    cfg.PortOpt("metadata_port", default=8775,
                help="Port of that metadata service (0: any free port, "
                     "chosen at start)."),
    cfg.StrOpt("nft_table", default="stratus_dataplane",
               help="Name of the nftables tables (bridge and inet "
                    "families) holding the security groups."),
]


def register_opts(conf):
    conf.register_opts(DATAPLANE_OPTS, group="dataplane")


def list_opts():
    return [("dataplane", DATAPLANE_OPTS)]

