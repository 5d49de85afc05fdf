"""Outages of the message broker and the database under load.

The distributed services (api, conductor, scheduler, two computes: a
`bench.deploy` deployment) run against a RabbitMQ node and a PostgreSQL
server of their own, started here on free loopback ports in temporary
directories (never the machine's shared ones, which other tests use).
Each scenario boots a base of servers, then runs a burst of boots and a
burst of deletes from several client threads over the Compute API; once
the bursts are under way the broker or the database is stopped for a
while and started again. Requests the API refuses (503) or that a client
gives up on are retried with the same server name. Then it measures what
a user sees: every server whose boot was accepted (202) exists, once,
and settles (ACTIVE, or ERROR with a fault); every accepted delete
completes; GET /os-services shows no compute down; placement holds
exactly the servers' allocations.

    .venv/bin/python bench/chaos.py [--settings default|recommended]
        [broker-10s broker-60s database-10s]

(STRATUS_CHAOS_LOGS=DIR keeps each scenario's service logs there)
prints the figures and writes bench/results/outages-<settings>.json;
tests/integration/test_outages.py runs the same scenarios and checks
what they found.
"""
import argparse
import collections
import concurrent.futures
import contextlib
import glob
import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import types

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import boot_bench  # noqa: E402
from bench import crash_recovery  # noqa: E402
from bench import deploy  # noqa: E402
from bench.http_client import Client  # noqa: E402

RESULTS = os.path.join(os.path.dirname(__file__), "results")
RABBIT_BIN = "/usr/lib/rabbitmq/bin"
# name: (what goes down, for how many seconds; None: as long as
# service_down_time)
SCENARIOS = {
    "broker-10s": ("broker", 10),
    "broker-60s": ("broker", None),
    "database-10s": ("database", 10),
}
# Nova's defaults: a compute shown down after a 10 s outage is a false
# alarm, and a 60 s one is as long as service_down_time.
NOVA_TIMING = types.SimpleNamespace(report_interval=10, service_down_time=60)
# tests/integration/test_outages.py's, the same ratio halved: a 10 s
# outage still leaves 15 s of service_down_time beyond a report interval
# after the recovery, and the long outage (30 s) still outlasts
# heartbeat_timeout_threshold (15 s); each scenario watches the
# services 40 s less and the long one is down 30 s less.
QUICK_TIMING = types.SimpleNamespace(report_interval=5, service_down_time=30)
CONFIG = {
    # Builds take a second on the compute, so that some are in flight
    # (spawning) when the outage begins.
    "fake_driver": {"spawn_delay": 1.0},
}
# The [oslo_messaging_rabbit] settings docs/operations.md ("Outages")
# recommends; `--settings recommended` runs the scenarios with them
# (oslo.messaging's defaults otherwise).
RECOMMENDED_RABBIT = {
    "rabbit_quorum_queue": "true", "rabbit_transient_quorum_queue": "true",
    "heartbeat_timeout_threshold": 15,
    "heartbeat_rate": 3, "rabbit_retry_interval": 1,
    "rabbit_retry_backoff": 1, "rabbit_interval_max": 5,
    "kombu_reconnect_delay": 0.5}
BOOTS = 60          # accepted during the burst
BASE = 30           # booted first, deleted during the burst
BOOT_THREADS = 6
DELETE_THREADS = 4
# The outage begins once this many boots and deletes were accepted.
BOOTS_BEFORE, DELETES_BEFORE = 20, 10
# A client gives up on a request after this long, and sends it again.
CLIENT_TIMEOUT = 30
RETRY_PAUSE = 1.0
# Every server settles within this many seconds of the recovery (the
# bound docs/architecture.md promises for a restart).
SETTLE_BOUND = 60
SETTLED = {"ACTIVE", "ERROR"}
# Stratus's create header (beyond Nova; ignored where it is not served).
IDEMPOTENCY_KEY = "Idempotency-Key"
NO_VALID_HOST = "No valid host"


def _free_port():
    return deploy.free_port()


def _wait_port(port, up=True, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            if up:
                return
        except OSError:
            if not up:
                return
        time.sleep(0.1)
    raise RuntimeError("port %d still %s after %ss"
                       % (port, "closed" if up else "open", timeout))


def _postgres_bin():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                   key=lambda path: int(path.split("/")[4]))
    return os.path.dirname(found[-1]) if found else None


def missing():
    """Why a private broker and database cannot be started here (None
    when they can)."""
    if not os.path.exists(os.path.join(RABBIT_BIN, "rabbitmq-server")):
        return "no RabbitMQ server in %s" % RABBIT_BIN
    if _postgres_bin() is None:
        return "no PostgreSQL server in /usr/lib/postgresql/*/bin"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser to start PostgreSQL"
    return None


class RabbitNode:
    """A RabbitMQ node of its own: its name, AMQP and distribution ports,
    data, logs and Erlang cookie in a temporary directory; it registers
    with the machine's epmd beside the machine's node (epmd serves any
    number of nodes). No plugins (the management plugin is off)."""

    def __init__(self, workdir):
        self.dir = os.path.join(workdir, "rabbitmq")
        os.makedirs(os.path.join(self.dir, "mnesia"))
        self.port = _free_port()
        self.name = "stratus-chaos-%d@localhost" % os.getpid()
        config = os.path.join(self.dir, "rabbitmq.conf")
        with open(config, "w") as handle:
            handle.write("listeners.tcp.local = 127.0.0.1:%d\n" % self.port)
        plugins = os.path.join(self.dir, "enabled_plugins")
        with open(plugins, "w") as handle:
            handle.write("[].\n")
        env_file = os.path.join(self.dir, "rabbitmq-env.conf")
        open(env_file, "w").close()
        self.env = dict(
            os.environ, HOME=self.dir, RABBITMQ_NODENAME=self.name,
            RABBITMQ_NODE_IP_ADDRESS="127.0.0.1",
            RABBITMQ_NODE_PORT=str(self.port),
            RABBITMQ_DIST_PORT=str(_free_port()),
            RABBITMQ_MNESIA_BASE=os.path.join(self.dir, "mnesia"),
            RABBITMQ_LOG_BASE=os.path.join(self.dir, "log"),
            RABBITMQ_CONFIG_FILE=config,
            RABBITMQ_ENABLED_PLUGINS_FILE=plugins,
            RABBITMQ_CONF_ENV_FILE=env_file,
            ERL_EPMD_ADDRESS="127.0.0.1",
            ERL_FLAGS="-kernel inet_dist_use_interface {127,0,0,1}")
        self.running = False

    def _ctl(self, *args, timeout=60):
        subprocess.run([os.path.join(RABBIT_BIN, "rabbitmqctl"), "-n",
                        self.name] + list(args), env=self.env, check=True,
                       capture_output=True, timeout=timeout)

    def start(self):
        subprocess.run([os.path.join(RABBIT_BIN, "rabbitmq-server"),
                        "-detached"], env=self.env, check=True,
                       capture_output=True, timeout=60)
        self.running = True
        _wait_port(self.port, timeout=120)
        self._ctl("await_startup", timeout=120)

    def stop(self):
        self._ctl("stop")
        self.running = False
        _wait_port(self.port, up=False)

    def take_down(self):
        """The outage: the RabbitMQ application stopped (every connection
        closed, the listener closed, non-durable queues and their messages
        gone, as in a restart of the node) while its Erlang VM stays up,
        so that it is back within seconds rather than the 10-20 s a whole
        node takes to boot here."""
        self._ctl("stop_app")
        _wait_port(self.port, up=False)

    def bring_back(self):
        self._ctl("start_app", timeout=120)
        _wait_port(self.port)

    def add_vhost(self, name):
        self._ctl("add_vhost", name)
        self._ctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
        return "rabbit://guest:guest@127.0.0.1:%d/%s" % (self.port, name)

    def close(self):
        if self.running:
            self.stop()


class PostgresServer:
    """A PostgreSQL server of its own (initdb in a temporary directory the
    postgres user owns when run as root: the server refuses root),
    trusting loopback connections, without fsync."""

    def __init__(self):
        self.bin = _postgres_bin()
        self.dir = tempfile.mkdtemp(prefix="stratus-chaos-pg-")
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
            self.prefix = ["runuser", "-u", "postgres", "--"]
        else:
            self.prefix = []
        self.port = _free_port()
        self.data = os.path.join(self.dir, "data")
        self._run("initdb", "-D", self.data, "-U", "postgres",
                  "--auth=trust", "-N", "-E", "UTF8")
        self.admin_url = "postgresql+psycopg2://postgres@127.0.0.1:%d" % (
            self.port)
        self.running = False

    def _run(self, tool, *args):
        subprocess.run(self.prefix + [os.path.join(self.bin, tool)]
                       + list(args), check=True, capture_output=True,
                       timeout=120, cwd=self.dir)

    def start(self):
        self._run("pg_ctl", "-D", self.data, "-l",
                  os.path.join(self.dir, "server.log"), "-w", "-o",
                  "-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off "
                  "-c max_connections=300" % (self.port, self.dir), "start")
        self.running = True

    def stop(self, mode="fast"):
        """fast: what a restart does (clients disconnected, sessions
        rolled back)."""
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")
        self.running = False

    def take_down(self):
        self.stop()

    def bring_back(self):
        self.start()

    def close(self):
        if self.running:
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


@contextlib.contextmanager
def infrastructure():
    """A private broker node and database server, started; stopped and
    removed on the way out."""
    workdir = tempfile.mkdtemp(prefix="stratus-chaos-")
    with contextlib.ExitStack() as stack:
        stack.callback(shutil.rmtree, workdir, ignore_errors=True)
        broker = RabbitNode(workdir)
        stack.callback(broker.close)
        database = PostgresServer()
        stack.callback(database.close)
        broker.start()
        database.start()
        yield types.SimpleNamespace(broker=broker, database=database)


class Burst:
    """Boots of new servers and deletes of the base ones, each from its
    own client threads. A request answered 503, answered with another
    error, or given up on (no answer in CLIENT_TIMEOUT) is sent again
    after RETRY_PAUSE with the same name (and Idempotency-Key), until
    `give_up_at`."""

    def __init__(self, url, image, label, to_delete):
        self.url = url
        self.image = image
        self.names = ["%s-%d" % (label, index) for index in range(BOOTS)]
        self.boots = queue.Queue()
        for name in self.names:
            self.boots.put(name)
        self.deletes = queue.Queue()
        for server_id in to_delete:
            self.deletes.put(server_id)
        self.accepted = {}          # name -> id of the 202
        self.deleted = []           # ids whose delete was answered 204
        self.refused = []           # names / ids never accepted
        self.codes = collections.Counter()   # status of each refusal
        self.gave_up = 0
        self.longest = 0.0
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.give_up_at = float("inf")
        # Seconds each thread waits between two jobs: none until the
        # outage, then enough to spread the rest of the burst over it,
        # none from its end on.
        self.pause = {"boot": 0.0, "delete": 0.0}

    def _attempt(self, client, kind, item):
        if kind == "boot":
            # The same key on every attempt: a retry after a lost answer
            # gets the first attempt's server, not a second one.
            return client.request("POST", "/servers", {"server": {
                "name": item, "flavorRef": "1", "imageRef": self.image,
                "networks": "none"}}, headers={IDEMPOTENCY_KEY: item})
        return client.request("DELETE", "/servers/" + item)

    def _work(self, kind, jobs):
        client = Client(self.url, timeout=CLIENT_TIMEOUT)
        while True:
            try:
                item = jobs.get_nowait()
            except queue.Empty:
                return
            while True:
                began = time.monotonic()
                try:
                    code, body = self._attempt(client, kind, item)
                except OSError:
                    code, body = None, None
                took = time.monotonic() - began
                with self.changed:
                    self.longest = max(self.longest, took)
                    if kind == "boot" and code == 202:
                        self.accepted[item] = body["server"]["id"]
                    elif kind == "delete" and code in (204, 404):
                        self.deleted.append(item)
                    elif code is None:
                        self.gave_up += 1
                    else:
                        self.codes["%s %s" % (kind, code)] += 1
                    self.changed.notify_all()
                    if code in (202, 204, 404):
                        break
                    if time.monotonic() > self.give_up_at:
                        self.refused.append(item)
                        break
                time.sleep(RETRY_PAUSE)
            time.sleep(self.pause[kind])

    def start(self, pool):
        return [pool.submit(self._work, "boot", self.boots)
                for _ in range(BOOT_THREADS)] + [
            pool.submit(self._work, "delete", self.deletes)
            for _ in range(DELETE_THREADS)]

    def spread_over(self, seconds):
        with self.lock:
            self.pause = {
                "boot": seconds * BOOT_THREADS / max(
                    1, BOOTS - len(self.accepted)),
                "delete": seconds * DELETE_THREADS / max(
                    1, BASE - len(self.deleted))}

    def wait_under_way(self, futures):
        with self.changed:
            while (len(self.accepted) < BOOTS_BEFORE
                   or len(self.deleted) < DELETES_BEFORE) \
                    and not all(future.done() for future in futures):
                self.changed.wait(0.05)


class ServiceWatch:
    """GET /os-services once a second from a thread of its own: when
    which computes were shown down."""

    def __init__(self, url):
        self.client = Client(url, timeout=10)
        self.polls = []             # (monotonic, [hosts down] or None)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self.stop.is_set():
            try:
                code, body = self.client.request("GET", "/os-services")
            except OSError:
                code, body = None, None
            down = None
            if code == 200:
                down = sorted(s["host"] for s in body["services"]
                              if s["binary"] == "nova-compute"
                              and s["state"] == "down")
            self.polls.append((time.monotonic(), down))
            self.stop.wait(1)

    def most_down(self, since=0.0):
        return max([len(down) for at, down in self.polls
                    if at >= since and down is not None] or [0])


def _servers(client):
    try:
        return crash_recovery.servers(client)
    except (RuntimeError, OSError):
        return None


def _outstanding(burst, present):
    """What is not done yet: accepted servers missing or unsettled,
    accepted deletes not done."""
    left = {}
    for server_id in burst.accepted.values():
        server = present.get(server_id)
        if server is None:
            if server_id not in burst.deleted:
                left[server_id] = "missing"
        elif server["status"] not in SETTLED \
                or server["OS-EXT-STS:task_state"] is not None:
            left[server_id] = (server["status"],
                               server["OS-EXT-STS:task_state"])
    for server_id in burst.deleted:
        if server_id in present:
            server = present[server_id]
            left[server_id] = ("delete accepted", server["status"],
                               server["OS-EXT-STS:task_state"])
    return left


def _outage_seconds(name, timing):
    seconds = SCENARIOS[name][1]
    return timing.service_down_time if seconds is None else seconds


def _take_down(infra, what, seconds):
    """Stop the broker or the database, start it again `seconds` after
    the stop began: the seconds it was unreachable (its start included)."""
    target = infra.broker if what == "broker" else infra.database
    began = time.monotonic()
    target.take_down()
    time.sleep(max(0.0, began + seconds - time.monotonic()))
    target.bring_back()
    return time.monotonic() - began


def _log_counts(cloud):
    counts = {}
    for name in cloud.processes:
        text = cloud.log(name)
        counts[name] = {"tracebacks": text.count("Traceback"),
                        "InstanceActionNotFound":
                            text.count("InstanceActionNotFound")}
    return counts


def _config(settings, timing=NOVA_TIMING):
    config = {section: dict(options) for section, options in CONFIG.items()}
    config["DEFAULT"] = {"report_interval": timing.report_interval,
                         "service_down_time": timing.service_down_time}
    if settings == "recommended":
        config["oslo_messaging_rabbit"] = dict(
            RECOMMENDED_RABBIT, heartbeat_in_pthread="true")
    return config


def run_scenario(infra, name, settings="default", timing=NOVA_TIMING):
    """One scenario on a deployment of its own: its figures.
    settings: "default" (oslo.messaging's) or "recommended"
    (RECOMMENDED_RABBIT); timing: report_interval and service_down_time
    (NOVA_TIMING or QUICK_TIMING)."""
    what = SCENARIOS[name][0]
    seconds = _outage_seconds(name, timing)
    label = name.replace("-", "")
    transport = infra.broker.add_vhost("stratus-%s-%s" % (
        label, os.urandom(3).hex()))
    with deploy.start("distributed", computes=2, nodes=2,
                      config=_config(settings, timing),
                      pg_admin=infra.database.admin_url,
                      transport_url=transport) as cloud:
        client = Client(cloud.compute_url)
        _code, body = client.request("GET", "/images", version="2.35")
        image = body["images"][0]["id"]
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            base = list(pool.map(
                lambda i: boot_bench.create(client, "%s-base-%d"
                                            % (label, i), image),
                range(BASE)))
            list(pool.map(lambda sid: boot_bench.wait_status(
                client, sid, timeout=120, poll=0.2), base))
        figures = _outage_under_load(cloud, infra, client, image, label,
                                     base, what, seconds, timing)
        figures["logs"] = _log_counts(cloud)
        keep = os.environ.get("STRATUS_CHAOS_LOGS")
        if keep:
            shutil.copytree(cloud.workdir, os.path.join(keep, label),
                            dirs_exist_ok=True)
    figures.update(scenario=name, what=what, planned_outage_s=seconds,
                   settings=settings,
                   service_down_time=timing.service_down_time)
    return figures


def _outage_under_load(cloud, infra, client, image, label, base, what,
                       seconds, timing):
    burst = Burst(cloud.compute_url, image, label, base)
    watch = ServiceWatch(cloud.compute_url)
    watch.thread.start()
    pool = concurrent.futures.ThreadPoolExecutor(
        BOOT_THREADS + DELETE_THREADS)
    try:
        futures = burst.start(pool)
        burst.wait_under_way(futures)
        before = (len(burst.accepted), len(burst.deleted))
        burst.spread_over(seconds)
        outage_began = time.monotonic()
        outage = _take_down(infra, what, seconds)
        recovered = time.monotonic()
        # What is left of the bursts goes at once, as clients waiting
        # for a cloud's return do.
        burst.spread_over(0)
        burst.give_up_at = recovered + SETTLE_BOUND
        deadline = recovered + SETTLE_BOUND
        settled_at, left, present = None, None, None
        while True:
            present = _servers(client)
            if present is not None:
                left = _outstanding(burst, present)
                if not left and all(future.done() for future in futures):
                    settled_at = time.monotonic()
                    break
            if time.monotonic() > deadline:
                break
            time.sleep(0.5)
        for future in futures:
            future.result()
    finally:
        # On the way out of a failure too: the client threads stop after
        # the request they are on.
        burst.give_up_at = min(burst.give_up_at, time.monotonic())
        pool.shutdown(wait=True)
    # A compute whose heartbeats a short outage stopped for good (its
    # last one came at most a report interval before the outage) shows
    # down service_down_time after that: watch until then.
    if seconds < timing.service_down_time:
        watch.stop.wait(max(0.0, outage_began + timing.service_down_time
                            + 2 * timing.report_interval - time.monotonic()))
    watch.stop.set()
    watch.thread.join()
    present = _servers(client) or present or {}
    left = _outstanding(burst, present)
    return _figures(cloud, burst, watch, present, left, before, outage,
                    outage_began, recovered, settled_at, timing)


def _figures(cloud, burst, watch, present, left, before, outage,
             outage_began, recovered, settled_at, timing):
    accepted_names = set(burst.accepted)
    by_name = collections.Counter(server["name"]
                                  for server in present.values())
    burst_names = set(burst.names)
    errors = {server_id: (server.get("fault") or {}).get("message")
              for server_id, server in present.items()
              if server["status"] == "ERROR"}
    statuses = collections.Counter(s["status"] for s in present.values())
    return {
        "boots_accepted": len(burst.accepted),
        "deletes_accepted": len(burst.deleted),
        "accepted_before_outage": {"boots": before[0], "deletes": before[1]},
        "refused_503": sum(n for code, n in burst.codes.items()
                           if code.endswith(" 503")),
        "refused_other": {code: n for code, n in burst.codes.items()
                          if not code.endswith(" 503")},
        "client_gave_up": burst.gave_up,
        "never_accepted": len(burst.refused),
        "longest_call_s": round(burst.longest, 1),
        "outage_s": round(outage, 1),
        "settled_s": (round(settled_at - recovered, 1)
                      if settled_at is not None else None),
        "unsettled": {k: list(v) if isinstance(v, tuple) else v
                      for k, v in left.items()},
        "lost": sorted(server_id for server_id in burst.accepted.values()
                       if server_id not in present
                       and server_id not in burst.deleted),
        "duplicated": {name: count for name, count in by_name.items()
                       if count > 1 and name in burst_names},
        "created_unaccepted": sorted(
            name for name in by_name if name in burst_names
            and name not in accepted_names),
        "deletes_left": sorted(set(burst.deleted) & set(present)),
        "statuses": dict(statuses),
        "errors_without_fault": sorted(k for k, v in errors.items()
                                       if not v),
        "no_valid_host": sum(1 for v in errors.values()
                             if v and NO_VALID_HOST in v),
        "faults": dict(collections.Counter(
            (v or "")[:120] for v in errors.values())),
        "computes_down_max": watch.most_down(outage_began),
        "computes_down_after_recovery": watch.most_down(
            recovered + 2 * timing.report_interval),
        "placement_problems": {} if left else
            crash_recovery.placement_problems(
                types.SimpleNamespace(dep=cloud), present),
    }


def summary(figures):
    f = figures
    return (
        "%s: outage %.1f s; boots accepted %d, deletes %d, 503s %d, "
        "client gave up %d, longest call %.1f s; settled %s after the "
        "recovery (%d left: %s); lost %d, duplicated %d, created "
        "unaccepted %d; NoValidHost %d; computes shown down %d (after "
        "recovery + 2 report intervals: %d); statuses %s; placement %s"
        % (f["scenario"], f["outage_s"], f["boots_accepted"],
           f["deletes_accepted"], f["refused_503"], f["client_gave_up"],
           f["longest_call_s"],
           "%.1f s" % f["settled_s"] if f["settled_s"] is not None
           else "NOT within %d s" % SETTLE_BOUND,
           len(f["unsettled"]), collections.Counter(
               str(v) for v in f["unsettled"].values()).most_common(3),
           len(f["lost"]), len(f["duplicated"]),
           len(f["created_unaccepted"]), f["no_valid_host"],
           f["computes_down_max"], f["computes_down_after_recovery"],
           f["statuses"], f["placement_problems"] or "exact"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("scenarios", nargs="*", metavar="SCENARIO",
                        help="of %s; all of them when none is named"
                        % ", ".join(SCENARIOS))
    parser.add_argument("--settings", default="default",
                        choices=("default", "recommended"),
                        help="[oslo_messaging_rabbit]: oslo.messaging's "
                             "defaults or RECOMMENDED_RABBIT")
    args = parser.parse_args()
    names = args.scenarios or list(SCENARIOS)
    unknown = sorted(set(names) - set(SCENARIOS))
    if unknown:
        parser.error("unknown scenario(s): %s" % ", ".join(unknown))
    reason = missing()
    if reason:
        sys.exit(reason)
    results = []
    with infrastructure() as infra:
        for name in names:
            figures = run_scenario(infra, name, args.settings)
            print(summary(figures), flush=True)
            results.append(figures)
    os.makedirs(RESULTS, exist_ok=True)
    path = os.path.join(RESULTS, "outages-%s.json" % args.settings)
    with open(path, "w") as handle:
        json.dump({"boots": BOOTS, "base": BASE,
                   "threads": BOOT_THREADS + DELETE_THREADS,
                   "config": _config(args.settings), "scenarios": results},
                  handle, indent=2)
    print("written to", path)


if __name__ == "__main__":
    main()
