"""Real guests on the built-in network service: POST /servers -> the guest
reached at its floating IP, under TCG.

The flow of `openstack server create --network N --security-group web`
followed by `openstack floating ip create public` and `server add
floating ip` (what openstacksdk's auto_ip does): the server boots on a
project network routed to the external network `public`, in a security
group that opens TCP port 80; once it has its port, a floating IP is
made and associated. Each boot is timed from the POST to

    active      the API shows the server ACTIVE
    networked   the guest's eth0 configured by DHCP (STRATUS-GUEST-NET)
    metadata    the metadata service answered through the proxy
    reachable   the host fetched http://<floating IP>/ from the guest

and the all-in-one's resident memory (RSS) is read at the end. Medians are
printed and written to bench/results/guest-network-tcg.json.

    sudo .venv/bin/python bench/guest_network_bench.py [--runs 5]

Needs tools/install-virt.sh (root, libvirtd, nft, dnsmasq). The external
network is host-local (no uplink, the root namespace forwards nothing).
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request

import webob

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import guest_bench  # noqa: E402

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results",
                       "guest-network-tcg.json")
MARKERS = {"networked": "STRATUS-GUEST-NET 10.",
           "metadata": "STRATUS-GUEST-METADATA uuid="}
POLL = 0.02


class NetworkApi:
    def __init__(self, app):
        self.app = app

    def call(self, method, path, body=None):
        req = webob.Request.blank("/v2.0" + path, method=method, json=body,
                                  headers={"X-Auth-Token": "admin:admin"})
        response = req.get_response(self.app)
        if response.status_int >= 400:
            raise RuntimeError("%s %s: %s" % (method, path, response.text))
        return response.json if response.body else None


def start_cloud(data_dir, state_dir):
    return guest_bench.start_cloud(data_dir, {
        ("neutron", "port"): 0, ("network", "provider"): "neutron",
        ("dataplane", "enabled"): True, ("dataplane", "state_dir"): state_dir,
        ("dataplane", "metadata_port"): 0})


def make_topology(net):
    """A project network routed to public, and a group opening port 80."""
    network = net.call("POST", "/networks", {"network": {
        "name": "bench-net"}})["network"]
    subnet = net.call("POST", "/subnets", {"subnet": {
        "network_id": network["id"], "cidr": "10.251.0.0/24",
        "ip_version": 4}})["subnet"]
    public = net.call("GET", "/networks?name=public")["networks"][0]
    router = net.call("POST", "/routers", {"router": {
        "name": "bench-router",
        "external_gateway_info": {"network_id": public["id"]}}})["router"]
    net.call("PUT", "/routers/%s/add_router_interface" % router["id"],
             {"subnet_id": subnet["id"]})
    group = net.call("POST", "/security-groups", {"security_group": {
        "name": "web"}})["security_group"]
    for rule in ({"protocol": "tcp", "port_range_min": 80,
                  "port_range_max": 80}, {"protocol": "icmp"}):
        net.call("POST", "/security-group-rules", {"security_group_rule": dict(
            rule, security_group_id=group["id"], direction="ingress")})
    return network, public


def _reachable(address):
    try:
        with urllib.request.urlopen("http://%s/" % address, timeout=1) as reply:
            return reply.status == 200
    except OSError:
        return False


def boot_once(api, net, driver, flavor, image, network, public, name):
    started = time.monotonic()
    server = api.call("POST", "/servers", {"server": {
        "name": name, "flavorRef": flavor, "imageRef": image,
        "networks": [{"uuid": network["id"]}],
        "security_groups": [{"name": "web"}]}})["server"]
    log_path = driver.console_log_path(server["id"])
    seen, floating = {}, None
    deadline = started + 240
    while time.monotonic() < deadline and not {"reachable", "metadata"} <= \
            set(seen):
        now = time.monotonic()
        if "active" not in seen and api.call(
                "GET", "/servers/%s" % server["id"])["server"]["status"] \
                == "ACTIVE":
            seen["active"] = now - started
        if floating is None and "active" in seen:
            port = net.call("GET", "/ports?device_id=%s" % server["id"]
                            )["ports"][0]
            floating = net.call("POST", "/floatingips", {"floatingip": {
                "floating_network_id": public["id"],
                "port_id": port["id"]}})["floatingip"]
        try:
            with open(log_path, errors="replace") as handle:
                log = handle.read()
        except FileNotFoundError:
            log = ""
        for key, marker in MARKERS.items():
            if key not in seen and marker in log:
                seen[key] = now - started
        if floating and "networked" in seen and "reachable" not in seen \
                and _reachable(
                floating["floating_ip_address"]):
            seen["reachable"] = time.monotonic() - started
        time.sleep(POLL)
    if not {"reachable", "metadata"} <= set(seen):
        raise RuntimeError("guest %s not reached in time: %s" % (
            server["id"], seen))
    net.call("DELETE", "/floatingips/%s" % floating["id"])
    guest_bench.delete_server(api, server["id"])
    return seen


def rss_mb():
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    state_dir = tempfile.mkdtemp(prefix="stratus-bench-dataplane-")
    os.chmod(state_dir, 0o755)  # dnsmasq reads its hosts file as nobody
    with tempfile.TemporaryDirectory(prefix="stratus-guest-net-bench-") as data:
        cloud = start_cloud(data, state_dir)
        # Cloud.stop() lets go of its dataplane without undoing it (guests
        # outlive an all-in-one): the bench removes what it made.
        dataplane = cloud.dataplane
        try:
            images, api, flavor = guest_bench.prepare_guests(cloud)
            net = NetworkApi(cloud.apps["network"])
            network, public = make_topology(net)
            driver = cloud.services[-1].manager.driver
            samples = [boot_once(api, net, driver, flavor, images["direct"],
                                 network, public, "bench-net-%d" % index)
                       for index in range(args.runs)]
            figures = {key: round(statistics.median(
                seen[key] for seen in samples), 2)
                for key in ("active", "networked", "metadata", "reachable")}
            results = {"runs": args.runs, "memory_mb": 128,
                       "virt_type": "qemu", "cpus": os.cpu_count(),
                       "load_average_before": os.getloadavg()[0],
                       "medians": figures, "all_in_one_rss_mb": rss_mb(),
                       "samples": samples}
            print("active %5.2f s  networked %5.2f s  metadata %5.2f s  "
                  "floating IP reachable %5.2f s  all-in-one RSS %s MB" % (
                      figures["active"], figures["networked"],
                      figures["metadata"], figures["reachable"],
                      results["all_in_one_rss_mb"]), flush=True)
        finally:
            cloud.stop()
            if dataplane is not None:
                dataplane.cleanup()
            shutil.rmtree(state_dir, ignore_errors=True)
    guest_bench.write_results(RESULTS, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
