"""Lost casts: how long until work whose message a broker outage lost is
done anyway (issue 17). All-in-one in one process (SQLite, the in-process
transport, two fake compute hosts), the conductor's periodic check at its
defaults ([conductor] stuck_check_interval 10 s, in_flight_grace 10 s).

    python bench/lost_work.py [--servers 10]

Two rounds: --servers deletes whose casts to the computes are all lost
(each compute swallows them), then --servers boots whose casts from the
conductor to the computes are all lost. Each is timed from the last API
answer until every server is gone / ACTIVE (polled every 50 ms), with
the figure the check's defaults bound it by. Prints them and writes
bench/results/lost-work.json. (Before the check asked live computes, a
lost delete waited for delete_timeout, 120 s, and a lost build for
build_timeout, 300 s, or for ever once past 'scheduling'.)
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import move_bench  # noqa: E402

POLL = 0.05


class Swallow:
    """Replaces one RPC method of the computes: its next `count` messages
    are lost; the rest reach the real method."""

    def __init__(self, managers, method, count):
        self.left = count
        self.lock = threading.Lock()
        self.all_lost = threading.Event()
        self.real = {id(manager): getattr(manager, method)
                     for manager in managers}
        for manager in managers:
            setattr(manager, method, self._handler(manager))

    def _handler(self, manager):
        real = self.real[id(manager)]

        def handle(ctx, *args, **kwargs):
            with self.lock:
                if self.left:
                    self.left -= 1
                    if not self.left:
                        self.all_lost.set()
                    return None
            return real(ctx, *args, **kwargs)
        return handle


def wait_until(predicate, timeout=300):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError("not done within %s s" % timeout)
        time.sleep(POLL)


def gone(api, server_id):
    try:
        api.call("GET", "/servers/%s" % server_id, expected=(404,))
        return True
    except RuntimeError:
        return False


def active(api, server_id):
    server = api.call("GET", "/servers/%s" % server_id)["server"]
    if server["status"] == "ERROR":
        raise RuntimeError("server %s went to ERROR" % server_id)
    return server["status"] == "ACTIVE" \
        and server["OS-EXT-STS:task_state"] is None


def boot(api, image, count, name):
    return [api.call("POST", "/servers", {"server": {
        "name": "%s-%d" % (name, index), "flavorRef": "1",
        "imageRef": image, "networks": "none"}})["server"]["id"]
        for index in range(count)]


def timed_until_all(api, ids, done):
    """Seconds from now until done(api, id) holds for each id."""
    started = time.perf_counter()
    seconds = []
    for server_id in ids:
        wait_until(lambda: done(api, server_id))
        seconds.append(time.perf_counter() - started)
    return seconds


def run(count):
    with tempfile.TemporaryDirectory() as data_dir:
        cloud, extra = move_bench.start(data_dir)
        managers = [svc.manager for svc in cloud.services + [extra]
                    if svc.binary == "nova-compute"]
        conductor = next(svc.manager for svc in cloud.services
                         if svc.binary == "nova-conductor").conf.conductor
        bound = conductor.in_flight_grace + conductor.stuck_check_interval
        try:
            api = move_bench.Api(cloud.apps["compute"])
            image = api.call("GET", "/images",
                             version="2.35")["images"][0]["id"]
            ids = boot(api, image, count, "delete")
            for server_id in ids:
                wait_until(lambda: active(api, server_id))
            lost = Swallow(managers, "terminate_instance", count)
            for server_id in ids:
                api.call("DELETE", "/servers/%s" % server_id)
            lost.all_lost.wait(30)
            deletes = timed_until_all(api, ids, gone)
            lost = Swallow(managers, "build_and_run_instance", count)
            ids = boot(api, image, count, "build")
            lost.all_lost.wait(30)
            builds = timed_until_all(api, ids, active)
        finally:
            extra.stop()
            cloud.stop()
    return {"servers": count,
            "bound_s": bound,
            "lost_deletes_done_s": summary(deletes),
            "lost_builds_active_s": summary(builds)}


def summary(seconds):
    return {"median": round(statistics.median(seconds), 2),
            "max": round(max(seconds), 2)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, default=10,
                        help="servers per round (the default quota is 10)")
    args = parser.parse_args()
    figures = run(args.servers)
    print("%d servers; the check's defaults bound a lost cast by %s s"
          % (figures["servers"], figures["bound_s"]))
    for name in ("lost_deletes_done_s", "lost_builds_active_s"):
        print("%-22s median %6.2f s  max %6.2f s" % (
            name, figures[name]["median"], figures[name]["max"]))
    os.makedirs(move_bench.RESULTS, exist_ok=True)
    with open(os.path.join(move_bench.RESULTS, "lost-work.json"), "w") as out:
        json.dump(figures, out, indent=2)


if __name__ == "__main__":
    main()
