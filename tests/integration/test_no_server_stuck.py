"""The proof that no server stays stuck: api, conductor, scheduler and two
computes as separate processes over RabbitMQ and PostgreSQL; a mixed
workload (boots, deletes, stop/start/reboot, resizes, cold migrations,
their confirms and reverts) during which the conductor and
one compute are killed with SIGKILL and started again. Within 60 s every
server is ACTIVE, SHUTOFF, ERROR with a fault, or gone; no task_state is
left; placement holds exactly the allocations of the servers."""
import concurrent.futures
import random
import threading
import time

import pytest

from bench import boot_bench
from bench import deploy
from bench.http_client import Client

pytestmark = [pytest.mark.slow, pytest.mark.integration]

SETTLED = {"ACTIVE", "SHUTOFF", "ERROR"}
# Short deadlines, so the test sees the periodic check at work.
CONFIG = {
    # A call a killed conductor took is sent again after 10 s; a move is
    # taken over after 3 RPC timeouts (30 s); resizes left waiting are
    # confirmed after 2 s.
    "DEFAULT": {"report_interval": 2, "service_down_time": 10,
                "rpc_response_timeout": 10, "resize_confirm_window": 2},
    "conductor": {"stuck_check_interval": 2, "task_lease": 4,
                  "build_timeout": 4, "delete_timeout": 2,
                  "action_timeout": 2, "move_timeout": 30},
}
ACTIONS = [{"os-stop": None}, {"os-start": None},
           {"reboot": {"type": "SOFT"}}, {"reboot": {"type": "HARD"}},
           {"resize": {"flavorRef": "2"}}, {"resize": {"flavorRef": "1"}},
           {"migrate": None}, {"confirmResize": None},
           {"revertResize": None}]


class Workload:
    """Boots, deletes and actions from a few threads until stopped."""

    def __init__(self, client, image):
        self.client = client
        self.image = image
        self.ids = []
        self.deleted = set()
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.requests = 0

    def boot(self, index):
        code, body = self.client.request("POST", "/servers", {"server": {
            "name": "mix-%d" % index, "flavorRef": "1",
            "imageRef": self.image, "networks": "none"}})
        if code == 202:
            with self.lock:
                self.ids.append(body["server"]["id"])

    def run(self, seed):
        rng = random.Random(seed)
        index = seed * 1000
        while not self.stop.is_set():
            index += 1
            with self.lock:
                alive = [sid for sid in self.ids if sid not in self.deleted]
            choice = rng.random()
            if choice < 0.4 or not alive:
                self.boot(index)
            elif choice < 0.6:
                server_id = rng.choice(alive)
                self.client.request("DELETE", "/servers/%s" % server_id)
                with self.lock:
                    self.deleted.add(server_id)
            else:
                self.client.request("POST", "/servers/%s/action"
                                    % rng.choice(alive), rng.choice(ACTIONS))
            with self.lock:
                self.requests += 1
            time.sleep(0.05)


def _unsettled(client):
    """{id: (status, task_state)} of the servers not settled yet; every
    server there is."""
    unsettled, present = {}, {}
    _code, body = client.request("GET", "/servers/detail?all_tenants=1")
    for server in body["servers"]:
        server_id = server["id"]
        present[server_id] = server
        if server["status"] not in SETTLED \
                or server["OS-EXT-STS:task_state"] is not None:
            unsettled[server_id] = (server["status"],
                                    server["OS-EXT-STS:task_state"])
    return unsettled, present


def _placement_problems(cloud, client, present):
    """What placement holds that it should not: {problem: details}
    (empty when every present server's claim is on its node only, and
    nobody else holds anything)."""
    consumers = cloud.consumers()
    problems = {}
    leaked = set(consumers) - set(present)
    if leaked:
        _code, body = client.request("GET", "/os-migrations",
                                     version="2.80")
        moves = {m["uuid"]: (m["status"], m["instance_uuid"])
                 for m in body["migrations"]}
        problems["leaked"] = {uuid: moves.get(uuid, "no migration")
                              for uuid in leaked}
    doubled = {c: p for c, p in consumers.items() if len(p) > 1}
    if doubled:
        problems["claimed twice"] = doubled
    for server_id, server in present.items():
        node = server["OS-EXT-SRV-ATTR:hypervisor_hostname"]
        expected = ([[node]] if server["status"] != "ERROR"
                    else [None, [node]])
        if consumers.get(server_id) not in expected:
            problems.setdefault("misplaced", {})[server_id] = (
                server["status"], node, consumers.get(server_id))
    return problems


def test_killed_conductor_and_compute_leave_nothing_stuck():
    with deploy.start("distributed", computes=2, nodes=2,
                      config=CONFIG) as cloud:
        client = Client(cloud.compute_url)
        # A second flavor for the resizes (flavor 1 is m1.tiny).
        client.request("POST", "/flavors", {"flavor": {
            "name": "m1.mix", "id": "2", "ram": 1024, "vcpus": 2,
            "disk": 2}})
        _code, body = client.request("GET", "/images", version="2.35")
        workload = Workload(client, body["images"][0]["id"])
        # A base of running servers the actions and deletes work on.
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            list(pool.map(workload.boot, range(8)))
        for server_id in list(workload.ids):
            boot_bench.wait_status(client, server_id, timeout=60)
        assert len(workload.ids) == 8

        threads = [threading.Thread(target=workload.run, args=(seed,),
                                    daemon=True) for seed in range(1, 4)]
        for thread in threads:
            thread.start()
        time.sleep(3)
        cloud.kill("conductor")
        cloud.kill("compute0")
        # The API goes on accepting requests for dead services.
        time.sleep(3)
        cloud.restart("conductor")
        # compute0 stays down past service_down_time and the deadlines:
        # the conductor's check settles what it owned.
        time.sleep(14)
        workload.stop.set()
        for thread in threads:
            thread.join()
        cloud.restart("compute0")

        restarted = time.monotonic()
        deadline = restarted + 60
        while True:
            unsettled, present = _unsettled(client)
            problems = {} if unsettled else _placement_problems(
                cloud, client, present)
            if not unsettled and not problems \
                    or time.monotonic() > deadline:
                break
            time.sleep(1)
        assert unsettled == {}, unsettled
        assert problems == {}, problems
        settle_seconds = time.monotonic() - restarted
        assert len(workload.ids) > 8 and workload.requests > 20
        for server in present.values():
            if server["status"] == "ERROR":
                assert server.get("fault", {}).get("message"), server

        # The workload really moved servers: resizes and cold migrations.
        _code, body = client.request("GET", "/os-migrations",
                                     version="2.80")
        kinds = {m["migration_type"] for m in body["migrations"]}
        assert {"resize", "migration"} <= kinds, kinds

        statuses = sorted(server["status"] for server in present.values())
        outcomes = [line.split(": ", 1)[-1]
                    for line in cloud.log("conductor").splitlines()
                    if "stratus.conductor.manager" in line
                    and "Server " in line]
        print("servers %d (%s), gone %d, requests %d, settled %.1f s after "
              "the restart; conductor check: %s" % (
                  len(present), ", ".join(
                      "%s %d" % (status, statuses.count(status))
                      for status in sorted(set(statuses))),
                  len(workload.ids) - len(present), workload.requests,
                  settle_seconds, {outcome: outcomes.count(outcome)
                                   for outcome in set(outcomes)}))
