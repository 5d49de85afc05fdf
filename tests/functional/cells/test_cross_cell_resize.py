"""Resize and cold migration between cells through the Compute API, on
an all-in-one of two cells (compute1 and compute3 in cell1, compute2 and
compute4 in cell2), on every backend.

The policy compute:servers:resize:cross_cell is given here to callers
with the role ``cross_cell_mover`` (nobody has it by default): the same
request without it stays in the server's cell.
"""
import threading

import pytest

from stratus.db.types import utcnow
from stratus.objects import cross_cell
from stratus import exception
from tests.functional.cells.cross_cell_env import MOVER

pytestmark = pytest.mark.slow

class _Watch:
    """GETs the server over and over while a move runs."""

    def __init__(self, api, server_id):
        self.statuses = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run,
                                        args=(api, server_id), daemon=True)
        self._thread.start()

    def _run(self, api, server_id):
        while not self._stop.is_set():
            response = api.request("GET", "/v2.1/servers/%s" % server_id)
            self.statuses.append(response.status_int)
            self._stop.wait(0.005)

    def stop(self):
        self._stop.set()
        self._thread.join()
        return set(self.statuses)


def test_cold_migrate_into_another_cell_and_confirm(env):
    server = env.boot("compute1")
    server_id = server["id"]
    # Without the policy, the host of the other cell is out of reach:
    # the move fails and the server stays where it is.
    env.act(server_id, {"migrate": {"host": "compute2"}}, version="2.56")
    stayed = env.settled(server_id, {"ACTIVE", "ERROR"})
    assert (stayed["status"], stayed["OS-EXT-SRV-ATTR:host"]) == (
        "ACTIVE", "compute1")
    assert env.cell_of(server_id) == "cell1"
    refused, = env.migrations(server_id)
    assert refused["status"] == "error"
    # With it, the server moves to cell2, its records with it.
    watch = _Watch(env.api, server_id)
    env.act(server_id, {"migrate": {"host": "compute2"}}, roles=MOVER,
            version="2.56")
    moved = env.settled(server_id, {"VERIFY_RESIZE", "ACTIVE", "ERROR"})
    assert watch.stop() == {200}
    assert (moved["status"], moved["OS-EXT-SRV-ATTR:host"]) == (
        "VERIFY_RESIZE", "compute2")
    assert moved["id"] == server_id
    assert env.cell_of(server_id) == "cell2"
    assert env.copies(server_id) == {"cell1": True, "cell2": False}
    assert env.guest("compute2", server_id).power_state == 1
    listed = env.api.get("/servers/detail")["servers"]
    assert [s["id"] for s in listed] == [server_id]
    finished = [m for m in env.migrations(server_id)
                if m["status"] == "finished"]
    assert [(m["source_compute"], m["dest_compute"], m["migration_type"])
            for m in finished] == [("compute1", "compute2", "migration")]
    # The check for stuck servers leaves the hidden copy alone (its task
    # is the move's, which the shown copy has ended).
    assert server_id not in env.super_conductor().check_stuck_states(
        env.ctx, abandoned_before=utcnow())
    assert env.api.server(server_id)["status"] == "VERIFY_RESIZE"
    assert env.guest("compute2", server_id).power_state == 1
    env.act(server_id, {"confirmResize": None})
    confirmed = env.settled(server_id, {"ACTIVE", "ERROR"})
    assert (confirmed["status"], confirmed["OS-EXT-SRV-ATTR:host"]) == (
        "ACTIVE", "compute2")
    assert env.copies(server_id) == {"cell2": False}
    assert env.guest("compute1", server_id) is None
    assert sorted(m["status"] for m in env.migrations(server_id)) == [
        "confirmed", "error"]
    actions = env.actions(server_id)
    assert [name for name, _ in actions] == [
        "create", "migrate", "migrate", "confirmResize"]
    migrated = actions[2][1]
    assert {"conductor_migrate_server", "compute_prep_resize",
            "compute_resize_instance", "compute_finish_resize"} <= set(
        migrated)
    assert set(migrated.values()) == {"Success"}
    assert actions[3][1] == {"conductor_confirm_resize": "Success",
                             "compute_confirm_resize": "Success"}
    # The server's next actions are recorded in its new cell.
    env.act(server_id, {"os-stop": None})
    env.settled(server_id, {"SHUTOFF"})
    env.act(server_id, {"os-start": None})
    env.settled(server_id, {"ACTIVE"})
    assert [(name, set(events.values())) for name, events in
            env.actions(server_id)[-2:]] == [("stop", {"Success"}),
                                             ("start", {"Success"})]
    # A move with room in its own cell stays there (CrossCellWeigher),
    # even when it may cross.
    env.act(server_id, {"migrate": None}, roles=MOVER)
    again = env.settled(server_id, {"VERIFY_RESIZE", "ERROR"})
    assert again["OS-EXT-SRV-ATTR:host"] == "compute4"
    assert env.cell_of(server_id) == "cell2"
    env.act(server_id, {"confirmResize": None})
    env.settled(server_id, {"ACTIVE"})


def test_resize_into_another_cell_and_revert(env):
    server = env.boot("compute1")
    server_id = server["id"]
    # cell1 has no other host for it.
    env.api.put("/os-services/%s" % _service_id(env, "compute3"),
                {"status": "disabled", "disabled_reason": "full"},
                version="2.53")
    env.act(server_id, {"resize": {"flavorRef": "2"}}, roles=MOVER)
    resized = env.settled(server_id, {"VERIFY_RESIZE", "ACTIVE", "ERROR"})
    assert resized["status"] == "VERIFY_RESIZE", resized
    dest = resized["OS-EXT-SRV-ATTR:host"]
    assert dest in ("compute2", "compute4")
    assert resized["flavor"]["original_name"] == "m1.small"
    assert env.cell_of(server_id) == "cell2"
    watch = _Watch(env.api, server_id)
    env.act(server_id, {"revertResize": None})
    reverted = env.settled(server_id, {"ACTIVE", "ERROR"})
    assert watch.stop() == {200}
    assert (reverted["status"], reverted["OS-EXT-SRV-ATTR:host"],
            reverted["flavor"]["original_name"]) == (
        "ACTIVE", "compute1", "m1.tiny")
    assert env.cell_of(server_id) == "cell1"
    assert env.copies(server_id) == {"cell1": False}
    assert env.guest(dest, server_id) is None
    assert env.guest("compute1", server_id).power_state == 1
    migration, = env.migrations(server_id)
    assert (migration["status"], migration["dest_compute"]) == (
        "reverted", dest)
    actions = env.actions(server_id)
    assert [name for name, _ in actions] == ["create", "resize",
                                             "revertResize"]
    assert set(actions[1][1].values()) == {"Success"}
    assert "compute_finish_resize" in actions[1][1]
    assert actions[2][1] == dict.fromkeys(
        ["conductor_revert_resize", "compute_revert_resize",
         "compute_finish_revert_resize"], "Success")
    # Without the policy the same resize stays in cell1, which has no
    # room: NoValidHost, and the server stays as it was.
    env.act(server_id, {"resize": {"flavorRef": "2"}})
    refused = env.settled(server_id, {"ACTIVE", "VERIFY_RESIZE", "ERROR"})
    assert (refused["status"], refused["OS-EXT-SRV-ATTR:host"]) == (
        "ACTIVE", "compute1")
    assert env.cell_of(server_id) == "cell1"


def _service_id(env, host):
    service, = env.api.get("/os-services?host=%s&binary=nova-compute"
                           % host, version="2.53")["services"]
    return service["id"]


def test_a_switch_cut_short_rolls_back_to_the_source(env, monkeypatch):
    server = env.boot("compute1")
    server_id = server["id"]
    real_sync = cross_cell.sync_actions
    calls = []

    def sync_once_failing(*args):
        calls.append(args)
        if len(calls) == 1:
            raise exception.DatabaseUnreachable()
        return real_sync(*args)
    monkeypatch.setattr(cross_cell, "sync_actions", sync_once_failing)
    env.act(server_id, {"migrate": {"host": "compute2"}}, roles=MOVER,
            version="2.56")
    back = env.settled(server_id, {"ACTIVE", "VERIFY_RESIZE", "ERROR"})
    assert (back["status"], back["OS-EXT-SRV-ATTR:host"]) == (
        "ACTIVE", "compute1")
    assert calls, "the switch was not reached"
    assert env.cell_of(server_id) == "cell1"
    assert env.copies(server_id) == {"cell1": False}
    assert [s["id"] for s in env.api.get("/servers")["servers"]] == [
        server_id]
    assert env.guest("compute1", server_id).power_state == 1
    assert env.guest("compute2", server_id) is None


def test_a_move_failing_in_the_target_cell_rolls_back_to_the_source(env):
    server = env.boot("compute1")
    server_id = server["id"]
    compute2 = next(svc for svc in env.cloud.computes
                    if svc.host == "compute2").manager.driver
    compute2.inject_failure("finish_migration", server_id)
    env.act(server_id, {"migrate": {"host": "compute2"}}, roles=MOVER,
            version="2.56")
    back = env.settled(server_id, {"ACTIVE", "VERIFY_RESIZE", "ERROR"})
    assert (back["status"], back["OS-EXT-SRV-ATTR:host"]) == (
        "ACTIVE", "compute1")
    assert env.cell_of(server_id) == "cell1"
    # The target cell's copy is gone, the source's is the server.
    assert env.copies(server_id) == {"cell1": False}
    assert env.guest("compute1", server_id).power_state == 1
    assert env.guest("compute2", server_id) is None
    failed, = env.migrations(server_id)
    assert failed["status"] == "error"
    migrate_events = env.actions(server_id)[-1][1]
    assert migrate_events["compute_finish_resize"] == "Error"
    # Once the destination works, the same move goes through.
    compute2.clear_failures()
    env.act(server_id, {"migrate": {"host": "compute2"}}, roles=MOVER,
            version="2.56")
    moved = env.settled(server_id, {"VERIFY_RESIZE", "ERROR"})
    assert moved["OS-EXT-SRV-ATTR:host"] == "compute2"
    assert env.copies(server_id) == {"cell1": True, "cell2": False}


def test_a_live_migration_stays_in_its_cell(env):
    server = env.boot("compute1")
    server_id = server["id"]
    response = env.api.request(
        "POST", "/v2.1/servers/%s/action" % server_id,
        {"os-migrateLive": {"host": "compute2", "block_migration": "auto"}},
        version="2.30", headers={"X-Roles": MOVER})
    assert response.status_int in (202, 400), response.text
    stayed = env.settled(server_id, {"ACTIVE", "ERROR"})
    assert (stayed["status"], stayed["OS-EXT-SRV-ATTR:host"]) == (
        "ACTIVE", "compute1")
    assert env.cell_of(server_id) == "cell1"
    # In its cell it goes (the scheduler picks compute3).
    env.act(server_id, {"os-migrateLive": {"host": None,
                                           "block_migration": "auto"}},
            version="2.30")
    moved = env.settled(server_id, {"ACTIVE", "ERROR"})
    assert (moved["status"], moved["OS-EXT-SRV-ATTR:host"]) == (
        "ACTIVE", "compute3")


def _volume_in(env, volume_id, status):
    for _ in range(500):
        shown = env.api.get("/os-volumes/%s" % volume_id,
                            version="2.35")["volume"]
        if shown["status"] == status:
            return shown
        threading.Event().wait(0.02)
    raise AssertionError(shown)


def _volume(env):
    volume = env.api.post("/os-volumes", {"volume": {"size": 1}},
                          version="2.35")["volume"]
    return _volume_in(env, volume["id"], "available")["id"]


def _guest_volumes(env, host, server_id):
    compute = next(svc for svc in env.cloud.computes if svc.host == host)
    return set(held["volume_id"] for held in
               compute.manager.driver.guest_volumes(server_id).values())


def test_an_attached_volume_moves_with_the_server(env):
    server = env.boot("compute1")
    server_id = server["id"]
    volume_id = _volume(env)
    env.api.post("/servers/%s/os-volume_attachments" % server_id,
                 {"volumeAttachment": {"volumeId": volume_id}})
    _volume_in(env, volume_id, "in-use")
    assert _guest_volumes(env, "compute1", server_id) == {volume_id}
    env.act(server_id, {"migrate": {"host": "compute2"}}, roles=MOVER,
            version="2.56")
    moved = env.settled(server_id, {"VERIFY_RESIZE", "ACTIVE", "ERROR"})
    assert moved["status"] == "VERIFY_RESIZE", moved
    assert _guest_volumes(env, "compute2", server_id) == {volume_id}
    env.act(server_id, {"revertResize": None})
    back = env.settled(server_id, {"ACTIVE", "ERROR"})
    assert (back["status"], back["OS-EXT-SRV-ATTR:host"]) == (
        "ACTIVE", "compute1")
    assert _guest_volumes(env, "compute1", server_id) == {volume_id}
    env.act(server_id, {"migrate": {"host": "compute2"}}, roles=MOVER,
            version="2.56")
    env.settled(server_id, {"VERIFY_RESIZE"})
    env.act(server_id, {"confirmResize": None})
    env.settled(server_id, {"ACTIVE"})
    assert _guest_volumes(env, "compute2", server_id) == {volume_id}
    attached = env.api.get("/servers/%s/os-volume_attachments"
                           % server_id)["volumeAttachments"]
    assert [a["volumeId"] for a in attached] == [volume_id]
    _volume_in(env, volume_id, "in-use")
    # Detached in its new cell.
    env.api.delete("/servers/%s/os-volume_attachments/%s"
                   % (server_id, volume_id))
    for _ in range(500):
        if not _guest_volumes(env, "compute2", server_id):
            break
        threading.Event().wait(0.02)
    assert _guest_volumes(env, "compute2", server_id) == set()
