"""Time of the dataplane's Routers.sync for one router with interfaces on
two networks, a gateway on an external network and --fips floating IPs
(10 by default):

    first        the sync that makes the namespace, legs, routes and NAT
    unchanged    a sync with nothing to change (median of --runs)
    fip change   a sync after one floating IP is associated or
                 disassociated (median of --runs)
    removal      the sync that removes the router

    sudo .venv/bin/python bench/dataplane_bench.py [--fips 10] [--runs 10]

Needs root, ip and nft. Everything it makes is host-local and named
dp2b<tag> (bridges, namespace qrouter-dp2b<tag>...), the external subnet
a random /24 of 198.18.0.0/15; it removes all of it. Prints the figures
and writes bench/results/dataplane-routers.json.
"""
import argparse
import dataclasses
import json
import os
import random
import statistics
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from stratus import conf as stratus_conf  # noqa: E402
from stratus.network.dataplane import netns  # noqa: E402
from stratus.network.dataplane import routers as dp_routers  # noqa: E402
from stratus.network.dataplane import state as dp_state  # noqa: E402

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results",
                       "dataplane-routers.json")


def topology(fip_count):
    """(state with the router and its floating IPs, the floating IPs,
    the networks) for one random tag."""
    tag = "dp2b%04x" % random.randrange(0x10000)
    n = random.randrange(1, 255)
    ext_prefix = "198.%d.%d" % (random.choice((18, 19)), n)

    def ident(kind):
        return "%s%s-%s" % (tag, kind, uuid.uuid4())

    def port(kind, network, subnet, address, owner, device):
        return dp_state.Port(
            id=ident(kind), network_id=network.id,
            mac_address="fa:16:3e:%02x:%02x:%02x" % tuple(
                random.randrange(256) for _ in range(3)),
            device_id=device, device_owner=owner, project_id="p",
            fixed_ips=(dp_state.FixedIP(subnet.id, address),))

    ext = dp_state.Network(ident("e"), "public", True, 1500)
    nets = [dp_state.Network(ident(k), k, False, 1500) for k in "ab"]
    ext_subnet = dp_state.Subnet(ident("s"), ext.id, ext_prefix + ".0/24",
                                 4, ext_prefix + ".1", False)
    subnets = [dp_state.Subnet(ident("s"), net.id, "10.%d.%d.0/24" % (n, i),
                               4, "10.%d.%d.1" % (n, i), True)
               for i, net in enumerate(nets, 1)]
    router_id = ident("r")
    interfaces = tuple(
        port("i%d" % i, net, subnet, subnet.gateway_ip,
             "network:router_interface", router_id)
        for i, (net, subnet) in enumerate(zip(nets, subnets)))
    gateway = port("gw", ext, ext_subnet, ext_prefix + ".2",
                   "network:router_gateway", router_id)
    fips = tuple(
        dp_state.FloatingIP(
            ident("f"), "%s.%d" % (ext_prefix, 10 + i), ext.id, router_id,
            ident("g"), "%s.%d" % (subnets[i % 2].cidr.rsplit(".", 1)[0],
                                   10 + i))
        for i in range(fip_count))
    state = dp_state.State(
        networks=(ext,) + tuple(nets), subnets=(ext_subnet,) + tuple(subnets),
        ports=interfaces + (gateway,),
        routers=(dp_state.Router(id=router_id, project_id="p",
                                 gateway_port=gateway,
                                 interface_ports=interfaces),),
        floating_ips=fips)
    return state, [ext] + nets


def timed(function, *args):
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fips", type=int, default=10)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("needs root (network namespaces, bridges, nftables)")
    load_before = os.getloadavg()[0]
    state, networks = topology(args.fips)
    fewer = dataclasses.replace(state, floating_ips=state.floating_ips[1:])
    routers = dp_routers.Routers(stratus_conf.build_conf())
    try:
        first = timed(routers.sync, state)
        unchanged = [timed(routers.sync, state) for _ in range(args.runs)]
        changes = [timed(routers.sync, fewer if i % 2 == 0 else state)
                   for i in range(args.runs)]
        removal = timed(routers.sync, dp_state.State(
            networks=state.networks, subnets=state.subnets))
    finally:
        for router in state.routers:
            netns.delete_namespace(dp_state.router_namespace(router.id))
        for network in networks:
            bridge = dp_state.bridge_name(network.id)
            netns.delete_table("inet", dp_routers.HOST_TABLE_PREFIX + bridge)
            netns.delete_link(bridge)
    figures = {
        "interfaces": 2, "floating_ips": args.fips, "runs": args.runs,
        "cpus": os.cpu_count(), "load_average_before": round(load_before, 2),
        "first_s": round(first, 4),
        "unchanged_median_s": round(statistics.median(unchanged), 4),
        "fip_change_median_s": round(statistics.median(changes), 4),
        "removal_s": round(removal, 4),
    }
    for name in ("first_s", "unchanged_median_s", "fip_change_median_s",
                 "removal_s"):
        print("%-22s %8.1f ms" % (name[:-2], figures[name] * 1000))
    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    with open(RESULTS, "w") as handle:
        json.dump(figures, handle, indent=2)
    print("wrote %s" % RESULTS)


if __name__ == "__main__":
    main()
