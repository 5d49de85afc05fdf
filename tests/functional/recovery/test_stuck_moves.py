"""Moves whose conductor task died, beyond what
tests/functional/moves/test_move_recovery.py covers: the rolled-back
move's action shows the failure, a woken dead task changes nothing, and
the claims of a half-deleted server's move go; through the API and
placement of the in-process cloud with two hosts."""
import datetime
import threading
import time

import pytest
import sqlalchemy as sa

from stratus.db import cell_models
from stratus.db.types import utcnow
from stratus.objects import cell_mapping as cell_mapping_obj
from stratus.objects import instance as instance_obj
from tests.functional.moves import conftest as moves_conftest

pytestmark = pytest.mark.slow

_I = cell_models.Instance.__table__


@pytest.fixture
def moves(conf, sqlite_databases, sqlite_cloud_urls, tmp_path):
    conf.set_override("stuck_check_interval", 0, group="conductor")
    env = moves_conftest.start(conf, sqlite_cloud_urls, tmp_path)
    yield env
    env.stop()


def _age(moves, server_id):
    """The server's last change an hour ago (its task outlived its
    deadline)."""
    cell = cell_mapping_obj.local_cell(moves.ctx(), moves.cloud.conf)
    with moves.cloud.databases.cell(cell.uuid).writer() as session:
        session.execute(sa.update(_I).where(_I.c.uuid == server_id).values(
            updated_at=utcnow() - datetime.timedelta(hours=1)))


def test_a_migration_whose_conductor_died_is_rolled_back(moves,
                                                         monkeypatch):
    server = moves.active()
    server_id, source = server["id"], server["OS-EXT-SRV-ATTR:host"]
    before = moves.usages()
    conductor = moves.conductor
    stuck = threading.Event()
    release = threading.Event()
    real = conductor.migrate_task.compute.resize_instance

    def dies_here(*args, **kwargs):
        # The conductor's task stops here (its process died).
        stuck.set()
        release.wait(30)
        raise RuntimeError("conductor killed")
    monkeypatch.setattr(conductor.migrate_task.compute, "resize_instance",
                        dies_here)
    assert moves.act(server_id, {"migrate": None},
                     client=moves.admin).status_int == 202
    assert stuck.wait(10)
    assert moves.admin.server(server_id)["OS-EXT-STS:task_state"] == \
        "resize_migrating"
    assert conductor.check_stuck_states(moves.ctx()) == {}
    _age(moves, server_id)
    try:
        assert conductor.check_stuck_states(moves.ctx()) == {
            server_id: "move rolled back"}
    finally:
        release.set()
        monkeypatch.setattr(conductor.migrate_task.compute,
                            "resize_instance", real)
    back = moves.wait(server_id, {"ACTIVE"})
    assert back["OS-EXT-SRV-ATTR:host"] == source
    event = moves.events(server_id, "migrate")["conductor_migrate_server"]
    assert event["result"] == "Error"
    assert "stopped at step migrating" in event["details"]
    migration, = moves.migrations(server_id)
    assert migration["status"] == "error"
    assert moves.allocations(migration["uuid"]) == {}
    # The dead task, woken, finds the move over and changes nothing.
    time.sleep(0.2)
    assert moves.usages() == before
    assert moves.admin.server(server_id)["OS-EXT-SRV-ATTR:host"] == source


def test_the_claims_of_a_move_of_a_half_deleted_server_go(moves):
    server_id = moves.active()["id"]
    assert moves.act(server_id, {"migrate": None},
                     client=moves.admin).status_int == 202
    moves.wait(server_id, {"VERIFY_RESIZE"})
    migration, = moves.migrations(server_id)
    assert moves.allocations(migration["uuid"])
    ctx = moves.ctx()
    cell = cell_mapping_obj.local_cell(ctx, moves.cloud.conf)
    with ctx.target_cell(cell.uuid) as cctx:
        # A conductor deleted the server and died before its claims.
        instance_obj.Instance.get_by_uuid(cctx, server_id).destroy()
    assert moves.allocations(server_id)
    assert moves.conductor.check_stuck_states(ctx) == {
        server_id: "allocations removed"}
    assert moves.allocations(server_id) == {}
    assert moves.allocations(migration["uuid"]) == {}
