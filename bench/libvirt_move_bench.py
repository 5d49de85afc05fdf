"""Real-guest benchmark: cold moves between two libvirt computes, under TCG.

An all-in-one (host 1) and a second libvirt compute service (host 2) on
this machine, each with its own bridge, instance directory and domain
prefix. One tiny guest (direct kernel boot) is booted on host 1; each
round resizes it to another flavor (it goes to host 2: a resize may not
stay on its host) and confirms, then cold-migrates it back to host 1 and
confirms. Each move is timed from its POST:

    verify      the API shows VERIFY_RESIZE (the guest was handed over and
                defined and started on the destination)
    networked   the guest's console on the destination shows
                STRATUS-GUEST-NET (booted again, DHCP done)
    confirmed   the confirm's POST -> ACTIVE
    total       POST -> VERIFY_RESIZE, then confirm -> ACTIVE

Medians are printed and written to bench/results/moves-libvirt-tcg.json.

    sudo .venv/bin/python bench/libvirt_move_bench.py [--rounds 3]

Needs tools/install-virt.sh (root, libvirtd). Bridges stratus-bench0 and
stratus-bench1 (10.252.0.0/24, 10.252.1.0/24); every guest it made is
removed.
"""
import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import guest_bench  # noqa: E402
from stratus.compute import manager as compute_manager  # noqa: E402
from stratus import context as stratus_context  # noqa: E402
from stratus.image import client as image_client  # noqa: E402
from stratus.image import tiny  # noqa: E402
from stratus.network import builtin  # noqa: E402
from stratus import service  # noqa: E402
from stratus.virt import loader as virt_loader  # noqa: E402

SECOND_HOST = "stratus-bench2"
NETWORKED = "STRATUS-GUEST-NET 10."
POLL = 0.02
TIMEOUT = 240
RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results",
                       "moves-libvirt-tcg.json")
# The boot flavor, then the resizes' flavors in turn (never the current
# one, never a smaller disk).
FLAVORS = [("bench.boot", 128, 1, 1), ("bench.big", 192, 1, 2),
           ("bench.other", 160, 1, 2)]


def second_compute(cloud, image_api):
    conf = guest_bench.host_conf(
        "/var/lib/stratus/bench-instances2", "stratus-bench2-",
        "stratus-bench1", "10.252.1.0/24",
        overrides={(None, "reserved_host_memory_mb"): 4096})
    driver = virt_loader.load_driver(conf, SECOND_HOST, image_api=image_api)
    manager = compute_manager.ComputeManager(
        conf, cloud.messaging, SECOND_HOST, driver, image_api=image_api)
    compute = service.Service(conf, cloud.messaging, "nova-compute",
                              "compute", SECOND_HOST, manager)
    compute.start()
    return compute, driver


def wait(check, what):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if check():
            return time.monotonic()
        time.sleep(POLL)
    raise RuntimeError("%s: not in %d s" % (what, TIMEOUT))


def status_is(api, server_id, wanted):
    def check():
        status = api.call("GET", "/servers/%s" % server_id)["server"][
            "status"]
        if status == "ERROR":
            raise RuntimeError("server %s is ERROR" % server_id)
        return status == wanted
    return check


def networked(driver, server_id, times):
    path = driver.console_log_path(server_id)

    def check():
        try:
            with open(path, errors="replace") as handle:
                return handle.read().count(NETWORKED) >= times
        except FileNotFoundError:
            return False
    return check


def move(api, drivers, server_id, body):
    """Time one move and its confirm; the host it went to."""
    started = time.monotonic()
    api.call("POST", "/servers/%s/action" % server_id, body)
    verify = wait(status_is(api, server_id, "VERIFY_RESIZE"), "VERIFY_RESIZE")
    host = api.call("GET", "/servers/%s" % server_id)["server"][
        "OS-EXT-SRV-ATTR:host"]
    up = wait(networked(drivers[host], server_id, 1), "networked")
    confirm_started = time.monotonic()
    api.call("POST", "/servers/%s/action" % server_id,
             {"confirmResize": None})
    confirmed = wait(status_is(api, server_id, "ACTIVE"), "ACTIVE")
    return {"host": host, "verify": round(verify - started, 2),
            "networked": round(up - started, 2),
            "confirmed": round(confirmed - confirm_started, 2),
            "total": round(verify - started + confirmed - confirm_started,
                           2),
            "steps": step_seconds(api, server_id,
                                  "resize" if "resize" in body
                                  else "migrate")}


def step_seconds(api, server_id, action):
    """Seconds of each compute step of the server's latest `action`
    (from its action events)."""
    latest = [item for item in api.call(
        "GET", "/servers/%s/os-instance-actions" % server_id)[
        "instanceActions"] if item["action"] == action][0]
    events = api.call("GET", "/servers/%s/os-instance-actions/%s" % (
        server_id, latest["request_id"]))["instanceAction"]["events"]
    return {event["event"]: round((
        datetime.datetime.fromisoformat(event["finish_time"])
        - datetime.datetime.fromisoformat(event["start_time"]))
        .total_seconds(), 2)
        for event in events if event["event"].startswith("compute_")
        and event["finish_time"]}


def median(samples, key):
    return round(statistics.median(sample[key] for sample in samples), 2)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    results = {"rounds": args.rounds, "virt_type": "qemu",
               "cpus": os.cpu_count(),
               "load_average_before": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory(prefix="stratus-move-bench-") as data:
        cloud = guest_bench.start_cloud(data)
        second = None
        try:
            artifacts = tiny.build("/var/cache/stratus/tiny-bench")
            ctx = stratus_context.get_admin_context(cloud.databases)
            image_api = image_client.ImageAPI(direct_app=cloud.apps["image"])
            images = tiny.register(ctx, image_api, artifacts)
            api = guest_bench.Api(cloud.apps["compute"])
            flavors = [api.call("POST", "/flavors", {"flavor": {
                "name": name, "ram": ram, "vcpus": vcpus, "disk": disk}})[
                "flavor"]["id"] for name, ram, vcpus, disk in FLAVORS]
            first_driver = cloud.services[-1].manager.driver
            second, second_driver = second_compute(cloud, image_api)
            drivers = {cloud.conf.host: first_driver,
                       SECOND_HOST: second_driver}
            server_id = api.call("POST", "/servers", {"server": {
                "name": "bench-move", "flavorRef": flavors[0],
                "imageRef": images["direct"], "networks": "auto"}})[
                "server"]["id"]
            wait(status_is(api, server_id, "ACTIVE"), "ACTIVE")
            wait(networked(first_driver, server_id, 1), "networked")
            resizes, migrations = [], []
            for index in range(args.rounds):
                flavor = flavors[1 + index % 2]
                resizes.append(move(api, drivers, server_id,
                                    {"resize": {"flavorRef": flavor}}))
                migrations.append(move(api, drivers, server_id,
                                       {"migrate": None}))
                print("round %d: resize+confirm %s, cold migrate+confirm %s"
                      % (index + 1, resizes[-1], migrations[-1]), flush=True)
            api.call("DELETE", "/servers/%s" % server_id)
            wait(lambda: server_id not in first_driver.list_instance_uuids()
                 and server_id not in second_driver.list_instance_uuids(),
                 "deleted")
        finally:
            if second is not None:
                second.stop()
            cloud.stop()
            builtin.BuiltinNetwork(cloud.conf, cloud.conf.host).teardown()
            if second is not None:
                builtin.BuiltinNetwork(second.conf, SECOND_HOST).teardown()
    for name, samples in (("resize", resizes), ("cold_migrate", migrations)):
        results[name] = {key: median(samples, key) for key in
                         ("verify", "networked", "confirmed", "total")}
        results[name]["steps"] = {step: round(statistics.median(
            sample["steps"][step] for sample in samples), 2)
            for step in samples[0]["steps"]}
        results[name]["samples"] = samples
        print("%-13s POST->VERIFY_RESIZE %5.2f s  ->networked %5.2f s  "
              "confirm->ACTIVE %5.2f s  move+confirm %5.2f s (medians of %d)"
              % (name, results[name]["verify"], results[name]["networked"],
                 results[name]["confirmed"], results[name]["total"],
                 len(samples)))
        print("%-13s steps: %s" % ("", results[name]["steps"]))
    guest_bench.write_results(RESULTS, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
