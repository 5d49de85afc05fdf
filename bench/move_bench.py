"""Move benchmark: how long resize+confirm, resize+revert, a cold
migration (+confirm), a live migration, shelve (offloaded at once) +
unshelve and an evacuation (its host forced down) take on the fake
driver, all-in-one in one process
(SQLite, the in-process message transport, two compute hosts of one fake
node each), driven through the Compute API in-process (WSGI, no sockets).

    python bench/move_bench.py [--runs 20]

Each figure is the median of --runs moves of one server, timed from the
POST of the action until the server is settled (no task) in the state the
move ends in, polled every 5 ms. Prints a table and writes
bench/results/moves-all-in-one.json.
"""
import argparse
import json
import os
import sys
import tempfile
import time

import webob

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import medians  # noqa: E402
from stratus.cmd import all_in_one  # noqa: E402
from stratus import conf as stratus_conf  # noqa: E402
from stratus import objects  # noqa: E402

POLL = 0.005
ADMIN = "admin:admin"


class Api:
    def __init__(self, app):
        self.app = app

    def call(self, method, path, body=None, expected=(200, 202, 204),
             version="2.90"):
        req = webob.Request.blank("/v2.1" + path, method=method, headers={
            "X-Auth-Token": ADMIN,
            "OpenStack-API-Version": "compute %s" % version})
        if body is not None:
            req.body = json.dumps(body).encode()
            req.content_type = "application/json"
        response = req.get_response(self.app)
        if response.status_int not in expected:
            raise RuntimeError("%s %s: %s" % (method, path, response.text))
        return response.json if response.body else None

    def settled(self, server_id, status, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            server = self.call("GET", "/servers/%s" % server_id)["server"]
            if server["status"] == "ERROR":
                raise RuntimeError("server %s went to ERROR" % server_id)
            if server["status"] == status \
                    and server["OS-EXT-STS:task_state"] is None:
                return server
            time.sleep(POLL)
        raise RuntimeError("server %s not %s in time" % (server_id, status))

    def action(self, server_id, body):
        self.call("POST", "/servers/%s/action" % server_id, body)


def start(data_dir):
    objects.register_all()
    conf = stratus_conf.build_conf()
    conf([], project="stratus")
    conf.set_override("connection", "sqlite:///%s/api.db" % data_dir,
                      group="api_database")
    conf.set_override("connection", "sqlite:///%s/cell1.db" % data_dir,
                      group="database")
    conf.set_override("state_path", data_dir)
    conf.set_override("host", "bench-a")
    conf.set_override("auth_strategy", "noauth", group="api")
    conf.set_override("nodes", 1, group="fake_driver")
    conf.set_override("compute_hosts", 1, group="all_in_one")
    conf.set_override("host_cache_seconds", 0.0, group="scheduler")
    cloud = all_in_one.Cloud(conf, data_dir, serve_http=False)
    cloud.bootstrap()
    cloud.start()
    extra = cloud.compute_service("bench-b")
    extra.start()
    return cloud, extra


def force_down(api, host, down):
    service, = api.call("GET", "/os-services?host=%s&binary=nova-compute"
                        % host, version="2.53")["services"]
    api.call("PUT", "/os-services/%s" % service["id"],
             {"forced_down": down}, version="2.53")


def timed_evacuation(api, server_id, services):
    """Evacuate the server off its host (its compute stopped and forced
    down); the host comes back afterwards (not timed) and cleans up."""
    host = api.call("GET", "/servers/%s" % server_id)["server"][
        "OS-EXT-SRV-ATTR:host"]
    services[host].stop()
    force_down(api, host, True)
    seconds = timed(api, server_id, {"evacuate": {}}, "ACTIVE")
    force_down(api, host, False)
    services[host].start()
    return seconds


def timed(api, server_id, body, status):
    started = time.perf_counter()
    api.action(server_id, body)
    api.settled(server_id, status)
    return time.perf_counter() - started


def run(runs):
    with tempfile.TemporaryDirectory() as data_dir:
        cloud, extra = start(data_dir)
        services = {svc.host: svc for svc in cloud.services + [extra]
                    if svc.binary == "nova-compute"}
        try:
            api = Api(cloud.apps["compute"])
            # Two flavors that differ in RAM only, so that the server can
            # resize back and forth (no driver shrinks a disk).
            for flavor_id, ram in (("b1", 512), ("b2", 1024)):
                api.call("POST", "/flavors", {"flavor": {
                    "name": flavor_id, "ram": ram, "vcpus": 1, "disk": 1,
                    "id": flavor_id}})
            image = api.call("GET", "/images", version="2.35")["images"][0]["id"]
            server_id = api.call("POST", "/servers", {"server": {
                "name": "bench", "flavorRef": "b1", "imageRef": image,
                "networks": "none"}})["server"]["id"]
            api.settled(server_id, "ACTIVE")
            figures = {"resize+confirm": [], "resize+revert": [],
                       "cold migrate+confirm": [], "live migrate": [],
                       "shelve+unshelve": [], "evacuate": []}
            for index in range(runs):
                other = ("b2", "b1")[index % 2]
                figures["resize+confirm"].append(
                    timed(api, server_id, {"resize": {"flavorRef": other}},
                          "VERIFY_RESIZE")
                    + timed(api, server_id, {"confirmResize": None},
                            "ACTIVE"))
                current = other
                other = "b1" if current == "b2" else "b2"
                figures["resize+revert"].append(
                    timed(api, server_id, {"resize": {"flavorRef": other}},
                          "VERIFY_RESIZE")
                    + timed(api, server_id, {"revertResize": None},
                            "ACTIVE"))
                figures["cold migrate+confirm"].append(
                    timed(api, server_id, {"migrate": None},
                          "VERIFY_RESIZE")
                    + timed(api, server_id, {"confirmResize": None},
                            "ACTIVE"))
                figures["live migrate"].append(timed(
                    api, server_id, {"os-migrateLive": {
                        "block_migration": "auto", "host": None}},
                    "ACTIVE"))
                figures["shelve+unshelve"].append(
                    timed(api, server_id, {"shelve": None},
                          "SHELVED_OFFLOADED")
                    + timed(api, server_id, {"unshelve": None}, "ACTIVE"))
                figures["evacuate"].append(
                    timed_evacuation(api, server_id, services))
        finally:
            extra.stop()
            cloud.stop()
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    figures = run(args.runs)
    result = {"mode": "all-in-one (in-process, SQLite, fake driver, "
                      "2 hosts)", "runs": args.runs}
    medians.report(figures, result, "move", "moves-all-in-one.json")


if __name__ == "__main__":
    main()
