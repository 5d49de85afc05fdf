"""Real-guest volume benchmark through the compute API, under TCG.

The all-in-one with compute_driver = libvirt and its built-in block
storage service; each step timed over --runs runs (median, min, max):

    volume from image     POST /v3/{project}/volumes with the tiny disk
                          image as imageRef, until available
    bfv active            POST /servers booting from that volume, until
                          the API shows ACTIVE
    bfv ready             ... until the guest's STRATUS-GUEST-READY line
    image ready           the same guest booted from the image (a local
                          qcow2 disk), POST until READY, for comparison
    attach seen           POST os-volume_attachments until the guest's
                          kernel reports the disk (its console line)
    detach released       DELETE until the volume is available and the
                          guest reported the disk gone

Printed and written to bench/results/guest-volume-tcg.json.

    sudo .venv/bin/python bench/guest_volume_bench.py [--runs 3]

Needs tools/install-virt.sh (root, libvirtd). SQLite in a temporary
directory, its own bridge (stratus-bench0), volume files in
/var/lib/stratus/bench-volumes (QEMU must traverse every directory above
them); removes every guest and volume it made.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import time

import webob

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import guest_bench  # noqa: E402
from bench import medians  # noqa: E402
from stratus.network import builtin  # noqa: E402

VOLUMES_DIR = "/var/lib/stratus/bench-volumes"
TOKEN = "admin:admin"
POLL = 0.01


class Volumes:
    """The built-in block storage service's API, in-process."""

    def __init__(self, app):
        self.app = app

    def call(self, method, path, body=None):
        req = webob.Request.blank("/v3/admin" + path, method=method,
                                  headers={"X-Auth-Token": TOKEN})
        if body is not None:
            req.json = body
        response = req.get_response(self.app)
        if response.status_int >= 400 and response.status_int != 404:
            raise RuntimeError("%s %s: %s" % (method, path, response.text))
        return response.status_int, (response.json if response.body
                                     else None)

    def status(self, volume_id):
        code, body = self.call("GET", "/volumes/" + volume_id)
        return None if code == 404 else body["volume"]["status"]

    def wait(self, volume_id, statuses, timeout=300):
        deadline = time.monotonic() + timeout
        while True:
            status = self.status(volume_id)
            if status in statuses:
                return status
            if status == "error" or time.monotonic() > deadline:
                raise RuntimeError("volume %s is %s" % (volume_id, status))
            time.sleep(POLL)

    def create(self, **fields):
        volume_id = self.call("POST", "/volumes", {"volume": dict(
            size=1, **fields)})[1]["volume"]["id"]
        self.wait(volume_id, {"available"})
        return volume_id


def start_cloud(data_dir):
    return guest_bench.start_cloud(data_dir, {
        ("cinder", "port"): 0, ("cinder", "volumes_dir"): VOLUMES_DIR})


class Bench:
    def __init__(self, cloud, images, flavor):
        self.api = guest_bench.Api(cloud.apps["compute"])
        self.volumes = Volumes(cloud.apps["volume"])
        self.driver = cloud.services[-1].manager.driver
        self.images = images
        self.flavor = flavor

    def console(self, server_id):
        try:
            with open(self.driver.console_log_path(server_id),
                      errors="replace") as handle:
                return handle.read()
        except FileNotFoundError:
            return ""

    def wait_console(self, server_id, text, count=1, timeout=300):
        deadline = time.monotonic() + timeout
        while self.console(server_id).count(text) < count:
            if time.monotonic() > deadline:
                raise RuntimeError("%s: no %r" % (server_id, text))
            time.sleep(POLL)

    def status(self, server_id):
        return self.api.call("GET", "/servers/%s" % server_id)[
            "server"]["status"]

    def boot(self, server, figures, prefix):
        """POST the server; its ACTIVE and READY times into figures."""
        started = time.monotonic()
        server_id = self.api.call("POST", "/servers", {"server": dict(
            flavorRef=self.flavor, networks="auto", **server)})[
                "server"]["id"]
        while (status := self.status(server_id)) != "ACTIVE":
            if status == "ERROR":
                raise RuntimeError("server %s is ERROR" % server_id)
            time.sleep(POLL)
        figures.setdefault(prefix + " active", []).append(
            time.monotonic() - started)
        self.wait_console(server_id, "STRATUS-GUEST-READY")
        figures.setdefault(prefix + " ready", []).append(
            time.monotonic() - started)
        return server_id

    def delete(self, server_id):
        self.api.call("DELETE", "/servers/%s" % server_id)
        while True:
            try:
                self.api.call("GET", "/servers/%s" % server_id)
            except RuntimeError:
                return
            time.sleep(0.05)

    def boot_from_volume(self, figures, index):
        started = time.monotonic()
        root = self.volumes.create(imageRef=self.images["disk"])
        figures.setdefault("volume from image", []).append(
            time.monotonic() - started)
        server_id = self.boot({
            "name": "bench-bfv-%d" % index, "block_device_mapping_v2": [{
                "source_type": "volume", "destination_type": "volume",
                "uuid": root, "boot_index": 0,
                "delete_on_termination": True}]}, figures, "bfv")
        self.delete(server_id)
        self.volumes.wait(root, {None})

    def attach_cycle(self, server_id, figures, count):
        volume_id = self.volumes.create()
        path = "/servers/%s/os-volume_attachments" % server_id
        started = time.monotonic()
        self.api.call("POST", path, {"volumeAttachment": {
            "volumeId": volume_id}})
        self.wait_console(server_id, " serial=%s size=" % volume_id[:20])
        figures.setdefault("attach seen", []).append(
            time.monotonic() - started)
        self.volumes.wait(volume_id, {"in-use"})
        started = time.monotonic()
        self.api.call("DELETE", "%s/%s" % (path, volume_id))
        self.volumes.wait(volume_id, {"available"})
        self.wait_console(server_id, "STRATUS-GUEST-VOLUME-REMOVED", count)
        figures.setdefault("detach released", []).append(
            time.monotonic() - started)
        self.volumes.call("DELETE", "/volumes/" + volume_id)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    shutil.rmtree(VOLUMES_DIR, ignore_errors=True)
    os.makedirs(VOLUMES_DIR, mode=0o755)
    figures = {}
    result = {"runs": args.runs, "memory_mb": 128, "virt_type": "qemu",
              "cpus": os.cpu_count(),
              "load_average_before": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory(prefix="stratus-guest-vol-") as data:
        cloud = start_cloud(data)
        try:
            images, _, flavor = guest_bench.prepare_guests(cloud)
            bench = Bench(cloud, images, flavor)
            for index in range(args.runs):
                bench.boot_from_volume(figures, index)
                bench.delete(bench.boot({
                    "name": "bench-image-%d" % index,
                    "imageRef": images["disk"]}, figures, "image"))
            server_id = bench.boot({"name": "bench-attach",
                                    "imageRef": images["direct"]}, {}, "")
            for index in range(args.runs):
                bench.attach_cycle(server_id, figures, index + 1)
            bench.delete(server_id)
        finally:
            cloud.stop()
            builtin.BuiltinNetwork(cloud.conf, cloud.conf.host).teardown()
            shutil.rmtree(VOLUMES_DIR, ignore_errors=True)
    result["load_average_after"] = os.getloadavg()[0]
    medians.report(figures, result, "step", "guest-volume-tcg.json")
    print(json.dumps(result["median_seconds"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
