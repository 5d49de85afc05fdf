"""What a process that held every owner left (the all-in-one, SIGKILLed)
is settled as soon as it starts again, not after the deadlines; and a
build that fails for any reason ends ERROR with a fault, never BUILD.
Seen through the Compute and Placement APIs of the in-process cloud."""
import datetime

import pytest
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from stratus.conductor.tasks import build
from stratus.db import cell_models
from stratus.db import setup as db_setup
from stratus.db.types import utcnow
from stratus import exception
from stratus.objects import fields
from stratus.objects import instance as instance_obj
from stratus import context as stratus_context
from tests.functional import cloud as cloud_harness
from tests.functional.moves import conftest as moves_conftest
from tests.functional.moves import test_live_move_recovery as live_move_tests
from tests.functional.recovery.test_stuck_states import _BR
from tests.functional.recovery.test_stuck_states import _I
from tests.functional.recovery.test_stuck_states import Recovery
from tests.functional.recovery.test_stuck_states import _Stub

pytestmark = pytest.mark.slow

TaskState = fields.TaskState
VMState = fields.VMState
PowerState = fields.PowerState
JUST_NOW = datetime.timedelta(seconds=2)
HOUR_AGO = datetime.timedelta(hours=1)
# How long a test waits for a server (generous: a loaded machine).
WAIT = 30
_SERVICES = cell_models.Service.__table__


@pytest.fixture
def start(conf, databases, cloud_urls, tmp_path):
    clouds = []

    def start(**overrides):
        conf.set_override("stuck_check_interval", 0, group="conductor")
        for name, value in overrides.items():
            conf.set_override(name, value, group="conductor")
        clouds.append(cloud_harness.start_cloud(conf, cloud_urls, tmp_path))
        return Recovery(clouds[-1])
    yield start
    for cloud in clouds:
        if cloud.services:
            cloud.stop()


def _left_just_now(recovery, server_id, ago=JUST_NOW, **values):
    """What the database holds when the process died a moment (or ago)
    before: by default younger than any deadline."""
    cell = recovery.cloud.databases.cell(_cell_uuid(recovery))
    with cell.writer() as session:
        session.execute(sa.update(_I).where(_I.c.uuid == server_id).values(
            updated_at=utcnow() - ago, **values))


def _cell_uuid(recovery):
    from stratus.objects import cell_mapping as cell_mapping_obj
    return cell_mapping_obj.local_cell(recovery.ctx(), recovery.cloud.conf).uuid


def _leased_build(recovery, monkeypatch):
    """A server whose schedule_and_build the dead conductor had taken a
    moment ago (its lease still running): the cast is dropped and the
    lease written as that conductor would have."""
    conductor_api = recovery.cloud.apps["compute"].compute_api.conductor_api
    monkeypatch.setattr(conductor_api, "schedule_and_build_instances",
                        lambda *args, **kwargs: None)
    server = recovery.demo.create_server(
        name="leased", image=recovery.demo.first_image_id())["server"]
    monkeypatch.undo()
    with recovery.cloud.databases.api.writer() as session:
        session.execute(sa.update(_BR).where(
            _BR.c.instance_uuid == server["id"]).values(
            created_at=utcnow() - JUST_NOW, updated_at=utcnow() - JUST_NOW))
    return server["id"]


def test_what_the_dead_process_held_is_resumed_at_once(start, monkeypatch):
    recovery = start()
    leased = _leased_build(recovery, monkeypatch)
    unsent = recovery.boot(name="unsent")["id"]
    recovery.driver.destroy(recovery.ctx(), _Stub(unsent))
    _left_just_now(recovery, unsent, vm_state=VMState.BUILDING,
                   task_state=TaskState.SCHEDULING,
                   power_state=PowerState.NOSTATE)
    # A conductor of the distributed services waits out the lease and
    # build_timeout: the owners might be alive.
    assert recovery.check() == {}
    done = recovery.conductor.check_stuck_states(recovery.ctx(),
                                                 abandoned_before=utcnow())
    assert done == {leased: "build resumed", unsent: "build sent again"}
    for server_id in (leased, unsent):
        server = recovery.demo.wait_for_status(server_id, "ACTIVE",
                                                timeout=WAIT)
        assert server["OS-EXT-STS:task_state"] is None
        assert len(recovery.allocations(server_id)) == 1


@pytest.mark.parametrize("ago", [JUST_NOW, HOUR_AGO],
                         ids=["died-just-now", "died-an-hour-ago"])
def test_the_all_in_one_settles_at_start_what_its_last_run_left(start,
                                                                 ago):
    """in_process_owners: the conductor's pass at start and the
    compute's reconciliation settle every state the dead run left,
    however young; a spawn it cut short is built again, not failed,
    even when the compute's last heartbeat is long past (it is starting
    in the same process)."""
    recovery = start()
    names = ("unsent", "spawning", "deleting", "pausing")
    ids = {name: recovery.boot(name=name)["id"] for name in names}
    recovery.cloud.stop()
    cell = recovery.cloud.databases.cell(_cell_uuid(recovery))
    with cell.writer() as session:
        session.execute(sa.update(_SERVICES).values(
            last_seen_up=utcnow() - ago))
    for name, values in (
            ("unsent", dict(vm_state=VMState.BUILDING,
                            task_state=TaskState.SCHEDULING,
                            power_state=PowerState.NOSTATE)),
            ("spawning", dict(vm_state=VMState.BUILDING,
                              task_state=TaskState.SPAWNING,
                              power_state=PowerState.NOSTATE)),
            ("deleting", dict(task_state=TaskState.DELETING)),
            ("pausing", dict(task_state=TaskState.PAUSING))):
        _left_just_now(recovery, ids[name], ago=ago, **values)

    restarted = start(in_process_owners=True)
    restarted.conductor.first_check.join(timeout=60)
    for name in ("unsent", "spawning"):
        server = restarted.demo.wait_for_status(ids[name], "ACTIVE",
                                                timeout=WAIT)
        assert server["OS-EXT-STS:task_state"] is None, name
        assert "fault" not in server, name
        assert len(restarted.allocations(ids[name])) == 1, name
    restarted.demo.wait_for_deleted(ids["deleting"], timeout=WAIT)
    assert restarted.allocations(ids["deleting"]) == {}
    server = restarted.settled(ids["pausing"], timeout=WAIT)
    assert server["status"] == "ACTIVE"
    # Every server built once: its create action has one build event
    # that succeeded after the restart.
    events = restarted.admin.get("/servers/%s/os-instance-actions"
                                 % ids["spawning"])["instanceActions"]
    assert [action["action"] for action in events] == ["create"]


def test_a_build_sent_again_that_fails_is_scheduled_again(start,
                                                         monkeypatch):
    """A build sent again has no alternates (they are not persisted): a
    spawn of it that fails has the scheduler choose anew, not ERROR."""
    recovery = start()
    server_id = recovery.boot(name="flaky")["id"]
    recovery.driver.destroy(recovery.ctx(), _Stub(server_id))
    recovery.left_in(server_id, vm_state=VMState.BUILDING,
                     task_state=TaskState.SCHEDULING,
                     power_state=PowerState.NOSTATE)
    real_spawn = recovery.driver.spawn
    spawns = []

    def fails_once(*args, **kwargs):
        spawns.append(args[1].node)
        if len(spawns) == 1:
            raise exception.StratusException("the hypervisor hiccupped")
        return real_spawn(*args, **kwargs)
    monkeypatch.setattr(recovery.driver, "spawn", fails_once)
    assert recovery.check() == {server_id: "build sent again"}
    server = recovery.demo.wait_for_status(server_id, "ACTIVE",
                                                timeout=WAIT)
    assert server["OS-EXT-STS:task_state"] is None
    assert len(spawns) == 2
    assert len(recovery.allocations(server_id)) == 1


@pytest.fixture
def two_hosts(conf, sqlite_cloud_urls, tmp_path):
    conf.set_override("stuck_check_interval", 0, group="conductor")
    env = moves_conftest.start(conf, sqlite_cloud_urls, tmp_path)
    env.conductor = next(svc.manager for svc in env.cloud.services
                         if svc.binary == "nova-conductor")
    yield env
    env.stop()


def test_a_live_migration_the_dead_process_drove_is_rolled_back_at_once(
        two_hosts):
    """Its migration changed a moment ago, which from another process
    would mean its copy may still run (move_timeout); from the process
    that died with it, the copy is gone too."""
    env = two_hosts
    server = env.active()
    server_id, source = server["id"], server["OS-EXT-SRV-ATTR:host"]
    dest = next(host for host in env.computes if host != source)
    live_move_tests.live_migration_prepared(env, server_id, dest)
    ctx = stratus_context.get_admin_context(env.cloud.databases)
    assert env.conductor.check_stuck_states(ctx) == {}
    assert env.conductor.check_stuck_states(
        ctx, abandoned_before=utcnow()) == {
        server_id: "live migration rolled back"}
    server = env.wait(server_id, {"ACTIVE"})
    assert server["OS-EXT-SRV-ATTR:host"] == source
    assert env.used() == {source: live_move_tests.TINY}


def _failing_cell_writes(monkeypatch, name, everywhere=False):
    """Writes of the server named name to its host cell (to every cell
    with everywhere) fail as a database refuses a value."""
    real_create = instance_obj.Instance.create

    def create(self, context=None, session=None):
        cell = (context or self._context).cell_uuid
        if self.get("display_name") == name and (
                everywhere or cell != db_setup.CELL0_UUID):
            raise sa_exc.DataError("INSERT INTO instances", {},
                                   Exception("value too long"))
        return real_create(self, context, session)
    monkeypatch.setattr(instance_obj.Instance, "create", create)


def test_a_server_its_cell_cannot_write_ends_in_error_with_a_fault(
        start, monkeypatch):
    recovery = start()
    _failing_cell_writes(monkeypatch, "unwritable")
    server = recovery.demo.create_server(
        name="unwritable", image=recovery.demo.first_image_id())["server"]
    failed = recovery.demo.wait_for_status(server["id"], "ERROR",
                                           timeout=WAIT)
    assert failed["OS-EXT-STS:task_state"] is None
    assert "could not be written to its cell" in failed["fault"]["message"]
    assert recovery.allocations(server["id"]) == {}
    # The others are built as usual.
    assert recovery.boot(name="writable")["status"] == "ACTIVE"


def test_a_server_cell0_refuses_at_first_is_buried_cut_to_its_columns(
        start, monkeypatch):
    """cell0 refuses the failed server once (a value its column cannot
    hold): the conductor cuts it to the columns and writes it again."""
    recovery = start()
    real_create = instance_obj.Instance.create
    refused = []

    def create(self, context=None, session=None):
        cell = (context or self._context).cell_uuid
        if self.get("display_name") == "refused" and (
                cell != db_setup.CELL0_UUID or not refused):
            if cell == db_setup.CELL0_UUID:
                refused.append(self.uuid)
            raise sa_exc.DataError("INSERT INTO instances", {},
                                   Exception("value too long"))
        return real_create(self, context, session)
    monkeypatch.setattr(instance_obj.Instance, "create", create)
    server = recovery.demo.create_server(
        name="refused", image=recovery.demo.first_image_id())["server"]
    failed = recovery.demo.wait_for_status(server["id"], "ERROR",
                                           timeout=WAIT)
    assert refused == [server["id"]]
    assert "could not be written to its cell" in failed["fault"]["message"]
    assert recovery.allocations(server["id"]) == {}


def test_an_access_ip_longer_than_its_column_never_leaves_a_build(start):
    """An IPv4-mapped IPv6 address written out in full (45 characters,
    the column holds 39): PostgreSQL and MariaDB refuse it as given; the
    server is built (the address canonicalised) or ends ERROR with a
    fault, never stays BUILD."""
    recovery = start()
    server = recovery.demo.create_server(
        name="long-ip", image=recovery.demo.first_image_id(),
        accessIPv6="0000:0000:0000:0000:0000:ffff:192.168.100.200")["server"]
    settled = recovery.demo.wait_for_status(
        server["id"], {"ACTIVE", "ERROR"}, timeout=WAIT)
    assert settled["OS-EXT-STS:task_state"] is None
    if settled["status"] == "ERROR":
        assert settled["fault"]["message"]
        assert recovery.allocations(server["id"]) == {}


def test_a_build_whose_scheduling_fails_ends_in_error_with_a_fault(
        start, monkeypatch):
    recovery = start()
    scheduler = next(svc.manager for svc in recovery.cloud.services
                     if svc.binary == "nova-scheduler")

    def broken(*args, **kwargs):
        raise sa_exc.OperationalError("SELECT", {}, Exception("gone"))
    monkeypatch.setattr(scheduler, "select_destinations", broken)
    server = recovery.demo.create_server(
        name="unplaced", image=recovery.demo.first_image_id())["server"]
    failed = recovery.demo.wait_for_status(server["id"], "ERROR",
                                           timeout=WAIT)
    assert "could not be scheduled" in failed["fault"]["message"]
    assert recovery.allocations(server["id"]) == {}


def test_a_value_no_column_holds_is_cut_to_bury_the_server(databases):
    """cell0 keeps a server whose value its column cannot hold (what
    PostgreSQL and MariaDB refuse), cut to the column."""
    from stratus import context as stratus_context
    ctx = stratus_context.get_admin_context(databases)
    long_name = "n" * 300
    instance = instance_obj.Instance(
        uuid="6f1c1b0e-4b8e-4c39-9a43-2bd1b2a0e6a1", project_id="p",
        user_id="u", display_name=long_name, vm_state=VMState.ERROR)
    build.clip_to_columns(instance)
    assert instance.display_name == long_name[:255]
    with ctx.target_cell(db_setup.CELL0_UUID) as cctx:
        instance.create(cctx)
        stored = instance_obj.Instance.get_by_uuid(cctx, instance.uuid)
    assert stored.display_name == long_name[:255]
