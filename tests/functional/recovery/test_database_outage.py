"""A database that cannot be reached for a few seconds during a build
(issue 17): the conductor waits for it ([conductor] db_retry_seconds)
and the build finishes ACTIVE; an outage longer than that leaves no
server stuck (the check builds it again once the database is back).

The outage: the cell database's engine is pointed at an address where
nothing listens (on SQLite a file that cannot be opened), as a database
server that is down refuses connections, and pointed back."""
import threading

import pytest

from stratus import exception
from stratus.db import api as db_api
from stratus.objects import build_request as build_request_obj
from stratus.objects import cell_mapping as cell_mapping_obj
from stratus.objects import instance as instance_obj
from tests.functional.recovery.test_stuck_states import Recovery
from tests.functional import cloud as cloud_harness

pytestmark = pytest.mark.slow

UNREACHABLE = {"sqlite": "sqlite:////nonexistent-stratus-dir/cell.db",
               "postgresql": "postgresql+psycopg2://nobody@127.0.0.1:1/x",
               "mysql": "mysql+pymysql://nobody@127.0.0.1:1/x"}


class Outage:
    """Makes the cell database unreachable, and reachable again."""

    def __init__(self, database, backend):
        self._database = database
        self._engine = database.engine
        self._unreachable = db_api.create_engine(UNREACHABLE[backend])
        self.over = threading.Event()

    def begin(self, seconds):
        """Unreachable from now, for seconds."""
        self.over.clear()
        self._database.engine = self._unreachable
        threading.Timer(seconds, self.end).start()

    def end(self):
        self._database.engine = self._engine
        self.over.set()


@pytest.fixture
def db_retry_seconds():
    return 30


@pytest.fixture
def outage_cloud(conf, databases, cloud_urls, db_backend, tmp_path,
                 db_retry_seconds):
    conf.set_override("stuck_check_interval", 0, group="conductor")
    conf.set_override("db_retry_seconds", db_retry_seconds,
                      group="conductor")
    running = cloud_harness.start_cloud(conf, cloud_urls, tmp_path)
    recovery = Recovery(running)
    cell = cell_mapping_obj.local_cell(recovery.ctx(), conf)
    recovery.outage = Outage(running.databases.cell(cell.uuid), db_backend)
    yield recovery
    recovery.outage.end()
    running.stop()


def _outage_during_spawn(cloud, monkeypatch, seconds):
    """The database goes away as the first guest spawns, for seconds
    (after the spawn, the compute's save meets the outage)."""
    real_spawn = cloud.driver.spawn
    began = threading.Event()

    def spawn(*args, **kwargs):
        if not began.is_set():
            began.set()
            cloud.outage.begin(seconds)
        return real_spawn(*args, **kwargs)
    monkeypatch.setattr(cloud.driver, "spawn", spawn)
    return began


def test_a_build_waits_out_a_short_database_outage(outage_cloud,
                                                   monkeypatch):
    began = _outage_during_spawn(outage_cloud, monkeypatch, 2)
    server = outage_cloud.boot(name="patient")
    assert began.is_set()
    assert (server["status"], server["OS-EXT-STS:task_state"]) == (
        "ACTIVE", None)
    assert outage_cloud.allocations(server["id"])


@pytest.mark.parametrize("db_retry_seconds", [1])
def test_a_longer_outage_leaves_no_server_stuck(outage_cloud, monkeypatch):
    # Less patience than the outage lasts: the compute's save fails for
    # good and the build is dropped; once the database is back, the check
    # finds the build its live compute does not hold and builds it again.
    began = _outage_during_spawn(outage_cloud, monkeypatch, 5)
    image = outage_cloud.demo.first_image_id()
    server_id = outage_cloud.demo.create_server(
        name="dropped", image=image)["server"]["id"]
    assert began.wait(30)
    assert outage_cloud.outage.over.wait(30)
    outage_cloud.idle(server_id)
    server = outage_cloud.demo.server(server_id)
    assert (server["status"], server["OS-EXT-STS:task_state"]) == (
        "BUILD", "spawning")
    outage_cloud.left_in(server_id)
    assert outage_cloud.check() == {server_id: "build sent again"}
    server = outage_cloud.demo.wait_for_status(server_id, "ACTIVE")
    assert server["OS-EXT-STS:task_state"] is None



def test_scheduling_waits_out_a_short_outage_of_the_api_database(
        outage_cloud, db_backend, monkeypatch):
    # Placement's data is in the API database: the scheduler's decision
    # meets the outage, waits for the database and decides once it is
    # back (it had failed the build at once: DatabaseUnreachable).
    scheduler = next(svc.manager for svc in outage_cloud.cloud.services
                     if svc.binary == "nova-scheduler")
    api_outage = Outage(outage_cloud.cloud.databases.api, db_backend)
    real_decide = scheduler._decide
    began = threading.Event()

    def decide(*args, **kwargs):
        if not began.is_set():
            began.set()
            api_outage.begin(2)
        return real_decide(*args, **kwargs)
    monkeypatch.setattr(scheduler, "_decide", decide)
    image = outage_cloud.demo.first_image_id()
    try:
        server_id = outage_cloud.demo.create_server(
            name="scheduled-late", image=image)["server"]["id"]
        assert began.wait(30)
        assert api_outage.over.wait(30)
    finally:
        api_outage.end()
    server = outage_cloud.demo.wait_for_status(server_id, "ACTIVE")
    assert server["OS-EXT-STS:task_state"] is None
    assert outage_cloud.allocations(server_id)


def test_a_build_cut_off_by_a_lost_connection_carries_on(outage_cloud,
                                                         monkeypatch):
    # The connection is lost as the conductor binds the new server to
    # its cell (the database stopped under it): the build carries on
    # from there once the database answers, not after its lease (an hour
    # here) has run out.
    outage_cloud.cloud.conf.set_override("task_lease", 3600,
                                         group="conductor")
    real_bind = build_request_obj.bind_to_cell
    lost = []

    def bind_to_cell(*args, **kwargs):
        if not lost:
            lost.append(True)
            raise exception.DatabaseUnreachable()
        return real_bind(*args, **kwargs)
    monkeypatch.setattr(build_request_obj, "bind_to_cell", bind_to_cell)
    server = outage_cloud.boot(name="carried-on")
    assert lost
    assert (server["status"], server["OS-EXT-STS:task_state"]) == (
        "ACTIVE", None)
    assert outage_cloud.allocations(server["id"])


def test_a_server_whose_creation_lost_its_connection_is_built(
        outage_cloud, monkeypatch):
    # The connection is lost as the conductor writes the new server to
    # its cell: it is scheduled and written again once the database
    # answers, instead of ending ERROR.
    real_create = instance_obj.Instance.create
    lost = []

    def create(self, *args, **kwargs):
        if not lost:
            lost.append(True)
            raise exception.DatabaseUnreachable()
        return real_create(self, *args, **kwargs)
    monkeypatch.setattr(instance_obj.Instance, "create", create)
    server = outage_cloud.boot(name="written-again")
    assert lost
    assert (server["status"], server["OS-EXT-STS:task_state"]) == (
        "ACTIVE", None)
    assert outage_cloud.allocations(server["id"])
