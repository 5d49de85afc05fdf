"""A move whose conductor stopped in the middle (here: the conductor
task's own steps run by hand up to a step, then abandoned) is settled by
the conductor's stuck check from the step saved on its migration: rolled
back to the source with placement exactly as before, or its confirm done
again."""

import pytest

from stratus import context
from stratus.objects import flavor as flavor_obj
from stratus.objects import instance as instance_obj
from stratus.objects import instance_action
from stratus.objects import instance_mapping
from stratus.objects import migration as migration_obj
from tests.functional.moves import conftest as moves_conftest

pytestmark = pytest.mark.slow

Step = migration_obj.Step
Status = migration_obj.Status
TaskState = instance_obj.fields.TaskState


def _abandoned_at(env, server_id, last_step):
    """Run the resize task's steps for server_id up to last_step (its
    work done), as a conductor that then died would have."""
    task = env.conductor.migrate_task
    ctx = context.get_admin_context(env.cloud.databases)
    ctx.request_id = "req-abandoned"
    cell = instance_mapping.InstanceMapping.get_by_instance_uuid(
        ctx, server_id).cell_uuid
    with ctx.target_cell(cell) as cctx:
        instance = instance_obj.Instance.get_by_uuid(
            cctx, server_id, expected_attrs=["system_metadata"])
        instance.task_state = TaskState.RESIZE_PREP
        instance.save(expected_task_state=[None])
        instance_action.InstanceAction.action_start(cctx, server_id,
                                                    "resize")
        new = flavor_obj.Flavor.get_by_flavor_id(cctx, "2")
        migration = task.create_migration(
            cctx, instance, migration_obj.RESIZE, instance.flavor, new)
        selection = task.select_destination(
            cctx, instance, migration, task.request_spec(cctx, instance, new),
            ignore_hosts=(instance.host,))[0]
        task.save_step(instance, migration, Step.PREPARING)
        task.compute.prep_resize(cctx, selection.service_host, instance,
                                 migration, new)
        if last_step == Step.PREPARING:
            return migration
        task.save_step(instance, migration, Step.MIGRATING,
                       status=Status.MIGRATING,
                       task_state=TaskState.RESIZE_MIGRATING)
        disk_info = task.compute.resize_instance(
            cctx, migration.source_compute, instance, migration, new)
        if last_step == Step.MIGRATING:
            return migration
        task.save_step(instance, migration, Step.FINISHING,
                       status=Status.POST_MIGRATING,
                       task_state=TaskState.RESIZE_FINISH,
                       host=selection.service_host, node=selection.nodename)
        moved = instance.obj_clone()
        moved.flavor = new
        task.compute.finish_resize(cctx, selection.service_host, moved,
                                   migration, disk_info, True)
        return migration


@pytest.mark.parametrize("last_step", [Step.PREPARING, Step.MIGRATING,
                                       Step.FINISHING])
def test_an_abandoned_move_is_rolled_back(stopping, last_step):
    env = stopping
    server = env.active(flavor="1")
    server_id, source = server["id"], server["OS-EXT-SRV-ATTR:host"]
    other = next(host for host in env.computes if host != source)
    before = env.usages()
    migration = _abandoned_at(env, server_id, last_step)
    assert env.allocations(migration.uuid) != {}
    done = moves_conftest.check_after_deadline(env)
    assert done == {server_id: "move rolled back"}
    server = env.wait(server_id, {"ACTIVE"})
    assert server["OS-EXT-SRV-ATTR:host"] == source
    assert server["flavor"]["original_name"] == "m1.tiny"
    assert env.usages() == before
    assert env.allocations(migration.uuid) == {}
    listed, = env.migrations(server_id)
    assert listed["status"] == "error"
    assert env.driver(source).guest(server_id).power_state == 1
    assert env.driver(other).guest(server_id) is None
    # Nothing left for a second pass.
    assert moves_conftest.check_after_deadline(env) == {}


def test_an_abandoned_confirm_is_done_again(stopping):
    env = stopping
    server = env.active(flavor="1")
    server_id, source = server["id"], server["OS-EXT-SRV-ATTR:host"]
    env.act(server_id, {"resize": {"flavorRef": "2"}})
    resized = env.wait(server_id, {"VERIFY_RESIZE"})
    # The API began the confirm; its conductor never ran it.
    ctx = context.get_admin_context(env.cloud.databases)
    cell = instance_mapping.InstanceMapping.get_by_instance_uuid(
        ctx, server_id).cell_uuid
    with ctx.target_cell(cell) as cctx:
        instance = instance_obj.Instance.get_by_uuid(
            cctx, server_id, expected_attrs=["system_metadata"])
        migration = migration_obj.Migration.get_by_instance_and_status(
            cctx, server_id, Status.FINISHED)
        migration_obj.begin_confirm(cctx, instance, migration)
    assert moves_conftest.check_after_deadline(env) == {server_id: "move confirmed"}
    server = env.wait(server_id, {"ACTIVE"})
    assert server["OS-EXT-SRV-ATTR:host"] == resized["OS-EXT-SRV-ATTR:host"]
    assert env.migrations(server_id)[0]["status"] == "confirmed"
    assert env.allocations(migration.uuid) == {}
    assert env.usages()[source] == {"DISK_GB": 0, "MEMORY_MB": 0, "VCPU": 0}
