"""[neutron]: how Stratus reaches the network service (Nova's options:
a real Neutron from the catalog or endpoint_override, with keystoneauth's
auth and session options), and the built-in network service's own
listener and default quotas. [DEFAULT] vif_plugging_*: waiting for
network-vif-plugged, as in Nova."""
from oslo_config import cfg

from stratus.conf import keystoneauth

SERVICE_OPTS = [
    cfg.StrOpt("listen", default="127.0.0.1",
               help="Address the built-in network service (Neutron v2.0 "
                    "API) listens on."),
    cfg.PortOpt("port", default=9696,
                help="Port of the built-in network service."),
]

# Neutron's [QUOTAS] defaults, for the built-in service.
QUOTA_DEFAULTS = {"network": 100, "subnet": 100, "port": 500, "router": 10,
                  "floatingip": 50, "security_group": 10,
                  "security_group_rule": 100}
QUOTA_OPTS = [
    cfg.IntOpt("quota_%s" % resource, default=limit, min=-1,
               help="Default number of %s a project may have in the "
                    "built-in network service (-1: unlimited)." % resource)
    for resource, limit in QUOTA_DEFAULTS.items()
]

# Routers, floating IPs and the auto-allocated topology of the built-in
# service (docs/networking.md).
L3_OPTS = [
    cfg.StrOpt("public_cidr", default="172.24.4.0/24",
               help="Subnet of the external network ``public`` the "
                    "built-in network service makes at bootstrap "
                    "(router:external, is_default: routers' gateways and "
                    "floating IPs take their addresses from it), as "
                    "DevStack's; empty: no such network."),
    cfg.StrOpt("private_cidr", default="10.0.0.0/24",
               help="Subnet of the shared network ``private`` the "
                    "built-in network service makes with ``public`` at "
                    "its first bootstrap, with the router ``router1`` "
                    "joining it to ``public``: every project boots on it "
                    "without naming a network (as DevStack's private "
                    "network); empty: no such network."),
    cfg.StrOpt("auto_allocate_cidr", default="10.0.0.0/8",
               help="Range the subnets of auto-allocated topologies are "
                    "taken from (Neutron takes them from the default "
                    "subnet pool)."),
    cfg.IntOpt("auto_allocate_prefixlen", default=24, min=8, max=30,
               help="Prefix length of an auto-allocated subnet."),
    cfg.IntOpt("max_routes", default=30, min=0,
               help="Extra routes a router may have (Neutron's "
                    "max_routes)."),
]

CLIENT_OPTS = [
    cfg.StrOpt("default_floating_pool", default="nova",
               help="The external network a floating IP is taken from "
                    "when the request names none."),
    cfg.StrOpt("ovs_bridge", default="br-int",
               help="Integration bridge ports are plugged into when the "
                    "network service does not say."),
    cfg.IntOpt("extension_sync_interval", default=600, min=0,
               help="Seconds between refreshes of the network service's "
                    "extension list."),
    cfg.ListOpt("physnets", default=[],
                help="Physical networks this host's NUMA affinity is "
                     "configured for."),
    cfg.IntOpt("http_retries", default=3, min=0,
               help="Retries of a failed idempotent call to the network "
                    "service."),
    cfg.BoolOpt("service_metadata_proxy", default=False,
                help="The network service proxies metadata requests (with "
                     "metadata_proxy_shared_secret)."),
    cfg.StrOpt("metadata_proxy_shared_secret", default="", secret=True,
               help="Shared secret that signs proxied metadata "
                    "requests."),
]

VIF_PLUGGING_OPTS = [
    cfg.IntOpt("vif_plugging_timeout", default=300, min=0,
               help="Seconds a compute waits for network-vif-plugged "
                    "events before spawning fails or goes on; 0: do not "
                    "wait."),
    cfg.BoolOpt("vif_plugging_is_fatal", default=True,
                help="A build whose VIFs were not plugged in time fails "
                     "(else it goes on)."),
]


ADAPTER_DEFAULTS = {"service_type": "network",
                    "valid_interfaces": ["internal", "public"]}


def _keystoneauth_opts():
    return keystoneauth.client_opts(ADAPTER_DEFAULTS)


def _neutron_opts():
    names = {opt.dest
             for opt in SERVICE_OPTS + QUOTA_OPTS + L3_OPTS + CLIENT_OPTS}
    return (SERVICE_OPTS + QUOTA_OPTS + L3_OPTS + CLIENT_OPTS
            + [opt for opt in _keystoneauth_opts() if opt.dest not in names])


def register_opts(conf):
    conf.register_opts(_neutron_opts(), group="neutron")
    conf.register_opts(VIF_PLUGGING_OPTS)


def list_opts():
    return [("neutron", _neutron_opts()), ("DEFAULT", VIF_PLUGGING_OPTS)]
