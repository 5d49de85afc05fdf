"""Graceful shutdown (docs/operations.md, "Graceful shutdown"): api,
conductor, scheduler and two computes as separate processes over
RabbitMQ and PostgreSQL; a compute given SIGTERM while builds spawn on it
exits within [DEFAULT] graceful_shutdown_timeout (plus a little: the
signal is looked for once a second), and every server settles: ACTIVE on the other
compute or, once the stopped one starts again, on it; or ERROR with a
fault. No task_state is left. The other services stop within the bound
too. A whole all-in-one given SIGTERM the same way exits within twice
the bound (its computes first, then its control plane), and settles
every server once started again."""
import concurrent.futures
import signal
import subprocess
import time

import pytest

from bench import deploy
from bench.http_client import Client

pytestmark = [pytest.mark.slow, pytest.mark.integration]

BOUND = 3
# Beyond the bound: the signal is looked for once a second, and a loaded
# machine is slow to end a process.
SLACK = 5
CONFIG = {
    "DEFAULT": {"graceful_shutdown_timeout": BOUND, "report_interval": 2,
                "service_down_time": 10},
    # Spawns longer than the bound: some are cut short by the stop.
    "fake_driver": {"spawn_delay": 6},
}


def _servers(client):
    _code, body = client.request("GET", "/servers/detail?all_tenants=1")
    return {server["id"]: server for server in body["servers"]}


def _stop(cloud, name):
    """SIGTERM; the seconds until the process exited (None: not within
    the bound and its slack)."""
    process = cloud.processes[name]
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=BOUND + SLACK)
    except subprocess.TimeoutExpired:
        return None
    return time.monotonic() - started


def _boot_until_spawning(client, host):
    """Boot 8 servers; their ids and those spawning on host once some
    are."""
    _code, body = client.request("GET", "/images", version="2.35")
    image = body["images"][0]["id"]

    def boot(index):
        code, body = client.request("POST", "/servers", {"server": {
            "name": "gs-%d" % index, "flavorRef": "1",
            "imageRef": image, "networks": "none"}})
        assert code == 202, body
        return body["server"]["id"]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        ids = list(pool.map(boot, range(8)))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        spawning = [s for s in _servers(client).values()
                    if host in (None, s["OS-EXT-SRV-ATTR:host"])
                    and s["OS-EXT-STS:task_state"] == "spawning"]
        if spawning:
            break
        time.sleep(0.2)
    assert spawning
    return ids, spawning


def _settled_after(client, ids, seconds):
    """Wait up to seconds for every server to settle; the servers."""
    deadline = time.monotonic() + seconds
    while True:
        servers = _servers(client)
        unsettled = {
            sid: (s["status"], s["OS-EXT-STS:task_state"])
            for sid, s in servers.items()
            if s["status"] not in ("ACTIVE", "ERROR")
            or s["OS-EXT-STS:task_state"] is not None}
        if not unsettled or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert unsettled == {}
    assert sorted(servers) == sorted(ids)
    for server in servers.values():
        if server["status"] == "ERROR":
            assert server.get("fault", {}).get("message"), server
    return servers


def test_sigterm_compute_with_builds_in_flight_leaves_nothing_stuck():
    with deploy.start("distributed", computes=2, nodes=2,
                      config=CONFIG) as cloud:
        client = Client(cloud.compute_url)
        # Wait until compute0 spawns some of them.
        ids, spawning = _boot_until_spawning(client, "compute0")

        compute_exit = _stop(cloud, "compute0")
        assert compute_exit is not None, "compute0 ignored SIGTERM"
        assert cloud.processes["compute0"].returncode == 0
        cloud.restart("compute0")

        restarted = time.monotonic()
        servers = _settled_after(client, ids, 90)
        settled = time.monotonic() - restarted

        exits = {name: _stop(cloud, name)
                 for name in ("compute1", "compute0", "scheduler",
                              "conductor", "api")}
        assert None not in exits.values(), exits
        statuses = sorted(s["status"] for s in servers.values())
        print("compute0 spawning %d at SIGTERM, exited in %.1f s (bound "
              "%s s); all %d servers settled %.1f s after its restart (%s); "
              "then exits: %s" % (
                  len(spawning), compute_exit, BOUND, len(servers), settled,
                  ", ".join("%s %d" % (st, statuses.count(st))
                            for st in sorted(set(statuses))),
                  {name: round(seconds, 1)
                   for name, seconds in exits.items()}))


def test_sigterm_all_in_one_with_builds_in_flight():
    with deploy.start("all-in-one", computes=3, nodes=1,
                      config=CONFIG) as cloud:
        client = Client(cloud.compute_url)
        ids, spawning = _boot_until_spawning(client, None)
        process = cloud.processes["all-in-one"]
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=2 * BOUND + SLACK)
        exited = time.monotonic() - started
        assert process.returncode == 0
        assert "Stopping Stratus" in cloud.log("all-in-one")
        cloud.restart("all-in-one")
        deploy.wait_http(cloud.compute_url.rsplit("/v2.1", 1)[0] + "/",
                         process=cloud.processes["all-in-one"])
        restarted = time.monotonic()
        servers = _settled_after(client, ids, 90)
        statuses = sorted(s["status"] for s in servers.values())
        print("all-in-one: %d spawning at SIGTERM, exited in %.1f s "
              "(bound %s s); all %d servers settled %.1f s after its "
              "restart (%s)" % (
                  len(spawning), exited, 2 * BOUND, len(servers),
                  time.monotonic() - restarted,
                  ", ".join("%s %d" % (st, statuses.count(st))
                            for st in sorted(set(statuses)))))
