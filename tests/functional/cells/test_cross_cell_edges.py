"""Edges of a move between cells, on the two-cell all-in-one of
cross_cell_env, on every backend: a move whose conductor stops at
several points settled by the check for stuck servers, metadata and tags
changed in VERIFY_RESIZE kept by a revert, and a list during the switch.
"""
import threading

import pytest

from stratus.db.types import utcnow
from stratus.objects import cross_cell
from stratus.objects import instance_mapping as instance_mapping_obj
from tests.functional.cells.cross_cell_env import MOVER

pytestmark = pytest.mark.slow


class _Died(Exception):
    """The conductor driving the move stops here."""


def _stop_conductor_at(env, monkeypatch, name, when):
    """Make the super conductor stop driving the move (no roll back, as
    when its process dies) at the call of cross_cell.name for which
    when(args) is true, after the call when when says 'after'."""
    task = env.super_conductor().migrate_task
    real_roll_back = task.roll_back
    real = getattr(cross_cell, name)
    stopped = []

    def roll_back(cctx, instance, migration, exc, *args, **kwargs):
        if isinstance(exc, _Died):
            return None
        return real_roll_back(cctx, instance, migration, exc, *args,
                              **kwargs)

    def hooked(*args, **kwargs):
        point = None if stopped else when(args)
        if point == "before":
            stopped.append(args)
            raise _Died()
        result = real(*args, **kwargs)
        if point == "after":
            stopped.append(args)
            raise _Died()
        return result
    monkeypatch.setattr(task, "roll_back", roll_back)
    monkeypatch.setattr(cross_cell, name, hooked)
    return stopped


def _cell(env, name):
    return next(cell.uuid for cell in env.cloud.cells if cell.name == name)


@pytest.mark.parametrize("name, point", [
    # after the copy, before the destination prepares
    ("copy_instance", "after"),
    # the destination finished, the switch not begun
    ("sync_actions", "before"),
    # the target's copy shown, the mapping not moved
    ("set_hidden", "shown"),
    # the switch done (the source's copy hidden), the move not finished
    ("set_hidden", "hidden")])
def test_a_move_its_conductor_left_is_rolled_back(env, monkeypatch, name,
                                                   point):
    server_id = env.boot("compute1")["id"]
    cell2 = _cell(env, "cell2")

    def when(args):
        if name != "set_hidden":
            return point
        # set_hidden(ctx, uuid, cell, hidden)
        if point == "shown" and args[2] == cell2 and not args[3]:
            return "after"
        if point == "hidden" and args[3]:
            return "after"
        return None
    stopped = _stop_conductor_at(env, monkeypatch, name, when)
    env.act(server_id, {"migrate": {"host": "compute2"}}, roles=MOVER,
            version="2.56")
    for _ in range(1500):
        if stopped:
            break
        threading.Event().wait(0.02)
    assert stopped, "the move did not reach the point"
    monkeypatch.undo()
    # The check for stuck servers settles it (the conductor's process
    # is taken as dead: what changed before now is past its deadline).
    done = env.super_conductor().check_stuck_states(
        env.ctx, abandoned_before=utcnow())
    assert done.get(server_id) == "move rolled back", done
    back = env.settled(server_id, {"ACTIVE", "ERROR"})
    assert (back["status"], back["OS-EXT-SRV-ATTR:host"]) == (
        "ACTIVE", "compute1")
    assert env.cell_of(server_id) == "cell1"
    assert env.copies(server_id) == {"cell1": False}
    assert env.guest("compute1", server_id).power_state == 1
    assert env.guest("compute2", server_id) is None
    assert [s["id"] for s in env.api.get("/servers")["servers"]] == [
        server_id]
    migration, = env.migrations(server_id)
    assert migration["status"] == "error"
    # Usable: it moves again, and stops and starts.
    env.act(server_id, {"migrate": {"host": "compute2"}}, roles=MOVER,
            version="2.56")
    moved = env.settled(server_id, {"VERIFY_RESIZE", "ERROR"})
    assert moved["OS-EXT-SRV-ATTR:host"] == "compute2"
    env.act(server_id, {"confirmResize": None})
    env.settled(server_id, {"ACTIVE"})
    env.act(server_id, {"os-stop": None})
    env.settled(server_id, {"SHUTOFF"})
    assert env.copies(server_id) == {"cell2": False}


def test_what_its_owner_changed_during_the_move_stays(env, monkeypatch):
    """A tag added while the move runs (on the source cell's copy, before
    the switch) is in the target cell after it; the name, description and
    lock changed in VERIFY_RESIZE (on the target's copy) survive a revert.
    (Metadata and tags cannot change in VERIFY_RESIZE, as in Nova.)"""
    server_id = env.boot("compute1")["id"]
    env.api.put("/servers/%s/metadata" % server_id,
                {"metadata": {"before": "move"}})
    env.api.put("/servers/%s/tags/kept" % server_id, None, version="2.26")
    real_sync = cross_cell.sync_actions
    added = []

    def sync_actions(*args):
        if not added:  # the first step of the switch
            env.api.put("/servers/%s/tags/during" % server_id, None,
                        version="2.26")
            added.append(args)
        return real_sync(*args)
    monkeypatch.setattr(cross_cell, "sync_actions", sync_actions)
    env.act(server_id, {"migrate": {"host": "compute2"}}, roles=MOVER,
            version="2.56")
    env.settled(server_id, {"VERIFY_RESIZE"})
    assert added and env.cell_of(server_id) == "cell2"
    assert sorted(env.api.get("/servers/%s/tags" % server_id,
                              version="2.26")["tags"]) == ["during", "kept"]
    env.api.put("/servers/%s" % server_id, {"server": {
        "name": "renamed", "description": "in verify"}}, version="2.19")
    env.act(server_id, {"lock": None})
    env.act(server_id, {"revertResize": None})
    back = env.settled(server_id, {"ACTIVE", "ERROR"})
    assert (back["status"], env.cell_of(server_id)) == ("ACTIVE", "cell1")
    back = env.api.get("/servers/%s" % server_id, version="2.26")["server"]
    assert (back["name"], back["description"], back["locked"]) == (
        "renamed", "in verify", True)
    assert sorted(back["tags"]) == ["during", "kept"]
    assert back["metadata"] == {"before": "move"}


def test_a_list_during_the_switch_shows_the_server_once(env, monkeypatch):
    """Between every two writes of the switch (and of the revert's), a
    list of servers shows the server once, as its mapped cell has it."""
    server_id = env.boot("compute1")["id"]
    seen = []

    def listing(step):
        servers = env.api.get("/servers/detail")["servers"]
        mapped = instance_mapping_obj.InstanceMapping.get_by_instance_uuid(
            env.ctx, server_id).cell_uuid
        seen.append((step, [(s["id"], s["OS-EXT-SRV-ATTR:host"])
                            for s in servers], mapped))

    def listed_after(name):
        real = getattr(cross_cell, name)

        def call(*args, **kwargs):
            result = real(*args, **kwargs)
            listing(name)
            return result
        monkeypatch.setattr(cross_cell, name, call)
    for name in ("sync_actions", "sync_user_data", "set_hidden",
                 "purge_instance"):
        listed_after(name)
    real_save = instance_mapping_obj.InstanceMapping.save

    def save(self):
        real_save(self)
        listing("mapping")
    monkeypatch.setattr(instance_mapping_obj.InstanceMapping, "save", save)
    env.act(server_id, {"migrate": {"host": "compute2"}}, roles=MOVER,
            version="2.56")
    env.settled(server_id, {"VERIFY_RESIZE"})
    env.act(server_id, {"revertResize": None})
    env.settled(server_id, {"ACTIVE"})
    steps = [step for step, _, _ in seen]
    assert {"set_hidden", "mapping", "purge_instance"} <= set(steps)
    # Once, and the copy of the mapped cell (its host).
    hosts = {_cell(env, "cell1"): "compute1", _cell(env, "cell2"): "compute2"}
    assert [listed for _, listed, _ in seen] == [
        [(server_id, hosts[mapped])] for _, _, mapped in seen]
