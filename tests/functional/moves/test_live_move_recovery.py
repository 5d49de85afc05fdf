"""Live migrations, evacuations and unshelves whose conductor stopped in
the middle (their task's steps run by hand up to a step, then abandoned)
are settled by the conductor's stuck check past [conductor] move_timeout:
rolled back (or finished, once the guest had left its source), placement
exactly as before or after."""

import pytest

from stratus import context
from stratus.objects import instance as instance_obj
from stratus.objects import instance_action
from stratus.objects import instance_mapping
from stratus.objects import migration as migration_obj
from stratus.objects import request_spec as request_spec_obj
from tests.functional.moves import conftest as moves_conftest

pytestmark = pytest.mark.slow

Step = migration_obj.Step
Status = migration_obj.Status
TaskState = instance_obj.fields.TaskState
TINY = {"DISK_GB": 1, "MEMORY_MB": 512, "VCPU": 1}


def _begun(env, server_id, task_state, action):
    """(cctx, instance) with the server's task set and its action
    recorded, as the API leaves them."""
    ctx = context.get_admin_context(env.cloud.databases)
    ctx.request_id = "req-abandoned-%s" % action
    cell = instance_mapping.InstanceMapping.get_by_instance_uuid(
        ctx, server_id).cell_uuid
    cctx = ctx.target_cell(cell).__enter__()
    instance = instance_obj.Instance.get_by_uuid(
        cctx, server_id, expected_attrs=["system_metadata"])
    instance.task_state = task_state
    instance.save(expected_task_state=[None])
    instance_action.InstanceAction.action_start(cctx, server_id, action)
    return cctx, instance


def live_migration_prepared(env, server_id, dest):
    """A live migration of the server to dest run by hand up to its
    destination's preparation: (task, cctx, instance, migration,
    block_migration)."""
    task = env.conductor.live_migrate_task
    cctx, instance = _begun(env, server_id, TaskState.MIGRATING,
                            "live-migration")
    migration = task.create_migration(
        cctx, instance, migration_obj.LIVE_MIGRATION, instance.flavor,
        instance.flavor, status=Status.ACCEPTED)
    block = task._check_and_claim(cctx, instance, migration, None, None,
                                  False)
    task._advance(migration, Status.ACCEPTED, Status.QUEUED,
                  Step.PREPARING)
    task._advance(migration, Status.QUEUED, Status.PREPARING,
                  Step.PREPARING)
    task.compute.pre_live_migration(cctx, dest, instance, migration, block)
    return task, cctx, instance, migration, block


@pytest.mark.parametrize("last_step", [Step.PREPARING, Step.FINISHING])
def test_an_abandoned_live_migration(stopping, last_step):
    env = stopping
    server = env.active()
    server_id, source = server["id"], server["OS-EXT-SRV-ATTR:host"]
    dest = next(host for host in env.computes if host != source)
    task, cctx, instance, migration, block = live_migration_prepared(
        env, server_id, dest)
    if last_step == Step.FINISHING:
        task._advance(migration, Status.PREPARING, Status.RUNNING,
                      Step.MIGRATING)
        task.compute.live_migration(cctx, instance, migration, block, 60)
        task.save_step(instance, migration, Step.FINISHING,
                       status=Status.POST_MIGRATING)
    assert env.used() == {source: TINY, dest: TINY}
    done = moves_conftest.check_after_deadline(env)
    server = env.wait(server_id, {"ACTIVE"})
    listed = env.migrations(server_id)[0]
    if last_step == Step.PREPARING:
        assert done == {server_id: "live migration rolled back"}
        assert server["OS-EXT-SRV-ATTR:host"] == source
        assert env.used() == {source: TINY}
        assert env.driver(dest).incoming_guest(server_id) is None
        assert env.driver(source).guest(server_id).power_state == 1
        assert listed["status"] == "error"
    else:
        assert done == {server_id: "live migration finished"}
        assert server["OS-EXT-SRV-ATTR:host"] == dest
        assert env.used() == {dest: TINY}
        assert env.driver(dest).guest(server_id).power_state == 1
        assert listed["status"] == "completed"
    assert env.allocations(migration.uuid) == {}
    assert moves_conftest.check_after_deadline(env) == {}


def test_an_abandoned_evacuation_goes_back_to_its_source(stopping):
    env = stopping
    server = env.active()
    server_id, source = server["id"], server["OS-EXT-SRV-ATTR:host"]
    env.service(source).stop()
    task = env.conductor.evacuate_task
    cctx, instance = _begun(env, server_id, TaskState.REBUILDING,
                            "evacuate")
    migration = task.create_migration(
        cctx, instance, migration_obj.EVACUATION, instance.flavor,
        instance.flavor, status=Status.ACCEPTED)
    selection = task.select_destination(
        cctx, instance, migration,
        task.request_spec(cctx, instance, instance.flavor),
        ignore_hosts=(source,))[0]
    task.save_step(instance, migration, Step.FINISHING,
                   status=Status.PRE_MIGRATING,
                   task_state=TaskState.REBUILD_SPAWNING,
                   host=selection.service_host, node=selection.nodename)
    assert env.used() == {source: TINY, selection.service_host: TINY}
    assert moves_conftest.check_after_deadline(env) == {
        server_id: "evacuation rolled back"}
    server = env.wait(server_id, {"ACTIVE"})
    assert server["OS-EXT-SRV-ATTR:host"] == source
    assert env.used() == {source: TINY}
    assert env.migrations(server_id)[0]["status"] == "error"
    env.service(source).start()


def test_an_abandoned_unshelve_is_undone(stopping):
    env = stopping
    server = env.active()
    server_id = server["id"]
    assert env.act(server_id, {"shelve": None}).status_int == 202
    env.wait(server_id, {"SHELVED_OFFLOADED"})
    assert env.used() == {}
    task = env.conductor.unshelve_task
    cctx, instance = _begun(env, server_id, TaskState.UNSHELVING,
                            "unshelve")
    spec = request_spec_obj.RequestSpec.get_by_instance_uuid(cctx,
                                                             server_id)
    # The scheduler claimed a host; the conductor died before using it.
    task.scheduler.select_destinations(cctx, spec, [server_id],
                                       return_alternates=False)
    assert list(env.used().values()) == [TINY]
    assert moves_conftest.check_after_deadline(env) == {server_id: "unshelve undone"}
    server = env.wait(server_id, {"SHELVED_OFFLOADED"})
    assert server["OS-EXT-SRV-ATTR:host"] is None
    assert env.used() == {}
    # It can be unshelved again.
    assert env.act(server_id, {"unshelve": None}).status_int == 202
    env.wait(server_id, {"ACTIVE"})
    assert list(env.used().values()) == [TINY]
