"""The conductor manager's RPC methods that the fast tests of moves did
not reach, on SQLite: a cold migration confirmed and one reverted, resizes
confirmed past their window, shelve and unshelve, and the database proxy a
compute calls (action events, migration saves, evacuations of a host), a
database that stays unreachable."""
import logging

import oslo_messaging
import pytest

from stratus.conductor.tasks import evacuate
from stratus import exception
from stratus.objects import migration as migration_obj

TINY = {"DISK_GB": 1, "MEMORY_MB": 512, "VCPU": 1}


def _migration(env, migration_id):
    """The Migration as its cell's database holds it."""
    ctx = env.ctx()
    with ctx.target_cell(env.cell_of(
            env.migrations()[0]["instance_uuid"])) as cctx:
        return migration_obj.Migration.get_by_id(cctx, migration_id)


def _cold_migrate(env, server_id):
    assert env.act(server_id, {"migrate": None},
                   client=env.admin).status_int == 202
    return env.wait(server_id, {"VERIFY_RESIZE"})


def test_a_cold_migration_confirmed_and_one_reverted(moves_sqlite):
    env = moves_sqlite
    server = env.active()
    source, dest = env.other_host(server)
    assert _cold_migrate(env, server["id"])["OS-EXT-SRV-ATTR:host"] == dest
    assert env.used() == {source: TINY, dest: TINY}
    assert env.act(server["id"], {"confirmResize": None}).status_int == 204
    assert env.wait(server["id"], {"ACTIVE"})["OS-EXT-SRV-ATTR:host"] == dest
    assert env.used_settle({dest: TINY}) == {dest: TINY}
    assert _cold_migrate(env, server["id"])["OS-EXT-SRV-ATTR:host"] == source
    assert env.act(server["id"], {"revertResize": None}).status_int == 202
    assert env.wait(server["id"], {"ACTIVE"})["OS-EXT-SRV-ATTR:host"] == dest
    assert env.used_settle({dest: TINY}) == {dest: TINY}
    assert [m["status"] for m in env.migrations(server["id"])] == [
        "reverted", "confirmed"]


def test_resizes_waiting_past_the_window_are_confirmed(moves_sqlite):
    env = moves_sqlite
    server = env.active()
    source, dest = env.other_host(server)
    _cold_migrate(env, server["id"])
    conductor = env.conductor
    # A host without a mapping is looked for in the conductor's cell.
    assert conductor.confirm_stale_resizes(env.ctx(), "unmapped", 0) == 0
    assert conductor.confirm_stale_resizes(env.ctx(), dest, 3600) == 0
    assert conductor.confirm_stale_resizes(env.ctx(), dest, 0) == 1
    assert env.wait(server["id"], {"ACTIVE"})["OS-EXT-SRV-ATTR:host"] == dest
    assert env.used_settle({dest: TINY}) == {dest: TINY}
    assert env.migrations(server["id"])[0]["status"] == "confirmed"


def test_shelved_offloaded_then_unshelved(moves_sqlite):
    env = moves_sqlite
    server = env.active()
    assert env.act(server["id"], {"shelve": None}).status_int == 202
    offloaded = env.wait(server["id"], {"SHELVED_OFFLOADED"})
    assert offloaded["OS-EXT-SRV-ATTR:host"] is None
    assert env.used() == {}
    assert env.act(server["id"], {"unshelve": None}).status_int == 202
    back = env.wait(server["id"], {"ACTIVE"})
    assert env.used() == {back["OS-EXT-SRV-ATTR:host"]: TINY}


def test_the_database_proxy_a_compute_calls(moves_sqlite):
    env = moves_sqlite
    server = env.active()
    source, dest = env.other_host(server)
    conductor = env.conductor
    action, = env.admin.get("/servers/%s/os-instance-actions"
                            % server["id"])["instanceActions"]
    ctx = env.ctx()
    ctx.request_id = action["request_id"]
    conductor.action_event_start(ctx, server["id"], "compute_probe", source)
    conductor.action_event_finish(ctx, server["id"], "compute_probe",
                                  source, "Success")
    assert env.events(server["id"], "create")["compute_probe"][
        "result"] == "Success"
    # What the compute hears of a server that is gone (RPC's expected
    # exceptions carry it).
    with pytest.raises(oslo_messaging.ExpectedException) as raised:
        conductor.action_event_start(ctx, "no-such-server", "x", source)
    assert isinstance(raised.value.exc_info[1], exception.NotFound)
    # A compute's save of a migration (its progress, say).
    env.host_down(source)
    env.evacuate(server["id"])
    env.wait(server["id"], {"ACTIVE"})
    done, = conductor.evacuations_done(ctx, source)
    assert done.instance_uuid == server["id"]
    done.memory_total = 512
    conductor.migration_save(ctx, done)
    assert _migration(env, done.id).memory_total == 512
    assert list(conductor.evacuations_done(ctx, "unmapped")) == []
    assert [i.uuid for i in conductor.instances_on_host(ctx, dest)] == [
        server["id"]]
    # Cleaned by hand (its compute stays down): the migration completes,
    # and a second clean finds it completed.
    conductor.evacuation_cleaned(ctx, done)
    assert env.migrations(server["id"])[0]["status"] == "completed"
    again = _migration(env, done.id)
    again.status = migration_obj.Status.DONE
    assert conductor.evacuation_cleaned(ctx, again).status == "completed"
    assert env.used() == {dest: TINY}
    env.host_back(source)


def test_a_database_that_stays_unreachable_fails_the_call(
        moves_sqlite, monkeypatch, caplog):
    env = moves_sqlite
    conductor = env.conductor
    env.cloud.conf.set_override("db_retry_seconds", 0, group="conductor")

    def unreachable(cctx, host):
        raise exception.DatabaseUnreachable()
    monkeypatch.setattr(evacuate, "evacuations_done", unreachable)
    with caplog.at_level(logging.WARNING):
        with pytest.raises(oslo_messaging.ExpectedException):
            conductor.evacuations_done(env.ctx(), "stratus-test")
    assert "evacuations_done failed: a database was lost, or stayed " \
        "unreachable" in (
        caplog.text)
