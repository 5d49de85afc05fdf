"""Grenade-style: the previous release's cell conductor and computes under
this tree's API, scheduler and super conductor, then upgraded in place.

The previous release (previous_release.txt) is installed into a venv of
its own (previous_release.py, cached). One cell as Nova deploys it:
PostgreSQL databases, RabbitMQ virtual hosts, a cell conductor apart from
the super conductor, two fake computes (a resize and a migration need a
second host).

Phase 1: the schema made by this tree, the old cell conductor and
computes; through the Compute API a server is booted, resized, cold and
live migrated, stopped, started and deleted, and one more is booted and
kept. The instance actions' events name the host that did the work:
always an old compute. Phase 2: the cell conductor and the computes are
stopped one by one and started from this tree with the same
configuration and host name; once each reports again the same
operations run, and the server booted in phase 1 still stops, starts,
migrates and deletes. The phases' seconds are printed
(docs/upgrades.md, "The upgrade test").
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

from bench import boot_bench
from bench import deploy
from bench.http_client import Client
from stratus import constants
from stratus import version
from tests.upgrade import previous_release

pytestmark = [pytest.mark.slow, pytest.mark.integration,
              pytest.mark.xdist_group("upgrade")]

# How this tree makes the cell databases' schema while old code runs.
SCHEMA_COMMAND = ("db", "sync", "--expand")

# The new control plane's [upgrade_levels]: "auto", the caps (1.13 and
# 1.12, and 0.1.0's objects) read from the old services' versions in the
# databases (stratus/upgrade_pins.py).
PREVIOUS_RPC_VERSIONS = {"compute": "auto", "conductor": "auto",
                         "scheduler": "auto"}

CONFIG = {"DEFAULT": {"report_interval": 2, "service_down_time": 10},
          "database": {"max_pool_size": 2}}
OLD_ROLES = ("cell-conductor", "compute")
HOSTS = ("compute0", "compute1")
CELL_CONDUCTOR = "cell1-conductor"


def upgrade_levels():
    """[upgrade_levels] of the new control plane: each option this tree
    has, at the previous release's version."""
    from stratus import conf as stratus_conf
    conf = stratus_conf.build_conf(config_files=[])
    known = set(conf.upgrade_levels)
    return {name: value for name, value in PREVIOUS_RPC_VERSIONS.items()
            if name in known}


@pytest.fixture(scope="module")
def old_stratus():
    try:
        return previous_release.materialize(
            progress=lambda line: sys.stderr.write(line + "\n"))
    except previous_release.Unavailable as error:
        pytest.skip("the previous release cannot be installed: %s" % error)


class Operations:
    def __init__(self, client, image):
        self.client = client
        self.image = image

    def server(self, sid):
        code, body = self.client.request("GET", "/servers/%s" % sid)
        assert code == 200, body
        return body["server"]

    def host(self, sid):
        return self.server(sid)["OS-EXT-SRV-ATTR:host"]

    def act(self, sid, action, body=None, expect=202):
        code, answer = self.client.request(
            "POST", "/servers/%s/action" % sid, {action: body})
        assert code == expect, (action, code, answer)

    def boot(self, name):
        sid = boot_bench.create(self.client, name, self.image)
        boot_bench.wait_status(self.client, sid)
        return sid

    def confirmed_move(self, sid, action, body=None):
        """A resize or cold migration confirmed: the server on another
        host."""
        before = self.host(sid)
        self.act(sid, action, body)
        boot_bench.wait_status(self.client, sid, "VERIFY_RESIZE")
        self.act(sid, "confirmResize", expect=204)
        boot_bench.wait_status(self.client, sid)
        after = self.server(sid)
        assert after["OS-EXT-SRV-ATTR:host"] != before
        assert not after["OS-EXT-STS:task_state"]
        return after

    def live_migrate(self, sid):
        before = self.host(sid)
        self.act(sid, "os-migrateLive", {"host": None,
                                         "block_migration": "auto"})
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            server = self.server(sid)
            if (server["status"] == "ACTIVE"
                    and not server["OS-EXT-STS:task_state"]):
                break
            assert server["status"] != "ERROR", server
            time.sleep(0.2)
        assert self.host(sid) != before

    def stop_start(self, sid):
        self.act(sid, "os-stop")
        boot_bench.wait_status(self.client, sid, "SHUTOFF")
        self.act(sid, "os-start")
        boot_bench.wait_status(self.client, sid)

    def delete(self, sid):
        code, body = self.client.request("DELETE", "/servers/%s" % sid)
        assert code == 204, body
        boot_bench.wait_gone(self.client, sid)

    def all_of_them(self, name):
        """Boot, resize, migrate, live migrate, stop, start and delete a
        server; the hosts its actions' events ran on."""
        sid = self.boot(name)
        resized = self.confirmed_move(sid, "resize", {"flavorRef": "2"})
        assert resized["flavor"]["original_name"] == "m1.small"
        self.confirmed_move(sid, "migrate")
        self.live_migrate(sid)
        self.stop_start(sid)
        hosts = self.event_hosts(sid)
        self.delete(sid)
        return hosts

    def event_hosts(self, sid):
        """{action: hosts of its events} of the server."""
        code, body = self.client.request(
            "GET", "/servers/%s/os-instance-actions" % sid)
        assert code == 200, body
        hosts = {}
        for action in body["instanceActions"]:
            code, detail = self.client.request(
                "GET", "/servers/%s/os-instance-actions/%s"
                % (sid, action["request_id"]), version="2.62")
            assert code == 200, detail
            events = detail["instanceAction"]["events"]
            hosts.setdefault(action["action"], set()).update(
                event["host"] for event in events if event.get("host"))
        return hosts


def _service_rows(cloud):
    """{(binary, host): (version, report_count)} in the cell database."""
    engine = sa.create_engine(cloud.database_urls["cell1"])
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text(
                "SELECT \"binary\", host, version, report_count FROM services "
                "WHERE deleted = 0")).all()
    finally:
        engine.dispose()
    return {(row.binary, row.host): (row.version, row.report_count)
            for row in rows}


def _upgrade_in_place(cloud, name, binary, host, new_service_version):
    """Stop name, start it from this tree (same arguments, same host),
    and wait until it reports again: its log names this release, and
    its heartbeats count on with this tree's service version."""
    cloud.kill(name, signal.SIGTERM)
    reported = _service_rows(cloud)[(binary, host)][1]
    starts = cloud.log(name).count(" started on ")
    cloud.restart(name, executable=deploy.STRATUS)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        log = cloud.log(name)
        row = _service_rows(cloud)[(binary, host)]
        if (log.count(" started on ") > starts
                and row[1] > reported and row[0] == new_service_version):
            break
        assert cloud.processes[name].poll() is None, log[-3000:]
        time.sleep(0.5)
    else:
        raise AssertionError("%s did not report from this release: %s"
                             % (name, cloud.log(name)[-3000:]))
    assert "Stratus %s: " % version.VERSION in cloud.log(name)


class _Times(dict):
    """Seconds of each phase, each printed as it ends."""

    def __setitem__(self, phase, seconds):
        sys.stderr.write("upgrade test: %s %.1f s\n" % (phase, seconds))
        super().__setitem__(phase, seconds)


@pytest.mark.skipif(shutil.which("rabbitmqctl") is None,
                    reason="a cell conductor of its own needs a virtual "
                           "host of its own (rabbitmqctl)")
def test_previous_release_computes_then_upgraded_in_place(old_stratus):
    from stratus.objects import service as service_obj
    times = _Times()
    started = time.monotonic()
    with deploy.start(
            "distributed", computes=len(HOSTS), nodes=1, config=CONFIG,
            cell_conductors=True, schema_command=SCHEMA_COMMAND,
            control_config={"upgrade_levels": upgrade_levels()},
            executables={role: old_stratus for role in OLD_ROLES}) as cloud:
        times["deploy"] = time.monotonic() - started
        client = Client(cloud.compute_url)
        code, body = client.request("GET", "/images", version="2.35")
        assert code == 200, body
        ops = Operations(client, body["images"][0]["id"])
        old = [CELL_CONDUCTOR] + list(HOSTS)
        for name in old:
            # The old release's own `stratus`, not this tree's.
            assert cloud.processes[name].args[0] == old_stratus
            assert "Stratus %s" % version.VERSION not in cloud.log(name)
            assert " started on " in cloud.log(name)

        phase = time.monotonic()
        hosts = ops.all_of_them("phase1")
        for action in ("create", "resize", "migrate", "live-migration",
                       "stop", "start"):
            # (the conductors record events of their own, e.g. the
            # scheduling of a move, on the control host)
            on_computes = hosts.get(action, set()) - {"control"}
            assert on_computes and on_computes <= set(HOSTS), (action, hosts)
        kept = ops.boot("kept")
        times["phase 1: old computes"] = time.monotonic() - phase

        phase = time.monotonic()
        new_version = service_obj.SERVICE_VERSION
        _upgrade_in_place(cloud, CELL_CONDUCTOR,
                          constants.CONDUCTOR_BINARY, CELL_CONDUCTOR,
                          new_version)
        for host in HOSTS:
            _upgrade_in_place(cloud, host, constants.COMPUTE_BINARY, host,
                              new_version)
        times["upgrade in place"] = time.monotonic() - phase

        phase = time.monotonic()
        hosts = ops.all_of_them("phase2")
        assert hosts.get("create") and hosts["create"] - {"control"} <= set(
            HOSTS)
        ops.stop_start(kept)
        ops.confirmed_move(kept, "migrate")
        ops.live_migrate(kept)
        ops.delete(kept)
        times["phase 2: upgraded"] = time.monotonic() - phase

        # Every service is new: the data moves, the schema contracts,
        # and the cloud still boots and deletes.
        phase = time.monotonic()
        for command in (("db", "online_data_migrations"),
                        ("db", "contract")):
            done = subprocess.run(
                [deploy.STRATUS, "--config-file",
                 os.path.join(cloud.workdir, "stratus.conf"), "manage",
                 *command], capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, (command, done.stdout, done.stderr)
        ops.delete(ops.boot("contracted"))
        times["data migrations and contract"] = time.monotonic() - phase

        for name in cloud.processes:
            assert "Traceback" not in cloud.log(name), (
                name, cloud.log(name)[-3000:])
    times["total"] = time.monotonic() - started
    sys.stderr.write("upgrade test (from %s): %s\n" % (
        previous_release.release()["tag"],
        json.dumps({k: round(v, 1) for k, v in times.items()})))
