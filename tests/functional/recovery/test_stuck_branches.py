"""The conductor's stuck check, one branch per test on SQLite (the fast
counterpart of test_stuck_states.py): each transitional state it settles
when its owner is gone, what it leaves to a live owner, deadlines not yet
past, and the pass at the start of an all-in-one."""
import logging

import oslo_messaging
import pytest
import sqlalchemy as sa

from stratus.db.types import utcnow
from stratus import exception
from stratus.objects import cell_mapping as cell_mapping_obj
from stratus.objects import fields
from stratus.objects import instance_queries
from tests.functional import cloud as cloud_harness
from tests.functional.recovery.test_stuck_states import Recovery
from tests.functional.recovery.test_stuck_states import _lost_build
from tests.functional.recovery.test_stuck_states import _Stub

TaskState = fields.TaskState
VMState = fields.VMState
PowerState = fields.PowerState
_I = sa.table("instances", sa.column("uuid"), sa.column("updated_at"))


class Branches(Recovery):

    def touched_now(self, server_id):
        """The server changed just now (its task younger than any
        deadline)."""
        cell = cell_mapping_obj.local_cell(self.ctx(), self.cloud.conf)
        with self.cloud.databases.cell(cell.uuid).writer() as session:
            session.execute(sa.update(_I).where(
                _I.c.uuid == server_id).values(updated_at=utcnow()))

    def state(self, server_id):
        server = self.admin.server(server_id)
        return server["status"], server["OS-EXT-STS:task_state"]


@pytest.fixture
def branches(conf, sqlite_cloud_urls, tmp_path):
    conf.set_override("stuck_check_interval", 0, group="conductor")
    running = cloud_harness.start_cloud(conf, sqlite_cloud_urls, tmp_path)
    yield Branches(running)
    running.stop()


def test_a_dead_computes_actions_end_by_their_last_power_state(branches):
    env = branches
    unknown, soft, rebuild, fresh = (env.boot(name=name)["id"] for name in (
        "unknown", "soft", "rebuild", "fresh"))
    # No power state known: ERROR, with a fault that says why.
    env.left_in(unknown, task_state=TaskState.PAUSING,
                power_state=PowerState.NOSTATE)
    # A soft delete whose guest was off: soft deleted.
    env.left_in(soft, task_state=TaskState.SOFT_DELETING,
                power_state=PowerState.SHUTDOWN)
    # A plain rebuild (no evacuation): the generic handling.
    env.left_in(rebuild, task_state=TaskState.REBUILDING)
    # Younger than its deadline: left alone.
    env.left_in(fresh, task_state=TaskState.PAUSING)
    env.touched_now(fresh)
    env.compute_down()
    assert env.check() == {unknown: "task cleared", soft: "task cleared",
                           rebuild: "task cleared"}
    assert env.state(unknown) == ("ERROR", None)
    fault = env.admin.server(unknown)["fault"]
    assert fault["message"] == (
        "The task pausing of the server did not finish: compute "
        "stratus-test is down")
    assert env.state(soft) == ("SOFT_DELETED", None)
    assert env.state(rebuild) == ("ACTIVE", None)
    assert env.state(fresh) == ("ACTIVE", "pausing")


def test_a_host_without_a_compute_service_counts_as_down(branches):
    env = branches
    server_id = env.boot()["id"]
    env.left_in(server_id, task_state=TaskState.SUSPENDING,
                host="vanished")
    assert env.check() == {server_id: "task cleared"}
    assert env.state(server_id) == ("ACTIVE", None)


def test_a_move_no_task_recovers_is_left_with_a_warning(branches, caplog):
    env = branches
    server_id = env.boot()["id"]
    env.left_in(server_id, task_state="rebuild_scheduled")
    env.compute_down()
    with caplog.at_level(logging.WARNING):
        assert env.check() == {}
    assert "moves are not rolled back by this check" in caplog.text
    assert env.state(server_id) == ("ACTIVE", "rebuild_scheduled")


def test_a_live_migration_without_its_record_has_its_task_cleared(
        branches):
    env = branches
    server_id = env.boot()["id"]
    env.left_in(server_id, task_state=TaskState.MIGRATING)
    assert env.check() == {server_id: "task cleared"}
    assert env.state(server_id) == ("ACTIVE", None)
    assert env.allocations(server_id)


def test_a_build_on_a_live_compute_waits_for_it(branches):
    env = branches
    server_id = env.boot()["id"]
    env.left_in(server_id, vm_state=VMState.BUILDING,
                task_state=TaskState.SPAWNING)
    # The compute is at work on it (its lock held): it says it holds it.
    with env.compute._locks(server_id):
        assert env.check() == {}
    assert env.state(server_id) == ("BUILD", "spawning")


def test_the_start_pass_leaves_their_tasks_to_computes_coming_back(
        branches):
    env = branches
    deleting, spawning = env.boot(name="deleting")["id"], env.boot(
        name="spawning")["id"]
    env.left_in(deleting, task_state=TaskState.DELETING)
    env.left_in(spawning, vm_state=VMState.BUILDING,
                task_state=TaskState.SPAWNING)
    # Every owner lived in the process that died: the computes starting
    # now settle their own, the check does not ask them.
    assert env.conductor.check_stuck_states(env.ctx(), utcnow()) == {}
    assert env.state(deleting) == ("ACTIVE", "deleting")
    assert env.state(spawning) == ("BUILD", "spawning")
    # A compute forced down is not coming back: its delete is done here.
    env.compute_down()
    assert env.conductor.check_stuck_states(env.ctx(), utcnow()) == {
        deleting: "deleted", spawning: "build failed"}
    env.admin.wait_for_deleted(deleting)
    assert env.state(spawning) == ("ERROR", None)


def test_a_short_move_timeout_is_warned_of(branches, caplog):
    env = branches
    env.cloud.conf.set_override("move_timeout", 10, group="conductor")
    with caplog.at_level(logging.WARNING):
        env.conductor.stuck_states.check_move_timeout()
    assert "move_timeout 10 is less than three" in caplog.text


def test_work_a_live_compute_does_not_hold_is_sent_again_or_settled(
        branches):
    env = branches
    pausing, deleting, spawning, scheduling = (
        env.boot(name=name)["id"] for name in (
            "pausing", "deleting", "spawning", "scheduling"))
    for server_id in (pausing, deleting, spawning, scheduling):
        env.idle(server_id)
    env.left_in(pausing, task_state=TaskState.PAUSING)
    env.left_in(deleting, task_state=TaskState.DELETING)
    env.left_in(spawning, vm_state=VMState.BUILDING,
                task_state=TaskState.SPAWNING)
    # Never handed to the compute: no guest there.
    env.driver.destroy(env.ctx(), _Stub(scheduling))
    env.left_in(scheduling, vm_state=VMState.BUILDING,
                task_state=TaskState.SCHEDULING,
                power_state=PowerState.NOSTATE)
    assert env.check() == {pausing: "task cleared",
                           deleting: "delete sent again",
                           spawning: "build sent again",
                           scheduling: "build sent again"}
    assert env.state(pausing) == ("ACTIVE", None)
    env.demo.wait_for_deleted(deleting)
    assert env.allocations(deleting) == {}
    for built in (spawning, scheduling):
        assert env.demo.wait_for_status(built, "ACTIVE")[
            "OS-EXT-STS:task_state"] is None
        assert env.allocations(built)



def test_a_cell_it_cannot_reach_is_left_for_the_next_pass(
        branches, monkeypatch, caplog):
    env = branches
    server_id = env.boot()["id"]
    env.left_in(server_id, task_state=TaskState.PAUSING)
    env.compute_down()

    def unreachable(ctx, cell_uuid, before):
        raise exception.DatabaseUnreachable()
    monkeypatch.setattr(instance_queries, "tasks_unchanged_since",
                        unreachable)
    with caplog.at_level(logging.WARNING):
        assert env.check() == {}
    assert "is unreachable: not checked" in caplog.text
    monkeypatch.undo()
    assert env.check() == {server_id: "task cleared"}


def test_a_server_not_bound_to_its_cell_is_not_found_by_the_conductor(
        branches, monkeypatch):
    env = branches
    server_id = _lost_build(env, monkeypatch, "unbound")
    with pytest.raises(oslo_messaging.ExpectedException) as raised:
        env.conductor.action_event_start(env.ctx(), server_id, "x",
                                         "stratus-test")
    assert isinstance(raised.value.exc_info[1], exception.InstanceNotFound)
