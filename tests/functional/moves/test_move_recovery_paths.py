"""The stuck check and the live migrations and evacuations whose conductor
stopped, on SQLite (the fast counterpart of test_live_move_recovery.py):
a copy abandoned while running is rolled back and its destination
cleaned, one whose copy still reports progress is left, an evacuation
abandoned after a forced claim goes back to its source, a rebuild that
is not an evacuation is left to its live compute."""
import time

from stratus.objects import migration as migration_obj
from tests.functional.moves import conftest as moves_conftest
from tests.functional.moves.test_live_move_recovery import _begun
from tests.functional.moves.test_live_move_recovery import (
    live_migration_prepared)

Step = migration_obj.Step
Status = migration_obj.Status
TaskState = migration_obj.fields.TaskState
TINY = {"DISK_GB": 1, "MEMORY_MB": 512, "VCPU": 1}


def _copying(env, server_id, dest):
    """A live migration run by hand up to its copy (not started)."""
    task, cctx, instance, migration, _block = live_migration_prepared(
        env, server_id, dest)
    task._advance(migration, Status.PREPARING, Status.RUNNING,
                  Step.MIGRATING)
    return migration


def test_a_live_migration_abandoned_while_copying_is_rolled_back(stopping):
    env = stopping
    server = env.active()
    source, dest = env.other_host(server)
    migration = _copying(env, server["id"], dest)
    assert env.driver(dest).incoming_guest(server["id"]) is not None
    assert moves_conftest.check_after_deadline(env) == {
        server["id"]: "live migration rolled back"}
    back = env.wait(server["id"], {"ACTIVE"})
    assert back["OS-EXT-SRV-ATTR:host"] == source
    assert env.driver(dest).incoming_guest(server["id"]) is None
    assert env.migrations(server["id"])[0]["status"] == "error"
    assert env.used() == {source: TINY}
    assert env.allocations(migration.uuid) == {}


def test_a_copy_that_still_reports_progress_is_left(stopping):
    env = stopping
    server = env.active()
    source, dest = env.other_host(server)
    migration = _copying(env, server["id"], dest)
    # The server is past its deadline, but its copy just reported.
    time.sleep(1.2)
    migration.memory_processed = 512 * 1024 * 1024 // 5
    migration.save()
    assert env.conductor.stuck_states.run(env.ctx()) == {}
    assert env.admin.server(server["id"])["OS-EXT-STS:task_state"] == (
        "migrating")
    assert env.used() == {source: TINY, dest: TINY}
    # Silent past the deadline: rolled back.
    assert moves_conftest.check_after_deadline(env) == {
        server["id"]: "live migration rolled back"}
    assert env.used() == {source: TINY}


def test_an_evacuation_abandoned_after_a_forced_claim_goes_back(stopping):
    env = stopping
    server = env.active()
    source, dest = env.other_host(server)
    env.host_down(source)
    task = env.conductor.evacuate_task
    cctx, instance = _begun(env, server["id"], TaskState.REBUILDING,
                            "evacuate")
    migration = task.create_migration(
        cctx, instance, migration_obj.EVACUATION, instance.flavor,
        instance.flavor, status=Status.ACCEPTED)
    task.claim_forced(cctx, instance, migration, dest)
    migration.save()
    assert env.used() == {source: TINY, dest: TINY}
    assert moves_conftest.check_after_deadline(env) == {
        server["id"]: "evacuation rolled back"}
    back = env.wait(server["id"], {"ACTIVE"})
    assert back["OS-EXT-SRV-ATTR:host"] == source
    assert env.migrations(server["id"])[0]["status"] == "error"
    assert env.used() == {source: TINY}
    env.host_back(source)


def test_a_rebuild_that_is_no_evacuation_is_left_to_its_compute(stopping):
    env = stopping
    server = env.active()
    source, dest = env.other_host(server)
    # An evacuation that ended: not the one a rebuild task now belongs to.
    env.host_down(source)
    env.evacuate(server["id"])
    env.wait(server["id"], {"ACTIVE"})
    env.host_back(source)
    _begun(env, server["id"], TaskState.REBUILDING, "rebuild")
    assert moves_conftest.check_after_deadline(env) == {}
    assert env.admin.server(server["id"])["OS-EXT-STS:task_state"] == (
        "rebuilding")
