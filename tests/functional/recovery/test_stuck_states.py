"""No server stuck: the conductor's check settles transitional states
whose owner is gone, and resumes builds a dead conductor left; seen
through the Compute and Placement APIs of the in-process cloud."""
import datetime

import pytest
import sqlalchemy as sa

from stratus.conductor.tasks import build
from stratus import context as stratus_context
from stratus.db import api_models
from stratus.db import cell_models
from stratus.db.types import utcnow
from stratus import exception
from stratus.objects import build_request as build_request_obj
from stratus.objects import cell_mapping as cell_mapping_obj
from stratus.objects import fields
from stratus.objects import service as service_obj
from stratus.placement import allocations
from tests.functional import cloud as cloud_harness
from tests.functional.server_actions.conftest import Actions

pytestmark = pytest.mark.slow

TaskState = fields.TaskState
PowerState = fields.PowerState
HOUR_AGO = datetime.timedelta(hours=1)
_I = cell_models.Instance.__table__
_BR = api_models.BuildRequest.__table__


class Recovery(Actions):

    @property
    def conductor(self):
        return next(svc.manager for svc in self.cloud.services
                    if svc.binary == "nova-conductor")

    def ctx(self):
        return stratus_context.get_admin_context(self.cloud.databases)

    def check(self):
        return self.conductor.check_stuck_states(self.ctx())

    def left_in(self, server_id, **values):
        """What the database holds when a service died mid-task, an hour
        ago."""
        cell = cell_mapping_obj.local_cell(self.ctx(), self.cloud.conf)
        with self.cloud.databases.cell(cell.uuid).writer() as session:
            session.execute(sa.update(_I).where(
                _I.c.uuid == server_id).values(
                updated_at=utcnow() - HOUR_AGO, **values))

    def compute_down(self, down=True):
        ctx = self.ctx()
        service = service_obj.Service.get_by_host_and_binary(
            ctx, "stratus-test", "nova-compute")
        service.forced_down = down
        service.save()

    def allocations(self, server_id):
        return allocations.get_allocations(self.ctx(), server_id)

    def idle(self, server_id):
        """Once the compute holds no work of the server (it finishes its
        bookkeeping after the save that the API shows)."""
        _wait(lambda: not self.compute._locks.held(server_id))


@pytest.fixture
def recovery(conf, databases, cloud_urls, tmp_path):
    # The periodic pass is driven by the tests.
    conf.set_override("stuck_check_interval", 0, group="conductor")
    running = cloud_harness.start_cloud(conf, cloud_urls, tmp_path)
    yield Recovery(running)
    running.stop()


def test_actions_on_a_dead_compute_end_in_the_last_known_state(recovery):
    pausing = recovery.boot(name="pausing")["id"]
    stopping = recovery.boot(name="stopping")["id"]
    fresh = recovery.boot(name="fresh")["id"]
    recovery.left_in(pausing, task_state=TaskState.PAUSING)
    recovery.left_in(stopping, task_state=TaskState.POWERING_OFF,
                     power_state=PowerState.SHUTDOWN)
    # fresh: no task (and one younger than its deadline is left alone).
    assert recovery.act(fresh, {"pause": None}).status_int == 202
    recovery.settled(fresh)
    recovery.compute_down()
    done = recovery.check()
    assert done == {pausing: "task cleared", stopping: "task cleared"}
    server = recovery.demo.server(pausing)
    assert (server["status"], server["OS-EXT-STS:task_state"]) == (
        "ACTIVE", None)
    server = recovery.demo.server(stopping)
    assert (server["status"], server["OS-EXT-STS:task_state"]) == (
        "SHUTOFF", None)
    assert recovery.demo.server(fresh)["status"] == "PAUSED"
    assert recovery.allocations(pausing)


def test_a_live_compute_keeps_the_tasks_it_holds(recovery):
    server_id = recovery.boot()["id"]
    recovery.left_in(server_id, task_state=TaskState.PAUSING)
    # The compute is at work on the server (its lock held, as while an
    # action runs): asked, it says it holds it.
    with recovery.compute._locks(server_id):
        assert recovery.check() == {}
    assert recovery.demo.server(server_id)["OS-EXT-STS:task_state"] == \
        "pausing"


def test_an_action_a_live_compute_does_not_hold_is_settled(recovery):
    # The pause's message was lost: the compute never heard of it.
    server_id = recovery.boot()["id"]
    recovery.idle(server_id)
    recovery.left_in(server_id, task_state=TaskState.PAUSING)
    assert recovery.check() == {server_id: "task cleared"}
    server = recovery.demo.server(server_id)
    assert (server["status"], server["OS-EXT-STS:task_state"]) == (
        "ACTIVE", None)


def test_a_delete_on_a_dead_compute_is_finished_here(recovery):
    server_id = recovery.boot()["id"]
    assert recovery.allocations(server_id)
    recovery.left_in(server_id, task_state=TaskState.DELETING)
    recovery.compute_down()
    assert recovery.check() == {server_id: "deleted"}
    recovery.demo.wait_for_deleted(server_id)
    assert recovery.allocations(server_id) == {}
    # The guest goes with the compute's power-state sync once it is back.
    recovery.compute_down(False)
    assert server_id in recovery.driver.list_instance_uuids()
    recovery.compute.sync_power_states(recovery.ctx())
    assert server_id not in recovery.driver.list_instance_uuids()


def test_a_build_on_a_dead_compute_ends_in_error_with_a_fault(recovery):
    server_id = recovery.boot()["id"]
    recovery.left_in(server_id, vm_state=fields.VMState.BUILDING,
                     task_state=TaskState.SPAWNING)
    recovery.compute_down()
    assert recovery.check() == {server_id: "build failed"}
    server = recovery.admin.server(server_id)
    assert (server["status"], server["OS-EXT-STS:task_state"]) == (
        "ERROR", None)
    assert "is down" in server["fault"]["details"]
    assert recovery.allocations(server_id) == {}


def test_a_build_its_conductor_never_sent_is_sent_again(recovery):
    server_id = recovery.boot()["id"]
    recovery.driver.destroy(recovery.ctx(), _Stub(server_id))
    recovery.left_in(server_id, vm_state=fields.VMState.BUILDING,
                     task_state=TaskState.SCHEDULING,
                     power_state=PowerState.NOSTATE)
    assert recovery.check() == {server_id: "build sent again"}
    server = recovery.demo.wait_for_status(server_id, "ACTIVE")
    assert server["OS-EXT-STS:task_state"] is None
    assert recovery.allocations(server_id)


class _Stub:
    def __init__(self, uuid):
        self.uuid = uuid
        self.host = "stratus-test"


def _lost_build(recovery, monkeypatch, name, age=HOUR_AGO):
    """A server whose schedule_and_build cast was lost (its conductor
    died, or the broker lost it): its build request, age old, never
    taken by a conductor."""
    conductor_api = recovery.cloud.apps["compute"].compute_api.conductor_api
    monkeypatch.setattr(conductor_api, "schedule_and_build_instances",
                        lambda *args, **kwargs: None)
    server = recovery.demo.create_server(
        name=name, image=recovery.demo.first_image_id())["server"]
    monkeypatch.undo()
    with recovery.cloud.databases.api.writer() as session:
        session.execute(sa.update(_BR).where(
            _BR.c.instance_uuid == server["id"]).values(
            created_at=utcnow() - age, updated_at=None))
    return server["id"]


def test_a_build_request_whose_conductor_died_is_resumed(recovery,
                                                          monkeypatch):
    server_id = _lost_build(recovery, monkeypatch, "orphan")
    assert recovery.demo.server(server_id)["status"] == "BUILD"
    assert recovery.check() == {server_id: "build resumed"}
    server = recovery.demo.wait_for_status(server_id, "ACTIVE")
    assert server["OS-EXT-STS:task_state"] is None
    assert recovery.allocations(server_id)


def test_a_build_cut_short_before_its_cell_binding_is_resumed(
        recovery, monkeypatch):
    real_bind = build_request_obj.bind_to_cell

    def dies(ctx, instance_uuid, cell_uuid):
        raise RuntimeError("conductor killed here")
    monkeypatch.setattr(build_request_obj, "bind_to_cell", dies)
    server = recovery.demo.create_server(
        name="cut", image=recovery.demo.first_image_id())["server"]
    ctx = recovery.ctx()
    # The conductor created the server in its cell and died there.
    _wait(lambda: build.created_in_cell(ctx, server["id"])[1] is not None)
    monkeypatch.setattr(build_request_obj, "bind_to_cell", real_bind)
    with recovery.cloud.databases.api.writer() as session:
        session.execute(sa.update(_BR).where(
            _BR.c.instance_uuid == server["id"]).values(
            created_at=utcnow() - HOUR_AGO, updated_at=utcnow() - HOUR_AGO))
    assert recovery.check() == {server["id"]: "build resumed"}
    built = recovery.demo.wait_for_status(server["id"], "ACTIVE")
    assert built["OS-EXT-STS:task_state"] is None
    listed = recovery.demo.get("/servers")["servers"]
    assert [s["id"] for s in listed].count(server["id"]) == 1


def _wait(predicate, timeout=10):
    import time
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.01)


def test_one_conductor_takes_a_build_request(databases):
    ctx = stratus_context.get_admin_context(databases)
    from stratus.objects import instance as instance_obj
    import uuid as uuid_lib
    uuid = str(uuid_lib.uuid4())
    instance = instance_obj.Instance(uuid=uuid, project_id="p", user_id="u")
    build_request_obj.BuildRequest(
        ctx, instance_uuid=uuid, project_id="p", instance=instance).create()
    leases = build_request_obj
    assert leases.take_build_requests(ctx, [uuid], 60) == {uuid}
    assert leases.take_build_requests(ctx, [uuid], 60) == set()
    assert leases.orphaned_build_requests(ctx, leases.lease_expiry(60)) == []
    with databases.api.writer() as session:
        session.execute(sa.update(_BR).where(
            _BR.c.instance_uuid == uuid).values(
            created_at=utcnow() - HOUR_AGO, updated_at=utcnow() - HOUR_AGO))
    assert leases.orphaned_build_requests(
        ctx, leases.lease_expiry(60)) == [uuid]
    assert leases.take_build_requests(ctx, [uuid, "other"], 60) == {uuid}
    with pytest.raises(exception.BuildRequestNotFound):
        leases.bind_to_cell(ctx, "other", "x")


def test_a_delete_a_live_compute_never_finished_is_sent_again(recovery):
    server_id = recovery.boot()["id"]
    recovery.left_in(server_id, task_state=TaskState.DELETING)
    assert recovery.check() == {server_id: "delete sent again"}
    recovery.demo.wait_for_deleted(server_id)
    assert recovery.allocations(server_id) == {}
    assert server_id not in recovery.driver.list_instance_uuids()


def test_a_claim_left_by_a_dead_conductor_goes_with_its_server(
        recovery, monkeypatch):
    running = recovery.boot()["id"]
    held = recovery.allocations(running)
    server_id = _lost_build(recovery, monkeypatch, "claimed")
    # The dead conductor's scheduler had claimed for it.
    allocations.claim(recovery.ctx(), server_id, "demo", "demo", {
        provider: dict(resources) for provider, resources in held.items()})
    recovery.demo.delete("/servers/%s" % server_id)
    recovery.demo.wait_for_deleted(server_id)
    assert recovery.allocations(server_id)
    assert recovery.check() == {server_id: "allocations removed"}
    assert recovery.allocations(server_id) == {}
    assert recovery.allocations(running) == held


def test_a_claim_a_dead_conductor_left_after_a_delete_goes(recovery):
    server_id = recovery.boot()["id"]
    held = recovery.allocations(server_id)
    recovery.demo.delete("/servers/%s" % server_id)
    recovery.demo.wait_for_deleted(server_id)
    # The conductor died between deleting the server and its claim.
    allocations.claim(recovery.ctx(), server_id, "demo", "demo", {
        provider: dict(resources) for provider, resources in held.items()})
    assert recovery.check() == {server_id: "allocations removed"}
    assert recovery.allocations(server_id) == {}
