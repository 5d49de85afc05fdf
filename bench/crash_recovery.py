"""Crash recovery of the all-in-one: a burst of boots from a few client
threads (and one more deleting, stopping and rebooting the servers of
earlier rounds), SIGKILL of `stratus all-in-one` once a given number of
boots was accepted, a restart on the same data directory, and the
seconds until every server is settled (ACTIVE, SHUTOFF or ERROR, no
task); then what placement holds. One deployment takes several rounds
(one kill each).

    .venv/bin/python bench/crash_recovery.py [--backend sqlite|postgresql]
        [--boots 100] [--kill-at 10,50,90]

prints the figures and writes bench/results/crash-recovery-<backend>.json.
tests/integration/test_all_in_one_crash.py runs the same rounds and
checks what they found.
"""
import argparse
import concurrent.futures
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import deploy  # noqa: E402
from bench.http_client import Client  # noqa: E402

SETTLED = {"ACTIVE", "SHUTOFF", "ERROR"}
# The bound docs/architecture.md promises for a restart to settle.
SETTLE_BOUND = 60
THREADS = 4
RESULTS = os.path.join(os.path.dirname(__file__), "results")


class AllInOne:
    """`stratus all-in-one` on fixed free ports and its own data
    directory (SQLite there, or PostgreSQL databases of its own for the
    API and cell1), started, killed and started again."""

    def __init__(self, backend, workdir):
        self.dep = deploy.Deployment(workdir)
        self.ports = {name: deploy.free_port() for name in (
            "compute", "identity", "image", "placement", "network", "volume",
            "serial", "vnc")}
        config = {
            "serial_console": {"serialproxy_port": self.ports["serial"]},
            "vnc": {"novncproxy_port": self.ports["vnc"]},
            # Room for every server of the rounds (flavor 1: 1 vCPU, 512 MB).
            "fake_driver": {"vcpus": 64, "memory_mb": 262144},
        }
        if backend == "postgresql":
            tag = os.urandom(4).hex()
            for role, section in (("api", "api_database"),
                                  ("cell1", "database")):
                url, drop = deploy._create_pg_database(
                    "stratus_crash_%s_%s" % (role, tag))
                self.dep.cleanups.append(drop)
                config[section] = {"connection": url}
        conf_path = os.path.join(workdir, "stratus.conf")
        deploy.write_config(conf_path, config)
        self.args = ["--config-file", conf_path, "all-in-one", "--auth",
                     "noauth", "--data-dir", os.path.join(workdir, "data"),
                     "--compute-port", str(self.ports["compute"]),
                     "--identity-port", str(self.ports["identity"]),
                     "--image-port", str(self.ports["image"]),
                     "--placement-port", str(self.ports["placement"]),
                     "--network-port", str(self.ports["network"]),
                     "--volume-port", str(self.ports["volume"])]
        self.compute_url = "http://127.0.0.1:%d/v2.1" % self.ports["compute"]
        self.dep.compute_url = self.compute_url
        self.dep.placement_url = "http://127.0.0.1:%d" % self.ports["placement"]

    def start(self, mode="w"):
        process = self.dep.spawn("all-in-one", self.args, mode=mode)
        deploy.wait_http("http://127.0.0.1:%d/" % self.ports["compute"],
                         process=process)

    def kill(self):
        self.dep.kill("all-in-one", signal.SIGKILL)

    def stop(self):
        self.dep.stop()


# What the churn thread asks of the servers of earlier rounds, in turn.
CHURN = ("delete", {"os-stop": None}, {"reboot": {"type": "SOFT"}})


class Burst:
    """Boots from THREADS client threads until `boots` were accepted or
    the cloud stops answering (the ids of the 202s), and one more thread
    deleting, stopping and rebooting the servers of earlier rounds (the
    ids whose delete was accepted)."""

    def __init__(self, cloud, image, boots, label, earlier=()):
        self.cloud = cloud
        self.image = image
        self.boots = boots
        self.label = label
        self.earlier = list(earlier)
        self.accepted = []
        self.deleted = []
        # A delete the kill cut off before its answer may or may not
        # have been done: its server is neither kept nor lost.
        self.unanswered_delete = None
        self.actions = 0
        self.lock = threading.Lock()
        self.next = 0
        self.changed = threading.Condition(self.lock)

    def _churn(self):
        client = Client(self.cloud.compute_url)
        for index, server_id in enumerate(self.earlier):
            what = CHURN[index % len(CHURN)]
            try:
                if what == "delete":
                    code, _body = client.request("DELETE",
                                                 "/servers/" + server_id)
                else:
                    code, _body = client.request(
                        "POST", "/servers/%s/action" % server_id, what)
            except OSError:
                if what == "delete":
                    self.unanswered_delete = server_id
                return
            with self.lock:
                if code == 204 and what == "delete":
                    self.deleted.append(server_id)
                elif code == 202:
                    self.actions += 1
            time.sleep(0.02)

    def _one(self):
        client = Client(self.cloud.compute_url)
        while True:
            with self.lock:
                if self.next >= self.boots:
                    return
                self.next += 1
                index = self.next
            try:
                code, body = client.request("POST", "/servers", {"server": {
                    "name": "%s-%d" % (self.label, index), "flavorRef": "1",
                    "imageRef": self.image, "networks": "none"}})
            except OSError:
                return
            if code != 202:
                continue
            with self.changed:
                self.accepted.append(body["server"]["id"])
                self.changed.notify_all()

    def run_until(self, count, then):
        """Run the burst; call then() once count boots were accepted
        (the threads stop when the cloud stops answering)."""
        with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
            futures = [pool.submit(self._one) for _ in range(THREADS)]
            churn = threading.Thread(target=self._churn, daemon=True)
            churn.start()
            with self.changed:
                while len(self.accepted) < count and not all(
                        future.done() for future in futures):
                    self.changed.wait(0.05)
                accepted_at_kill = len(self.accepted)
            then()
            for future in futures:
                future.result()
            churn.join()
        return accepted_at_kill


def servers(client):
    """{id: server} of every server there is (all projects)."""
    code, body = client.request("GET", "/servers/detail?all_tenants=1")
    if code != 200:
        raise RuntimeError("listing servers: %s %s" % (code, body))
    return {server["id"]: server for server in body["servers"]}


def unsettled(present):
    return {server_id: (server["status"], server["OS-EXT-STS:task_state"])
            for server_id, server in present.items()
            if server["status"] not in SETTLED
            or server["OS-EXT-STS:task_state"] is not None}


def placement_problems(cloud, present):
    """Consumers placement holds for no server, servers claimed on more
    than one provider or (not in ERROR) on none."""
    consumers = cloud.dep.consumers()
    problems = {}
    leaked = sorted(set(consumers) - set(present))
    if leaked:
        problems["allocation without a server"] = leaked
    for server_id, server in present.items():
        held = consumers.get(server_id, [])
        if len(held) > 1 or (not held and server["status"] != "ERROR"):
            problems.setdefault("not exactly one allocation", {})[
                server_id] = (server["status"], held)
    return problems


def round_(cloud, client, image, boots, kill_at, label, kept):
    """One burst killed after kill_at accepted boots, a restart, the
    wait for every server to settle (SETTLE_BOUND seconds at most).
    kept: the ids of the servers that must exist (updated)."""
    burst = Burst(cloud, image, boots, label, earlier=sorted(kept))
    accepted_at_kill = burst.run_until(kill_at, cloud.kill)
    restarted = time.monotonic()
    cloud.start(mode="a")
    api_up = time.monotonic() - restarted
    deadline = restarted + SETTLE_BOUND
    in_transit = None
    while True:
        present = servers(client)
        left = unsettled(present)
        if in_transit is None:
            in_transit = len(left)
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    settle = time.monotonic() - restarted
    kept.update(burst.accepted)
    kept.difference_update(burst.deleted)
    if burst.unanswered_delete is not None and (
            burst.unanswered_delete not in present):
        kept.discard(burst.unanswered_delete)
    faults = {server_id: server.get("fault", {}).get("message")
              for server_id, server in present.items()
              if server["status"] == "ERROR"}
    return {
        "kill_at": kill_at, "accepted_at_kill": accepted_at_kill,
        "accepted": len(burst.accepted), "servers": len(present),
        "unsettled_when_up": in_transit,
        "api_up_s": round(api_up, 2), "settled_s": round(settle, 2),
        "unsettled": left,
        "deletes": len(burst.deleted), "actions": burst.actions,
        "lost": sorted(kept - set(present)),
        "deleted_left": sorted(set(burst.deleted) & set(present)),
        "statuses": {status: sum(1 for s in present.values()
                                 if s["status"] == status)
                     for status in sorted({s["status"]
                                           for s in present.values()})},
        "errors": faults,
        "placement_problems": {} if left else placement_problems(
            cloud, present),
    }


def run(backend="sqlite", boots=100, kill_at=(10, 50, 90)):
    """The rounds on one deployment: a list of their figures."""
    workdir = tempfile.mkdtemp(prefix="stratus-crash-")
    cloud = AllInOne(backend, workdir)
    try:
        cloud.start()
        deploy._wait_hypervisors(cloud.dep, 3)
        deploy._prepare_project(cloud.dep)
        client = Client(cloud.compute_url)
        _code, body = client.request("GET", "/images", version="2.35")
        image = body["images"][0]["id"]
        kept = set()
        return [round_(cloud, client, image, boots, count,
                       "crash%d" % number, kept)
                for number, count in enumerate(kill_at)]
    except Exception:
        print(cloud.dep.log("all-in-one")[-4000:])
        raise
    finally:
        cloud.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def summary(backend, rounds):
    return "; ".join(
        "%s, killed at %d accepted boots (and %d deletes, %d actions "
        "accepted): %d servers (%d unsettled when the API was back), API "
        "up %.1f s, settled %.1f s after the restart (%s)"
        % (backend, r["accepted_at_kill"], r["deletes"], r["actions"],
           r["servers"], r["unsettled_when_up"], r["api_up_s"],
            r["settled_s"], ", ".join("%s %d" % item
                                      for item in r["statuses"].items()))
        for r in rounds)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", default="sqlite",
                        choices=("sqlite", "postgresql"))
    parser.add_argument("--boots", type=int, default=100)
    parser.add_argument("--kill-at", default="10,50,90")
    args = parser.parse_args()
    kill_at = [int(count) for count in args.kill_at.split(",")]
    rounds = run(args.backend, args.boots, kill_at)
    print(summary(args.backend, rounds))
    os.makedirs(RESULTS, exist_ok=True)
    path = os.path.join(RESULTS, "crash-recovery-%s.json" % args.backend)
    with open(path, "w") as handle:
        json.dump({"backend": args.backend, "boots": args.boots,
                   "threads": THREADS, "rounds": rounds}, handle, indent=2)
    print("written to", path)


if __name__ == "__main__":
    main()
