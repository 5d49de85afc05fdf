"""Real-guest benchmark: POST /servers -> the guest's markers, under TCG.

For the tiny image with direct kernel boot ("direct") and the
self-booting disk ("disk"), five boots one after another, each timed from
the POST to the console lines

    (ACTIVE                 the API shows the server ACTIVE: spawned)
    STRATUS-GUEST-UP        the guest's init runs (kernel up)
    STRATUS-GUEST-NET       eth0 configured by DHCP ("networked")
    STRATUS-GUEST-METADATA  the metadata service answered

and the resident memory (RSS) of the guest's QEMU process once it is
ready. Medians are printed and written to bench/results/guest-tcg.json.

    sudo .venv/bin/python bench/guest_bench.py [--runs 5]

Needs tools/install-virt.sh (root, libvirtd). It starts an all-in-one with
compute_driver = libvirt on SQLite in a temporary directory, on its own
bridge (stratus-bench0, 10.252.0.0/24), and removes every guest it made.
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time

import webob

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from stratus.cmd import all_in_one  # noqa: E402
from stratus import conf as stratus_conf  # noqa: E402
from stratus import context as stratus_context  # noqa: E402
from stratus.image import client as image_client  # noqa: E402
from stratus.image import tiny  # noqa: E402
from stratus.network import builtin  # noqa: E402
from stratus import objects  # noqa: E402

MARKERS = {"up": "STRATUS-GUEST-UP", "networked": "STRATUS-GUEST-NET 10.",
           "metadata": "STRATUS-GUEST-METADATA uuid="}
READY = "STRATUS-GUEST-READY"
POLL = 0.01
RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results",
                       "guest-tcg.json")


class Api:
    def __init__(self, app):
        self.app = app

    def call(self, method, path, body=None):
        req = webob.Request.blank("/v2.1" + path, method=method, headers={
            "X-Auth-Token": "admin:admin",
            "OpenStack-API-Version": "compute 2.100"})
        if body is not None:
            req.body = json.dumps(body).encode()
            req.content_type = "application/json"
        response = req.get_response(self.app)
        if response.status_int >= 400:
            raise RuntimeError("%s %s: %s" % (method, path, response.text))
        return response.json if response.body else None


def host_conf(instances_path, domain_prefix, bridge, cidr, overrides=None):
    """The configuration of a libvirt compute host of the benchmarks
    (overrides: further {(group, name): value})."""
    conf = stratus_conf.build_conf()
    options = {
        (None, "compute_driver"): "libvirt",
        ("libvirt", "virt_type"): "qemu",
        ("libvirt", "instances_path"): instances_path,
        ("libvirt", "domain_prefix"): domain_prefix,
        # A bridge of the bench's own (guest_network_bench.py times the
        # network service's dataplane).
        ("network", "provider"): "builtin",
        ("network", "bridge"): bridge,
        ("network", "cidr"): cidr,
        ("network", "state_dir"): "/var/lib/stratus/bench-network",
        (None, "sync_power_state_interval"): -1}
    options.update(overrides or {})
    for (group, name), value in options.items():
        conf.set_override(name, value, group=group)
    return conf


def start_cloud(data_dir, overrides=None):
    """A started all-in-one with a libvirt host of the benchmarks
    (overrides: further {(group, name): value})."""
    objects.register_all()
    options = {("api", "auth_strategy"): "noauth",
               (None, "osapi_compute_listen_port"): 0,
               ("identity", "port"): 0, ("glance", "port"): 0,
               ("placement_api", "port"): 0}
    options.update(overrides or {})
    conf = host_conf(
        "/var/lib/stratus/bench-instances", "stratus-bench-",
        "stratus-bench0", "10.252.0.0/24", overrides=options)
    all_in_one.configure(conf, data_dir, auth="noauth")
    cloud = all_in_one.Cloud(conf, data_dir)
    cloud.bootstrap()
    return cloud.start()


def prepare_guests(cloud):
    """The tiny guest's images registered ({"direct": id, "disk": id}),
    the compute API and a 128 MB flavor's id."""
    artifacts = tiny.build("/var/cache/stratus/tiny-bench")
    ctx = stratus_context.get_admin_context(cloud.databases)
    images = tiny.register(ctx, image_client.ImageAPI(
        direct_app=cloud.apps["image"]), artifacts)
    api = Api(cloud.apps["compute"])
    flavor = api.call("POST", "/flavors", {"flavor": {
        "name": "bench.tiny", "ram": 128, "vcpus": 1,
        "disk": 1}})["flavor"]["id"]
    return images, api, flavor


def delete_server(api, server_id):
    """DELETE, then until the server is gone."""
    api.call("DELETE", "/servers/%s" % server_id)
    while True:
        try:
            api.call("GET", "/servers/%s" % server_id)
        except RuntimeError:
            return
        time.sleep(0.05)


def write_results(path, results):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as handle:
        json.dump(results, handle, indent=2)
    print("wrote %s" % path)


def guest_rss_kb(domain_name):
    try:
        with open("/run/libvirt/qemu/%s.pid" % domain_name) as handle:
            pid = int(handle.read().strip())
        with open("/proc/%d/status" % pid) as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def boot_once(api, driver, flavor, image, name):
    started = time.monotonic()
    server = api.call("POST", "/servers", {"server": {
        "name": name, "flavorRef": flavor, "imageRef": image,
        "networks": "auto"}})["server"]
    log_path = driver.console_log_path(server["id"])
    seen = {}
    deadline = started + 180
    while time.monotonic() < deadline:
        try:
            with open(log_path, errors="replace") as handle:
                log = handle.read()
        except FileNotFoundError:
            log = ""
        now = time.monotonic()
        if "active" not in seen and api.call(
                "GET", "/servers/%s" % server["id"])["server"]["status"] \
                == "ACTIVE":
            seen["active"] = now - started
        for key, marker in MARKERS.items():
            if key not in seen and marker in log:
                seen[key] = now - started
        if READY in log:
            break
        time.sleep(POLL)
    else:
        raise RuntimeError("guest %s not ready in time" % server["id"])
    rss = guest_rss_kb(driver.domain_name(server["id"]))
    delete_server(api, server["id"])
    return seen, rss


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="stratus-guest-bench-") as data:
        cloud = start_cloud(data)
        try:
            images, api, flavor = prepare_guests(cloud)
            driver = cloud.services[-1].manager.driver
            results = {"runs": args.runs, "memory_mb": 128,
                       "virt_type": "qemu", "cpus": os.cpu_count(),
                       "load_average_before": os.getloadavg()[0],
                       "modes": {}}
            for mode in ("direct", "disk"):
                samples = [boot_once(api, driver, flavor, images[mode],
                                     "bench-%s-%d" % (mode, index))
                           for index in range(args.runs)]
                figures = {key: round(statistics.median(
                    seen[key] for seen, _ in samples), 2)
                    for key in ["active"] + list(MARKERS)}
                rss = [kb for _, kb in samples if kb]
                figures["rss_mb"] = round(statistics.median(rss) / 1024, 1) \
                    if rss else None
                figures["samples"] = [seen for seen, _ in samples]
                results["modes"][mode] = figures
                print("%-7s active %5.2f s  up %5.2f s  networked %5.2f s  "
                      "metadata %5.2f s  RSS %s MB" % (
                          mode, figures["active"], figures["up"],
                          figures["networked"], figures["metadata"],
                          figures["rss_mb"]), flush=True)
        finally:
            cloud.stop()
            builtin.BuiltinNetwork(cloud.conf, cloud.conf.host).teardown()
    write_results(RESULTS, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
