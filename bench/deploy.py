"""Start Stratus as real processes for benchmarks and integration tests.

``start("all-in-one")`` runs `stratus all-in-one` on a fresh data directory;
``start("distributed")`` creates PostgreSQL databases, writes a config file
pointing at RabbitMQ, runs the `stratus manage` set-up commands and starts
`stratus api`, `conductor`, `scheduler` and N `stratus compute` processes
with different host names (``cells=N``: per cell also a database, a
RabbitMQ virtual host and a cell conductor). Everything binds to loopback
on free ports.
"""
import concurrent.futures
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid

import psutil

STRATUS = os.path.join(os.path.dirname(sys.executable), "stratus")
PG_ADMIN = os.environ.get("STRATUS_TEST_PG", "postgresql+psycopg2://postgres@127.0.0.1")
RABBIT = os.environ.get("STRATUS_TEST_RABBIT", "rabbit://guest:guest@127.0.0.1:5672/")


SMALL_POOLS = {"max_pool_size": 1, "max_overflow": 4}
API_POOL = {"max_pool_size": 5, "max_overflow": 10}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url, timeout=60, process=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError("process exited with %s before %s answered"
                               % (process.returncode, url))
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("%s did not answer in %ss" % (url, timeout))


class Deployment:
    def __init__(self, workdir):
        self.workdir = workdir
        self.processes = {}
        self.compute_url = None
        self.placement_url = None
        self.network_url = None
        self.transport_url = None
        # Distributed with cells > 1: one dict a cell (_cell_conductors).
        self.cells = []
        self.database_urls = {}
        self.db_tag = None
        self.profile_dir = None
        # Distributed: seconds from the computes' start until the Compute
        # API listed all their nodes as hypervisors.
        self.registration_seconds = None
        self.cleanups = []
        self._commands = {}

    def spawn(self, name, args, env=None, mode="w", executable=None):
        """executable: another installation's `stratus` (e.g. the previous
        release's, tests/upgrade), run without this tree's PYTHONPATH
        and outside it, so that its own code is what runs."""
        log = open(os.path.join(self.workdir, name + ".log"), mode)
        environ = dict(os.environ, **(env or {}))
        if self.profile_dir:
            environ["STRATUS_PROFILE_DIR"] = self.profile_dir
        cwd = None
        if executable not in (None, STRATUS):
            environ.pop("PYTHONPATH", None)
            cwd = self.workdir
        process = subprocess.Popen(
            [executable or STRATUS] + args, stdout=log,
            stderr=subprocess.STDOUT, env=environ, start_new_session=True,
            cwd=cwd)
        self.processes[name] = process
        self._commands[name] = (args, env, executable)
        return process

    def kill(self, name, sig=signal.SIGKILL):
        """Kill a service's process (SIGKILL: no clean-up at all)."""
        process = self.processes[name]
        os.killpg(process.pid, sig)
        process.wait()

    def restart(self, name, executable=None):
        """Start a killed service again, with the same command line (its
        log goes on in the same file); executable: another `stratus` to
        run it with from now on (an upgrade in place), default the one
        it ran with."""
        args, env, previous = self._commands[name]
        return self.spawn(name, args, env, mode="a",
                          executable=executable or previous)

    def _psutil_procs(self):
        procs = []
        for process in self.processes.values():
            try:
                procs.append(psutil.Process(process.pid))
            except psutil.NoSuchProcess:
                pass
        return procs

    def rss_mib(self):
        return sum(p.memory_info().rss for p in self._psutil_procs()) / 2**20

    def cpu_seconds(self):
        total = 0.0
        for p in self._psutil_procs():
            times = p.cpu_times()
            total += times.user + times.system
        return total

    def cpu_snapshot(self):
        """{pid: (group, cpu seconds)} of the deployment's processes
        (computes grouped), the PostgreSQL backends of its databases
        ("postgres", with the server's own writer processes, which
        everyone on the machine shares) and the broker ("rabbitmq": the
        whole beam.smp, shared too)."""
        snapshot = {}
        names = {process.pid: name for name, process in self.processes.items()}
        for p in self._psutil_procs():
            group = names[p.pid]
            if group.startswith("compute"):
                group = "computes"
            with contextlib.suppress(psutil.Error):
                times = p.cpu_times()
                snapshot[p.pid] = (group, times.user + times.system)
        for p in psutil.process_iter(["name", "cmdline"]):
            cmdline = " ".join(p.info["cmdline"] or ())
            if p.info["name"] == "beam.smp":
                group = "rabbitmq"
            elif p.info["name"] == "postgres" or cmdline.startswith("postgres"):
                # a backend names its database; the writers name none
                if "stratus" in cmdline and not (
                        self.db_tag and self.db_tag in cmdline):
                    continue
                group = "postgres"
            else:
                continue
            with contextlib.suppress(psutil.Error):
                times = p.cpu_times()
                snapshot[p.pid] = (group, times.user + times.system)
        return snapshot

    @staticmethod
    def cpu_by_group(before, after):
        """CPU seconds spent between two cpu_snapshot()s, per group (a
        process started in between counts from its start)."""
        spent = {}
        for pid, (group, seconds) in after.items():
            earlier = before.get(pid)
            base = earlier[1] if earlier and earlier[0] == group else 0.0
            spent[group] = spent.get(group, 0.0) + seconds - base
        return spent

    def stop(self):
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for cleanup in reversed(self.cleanups):
            cleanup()

    def log(self, name):
        with open(os.path.join(self.workdir, name + ".log")) as handle:
            return handle.read()

    def placement(self, path):
        """GET a Placement API path as the (noauth) admin: its JSON."""
        request = urllib.request.Request(
            self.placement_url + path,
            headers={"X-Auth-Token": "admin:admin",
                     "OpenStack-API-Version": "placement 1.28"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    def consumers(self):
        """{consumer: [names of the providers it holds allocations on]}."""
        consumers = {}
        for provider in self.placement("/resource_providers")[
                "resource_providers"]:
            held = self.placement("/resource_providers/%s/allocations"
                                  % provider["uuid"])["allocations"]
            for consumer in held:
                consumers.setdefault(consumer, []).append(provider["name"])
        return consumers


def _all_in_one(dep, computes, nodes, config=None):
    port = free_port()
    network_port = free_port()
    options = []
    if config:
        conf_path = os.path.join(dep.workdir, "stratus.conf")
        write_config(conf_path, config)
        options = ["--config-file", conf_path]
    process = dep.spawn("all-in-one", options + [
        "all-in-one", "--auth", "noauth", "--data-dir",
        os.path.join(dep.workdir, "data"), "--hosts", str(computes),
        "--nodes", str(nodes),
        "--compute-port", str(port), "--identity-port", str(free_port()),
        "--image-port", str(free_port()), "--placement-port", str(free_port()),
        "--network-port", str(network_port),
        "--volume-port", str(free_port())])
    dep.compute_url = "http://127.0.0.1:%d/v2.1" % port
    dep.network_url = "http://127.0.0.1:%d" % network_port
    wait_http("http://127.0.0.1:%d/" % port, process=process)


def _create_pg_database(name, admin=PG_ADMIN):
    import sqlalchemy as sa
    engine = sa.create_engine(admin + "/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name)
        conn.exec_driver_sql('CREATE DATABASE "%s"' % name)
    engine.dispose()

    def drop():
        engine = sa.create_engine(admin + "/postgres", isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name)
        engine.dispose()
    return "%s/%s" % (admin, name), drop


def write_config(path, values):
    lines = []
    for section, options in values.items():
        lines.append("[%s]" % section)
        lines.extend("%s = %s" % item for item in options.items())
        lines.append("")
    with open(path, "w") as handle:
        handle.write("\n".join(lines))


def _distributed(dep, computes, nodes, config=None, compute_config=None,
                 pg_admin=PG_ADMIN, transport_url=None, cells=1,
                 cell_conductors=False, control_config=None,
                 executables=None, schema_command=("db", "sync")):
    split = cells > 1 or cell_conductors
    executables = executables or {}
    tag = uuid.uuid4().hex[:8]
    dep.db_tag = tag
    urls = {}
    cell_names = ["cell%d" % number for number in range(1, cells + 1)]
    for role in ["api", "cell0"] + cell_names:
        urls[role], drop = _create_pg_database(
            "stratus_dist_%s_%s" % (role, tag), pg_admin)
        dep.cleanups.append(drop)
    dep.database_urls = urls
    port = free_port()
    placement_port = free_port()
    dep.placement_url = "http://127.0.0.1:%d" % placement_port
    network_port = free_port()
    dep.network_url = "http://127.0.0.1:%d" % network_port
    vhost_url = transport_url or _private_vhost(dep, tag)
    dep.transport_url = vhost_url
    base = {
        "DEFAULT": {"transport_url": vhost_url, "host": "control",
                    "osapi_compute_listen": "127.0.0.1",
                    "osapi_compute_listen_port": port,
                    "state_path": os.path.join(dep.workdir, "state")},
        "api": {"auth_strategy": "noauth"},
        "api_database": {"connection": urls["api"]},
        "database": {"connection": urls["cell1"]},
        "glance": {"port": free_port()},
        "identity": {"port": free_port()},
        "placement_api": {"port": placement_port},
        "neutron": {"port": network_port},
        "fake_driver": {"nodes": nodes},
        "oslo_messaging_rabbit": {"heartbeat_in_pthread": "true"},
        # RabbitMQ keeps notifications nobody consumes: off unless a
        # test listens (config=).
        "oslo_messaging_notifications": {"driver": "noop"},
    }
    if cells > 1:
        # Every control-plane process pools connections to every cell's
        # database, all on one PostgreSQL server (100 connections, other
        # work's too): one idle connection a database and process.
        # The API database, used by every request, has a pool of its own.
        base["database"].update(SMALL_POOLS)
        base["api_database"].update(API_POOL)
    for section, options in (config or {}).items():
        base.setdefault(section, {}).update(options)
    conf_path = os.path.join(dep.workdir, "stratus.conf")
    write_config(conf_path, base)
    common = ["--config-file", conf_path]
    control = common
    if control_config:
        control_path = os.path.join(dep.workdir, "control.conf")
        write_config(control_path, control_config)
        control = common + ["--config-file", control_path]

    def manage(*args):
        subprocess.run([STRATUS] + common + ["manage"] + list(args),
                       check=True, capture_output=True, text=True)
    manage("api_db", "sync")
    manage("cell_v2", "map_cell0", "--database_connection", urls["cell0"])
    if not split:
        manage("cell_v2", "create_cell", "--name", "cell1")
    else:
        _cell_conductors(dep, base, urls, cell_names, tag, manage,
                         schema_command)
    manage(*schema_command)
    api = dep.spawn("api", control + ["api"],
                    executable=executables.get("api"))
    if split:
        # Cell conductors reach placement over `stratus api`.
        wait_http("http://127.0.0.1:%d/" % port, process=api)
        for cell in dep.cells:
            dep.spawn(cell["conductor"], ["--config-file", cell["config"],
                                          "conductor"],
                      executable=executables.get("cell-conductor"))
    dep.spawn("conductor", control + ["conductor"],
              executable=executables.get("conductor"))
    dep.spawn("scheduler", control + ["scheduler"],
              executable=executables.get("scheduler"))
    network = dep.spawn("network", control + ["network"],
                        executable=executables.get("network"))
    computes_started = time.monotonic()
    for i in range(computes):
        host_conf = os.path.join(dep.workdir, "compute%d.conf" % i)
        host_values = {"DEFAULT": {"host": "compute%d" % i}}
        if split:
            # Round-robin over the cells: its cell's broker only.
            cell = dep.cells[i % cells]
            cell["computes"].append("compute%d" % i)
            host_values["DEFAULT"]["transport_url"] = cell["transport_url"]
        for section, options in (compute_config or {}).items():
            host_values.setdefault(section, {}).update(options)
        write_config(host_conf, host_values)
        dep.spawn("compute%d" % i,
                  common + ["--config-file", host_conf, "compute"],
                  executable=executables.get("compute"))
    dep.compute_url = "http://127.0.0.1:%d/v2.1" % port
    wait_http("http://127.0.0.1:%d/" % port, process=api)
    wait_http(dep.network_url + "/", process=network)
    _wait_hypervisors(dep, computes * nodes)
    dep.registration_seconds = time.monotonic() - computes_started
    manage("cell_v2", "discover_hosts")


def _cell_conductors(dep, base, urls, cell_names, tag, manage,
                     schema_command=("db", "sync")):
    """Each cell as Nova deploys it: its own database and RabbitMQ virtual
    host, mapped with create_cell, and the config of a cell conductor
    without [api_database] (placement over its REST API), started once
    the API serves; dep.cells lists them (name, database and transport
    URLs, conductor and its config, computes). The virtual hosts and the
    cell databases' schemas are made for all cells at once (each a
    command of seconds)."""
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        transports = list(pool.map(
            lambda name: _private_vhost(dep, "%s-%s" % (tag, name)),
            cell_names))
    for name, transport in zip(cell_names, transports):
        manage("cell_v2", "create_cell", "--name", name, "--transport-url",
               transport, "--database_connection", urls[name])
        conf_path = os.path.join(dep.workdir, "%s-conductor.conf" % name)
        write_config(conf_path, {
            "DEFAULT": {"transport_url": transport,
                        "host": "%s-conductor" % name,
                        "state_path": base["DEFAULT"]["state_path"]},
            "database": dict(base["database"], connection=urls[name]),
            "placement": {"auth_type": "admin_token",
                          "endpoint": dep.placement_url,
                          "token": "admin:admin"},
            "conductor": dict(base.get("conductor", {})),
            "oslo_messaging_rabbit": base["oslo_messaging_rabbit"],
            "oslo_messaging_notifications":
                base["oslo_messaging_notifications"],
        })
        conductor = "%s-conductor" % name
        dep.cells.append({"name": name, "database": urls[name],
                          "transport_url": transport,
                          "conductor": conductor, "config": conf_path,
                          "computes": []})
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda cell: subprocess.run(
            [STRATUS, "--config-file", cell["config"], "manage"]
            + list(schema_command) + ["--local_cell"], check=True,
            capture_output=True, text=True), dep.cells))


def _private_vhost(dep, tag):
    """A RabbitMQ virtual host of the deployment's own, so that its queues
    (named by topic: conductor, compute.compute0, ...) never meet the
    messages of another deployment running at the same time or left by
    one that was killed; the shared one when rabbitmqctl cannot make it."""
    ctl = shutil.which("rabbitmqctl")
    if ctl is None or not RABBIT.endswith("/") or os.geteuid() != 0:
        return RABBIT
    name = "stratus-%s" % tag
    user = urllib.parse.urlsplit(RABBIT).username or "guest"
    try:
        for args in (["add_vhost", name],
                     ["set_permissions", "-p", name, user, ".*", ".*",
                      ".*"]):
            subprocess.run([ctl] + args, check=True, capture_output=True,
                           timeout=60)
    except (OSError, subprocess.SubprocessError):
        return RABBIT
    dep.cleanups.append(lambda: subprocess.run(
        [ctl, "delete_vhost", name], capture_output=True, timeout=60))
    return RABBIT + name


def _wait_hypervisors(dep, expected, timeout=None):
    """Until the Compute API lists expected hypervisors; timeout: 60 s and
    a second more for each 25 (50,000 fake nodes register in minutes;
    over the cell conductors' REST placement, 25 a second on a loaded
    machine),
    their count printed to stderr every 30 s when that is over 60 s."""
    from bench.http_client import Client
    client = Client(dep.compute_url, timeout=120)
    timeout = timeout or 60 + expected / 25
    started = time.monotonic()
    deadline = started + timeout
    # Listing 50,000 hypervisors costs the API (which also serves the
    # cell conductors' placement requests) seconds: seldom then.
    pause = min(30.0, max(0.2, expected / 2000))
    shown = started
    listed = 0
    while time.monotonic() < deadline:
        # 2.1: all of them in one list (paged from 2.33).
        code, body = client.request("GET", "/os-hypervisors", version="2.1")
        listed = len(body["hypervisors"]) if code == 200 else listed
        if listed >= expected:
            return
        if time.monotonic() - shown >= 30:
            shown = time.monotonic()
            sys.stderr.write("%d of %d hypervisors listed after %.0f s\n"
                             % (listed, expected, shown - started))
        time.sleep(pause)
    raise RuntimeError("only %d of %d hypervisors registered in %.0f s"
                       % (listed, expected, timeout))


@contextlib.contextmanager
def start(mode, computes=1, nodes=3, config=None, compute_config=None,
          pg_admin=PG_ADMIN, transport_url=None, cells=1,
          profile_dir=None, cell_conductors=False, control_config=None,
          executables=None, schema_command=("db", "sync")):
    """config: {section: {option: value}} added to the deployment's
    config file; compute_config: the same for the computes
    only; pg_admin and transport_url: the PostgreSQL server (its admin
    URL) and the broker (a virtual host of its own) the distributed
    deployment uses instead of the machine's. cells > 1 (distributed):
    each cell its own database, virtual host and cell conductor, the
    computes spread over them round-robin (dep.cells); the API, super
    conductor and scheduler on the API-level virtual host.

    For mixed releases (tests/upgrade): cell_conductors=True gives one
    cell that layout too (a cell conductor apart from the super
    conductor); control_config: sections for the API, super conductor,
    scheduler and network service only (e.g. [upgrade_levels], which an
    older compute must not read); executables: {role: another `stratus`}
    for the roles api, conductor, scheduler, network, cell-conductor and
    compute; schema_command: the `stratus manage` command that makes the
    cell databases' schema."""
    workdir = tempfile.mkdtemp(prefix="stratus-%s-" % mode)
    dep = Deployment(workdir)
    dep.profile_dir = profile_dir
    try:
        if mode == "all-in-one":
            _all_in_one(dep, computes, nodes, config)
            _wait_hypervisors(dep, computes * nodes)
        else:
            _distributed(dep, computes, nodes, config, compute_config,
                         pg_admin, transport_url, cells, cell_conductors,
                         control_config, executables, schema_command)
        _prepare_project(dep)
        yield dep
    except Exception:
        for name in dep.processes:
            sys.stderr.write("---- %s log ----\n%s\n" % (name, dep.log(name)[-4000:]))
        raise
    finally:
        dep.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def _prepare_project(dep):
    """Unlimited quota for the benchmark project and a flavor "1"."""
    from bench.http_client import Client
    client = Client(dep.compute_url)
    code, body = client.request("PUT", "/os-quota-sets/admin", {"quota_set": {
        "instances": -1, "cores": -1, "ram": -1}})
    if code != 200:
        raise RuntimeError("could not lift the quota: %s %s" % (code, body))
    code, _ = client.request("GET", "/flavors/1")
    if code == 404:
        client.request("POST", "/flavors", {"flavor": {
            "name": "m1.tiny", "id": "1", "ram": 512, "vcpus": 1, "disk": 1}})
