"""The Migration object over the cell database's migrations table."""
import datetime
import uuid

import pytest

from stratus import context
from stratus.db import setup as db_setup
from stratus import exception
from stratus.objects import cell_mapping
from stratus.objects import instance as instance_obj
from stratus.objects import migration as migration_obj

Status = migration_obj.Status


@pytest.fixture
def cctx(databases):
    ctx = context.get_admin_context(databases)
    cell1 = [c.uuid for c in cell_mapping.CellMappingList.get_all(ctx)
             if c.uuid != db_setup.CELL0_UUID][0]
    with ctx.target_cell(cell1) as cctx:
        yield cctx


def _instance(cctx):
    instance = instance_obj.Instance(
        cctx, uuid=str(uuid.uuid4()), vm_state="active", task_state=None,
        host="h1", node="h1", project_id="p", user_id="u")
    instance.create(cctx)
    return instance


def _migration(cctx, instance, **values):
    values.setdefault("migration_type", migration_obj.RESIZE)
    migration = migration_obj.Migration(
        cctx, instance_uuid=instance.uuid, source_compute="h1",
        source_node="h1", dest_compute="h2", dest_node="h2",
        old_instance_type_id=1, new_instance_type_id=2, user_id="u",
        project_id="p", **values)
    migration.create(cctx)
    return migration


def test_create_load_save_with_expected_status(cctx):
    instance = _instance(cctx)
    migration = _migration(cctx, instance)
    assert (migration.status, migration.step) == (Status.PRE_MIGRATING,
                                                  migration_obj.Step.CREATED)
    loaded = migration_obj.Migration.get_by_uuid(cctx, migration.uuid)
    assert loaded.id == migration.id and loaded.dest_compute == "h2"
    assert migration_obj.Migration.get_by_id(cctx, migration.id).uuid == (
        migration.uuid)
    loaded.status = Status.FINISHED
    loaded.step = migration_obj.Step.FINISHED
    loaded.save()
    found = migration_obj.Migration.get_by_instance_and_status(
        cctx, instance.uuid, Status.FINISHED)
    assert found.step == migration_obj.Step.FINISHED
    stale = migration_obj.Migration.get_by_uuid(cctx, migration.uuid)
    found.status = Status.CONFIRMING
    found.save(expected_status=Status.FINISHED)
    stale.status = Status.REVERTING
    with pytest.raises(exception.MigrationStatusConflict):
        stale.save(expected_status=Status.FINISHED)
    with pytest.raises(exception.MigrationNotFoundByStatus):
        migration_obj.Migration.get_by_instance_and_status(
            cctx, instance.uuid, Status.FINISHED)
    with pytest.raises(exception.MigrationNotFound):
        migration_obj.Migration.get_by_id(cctx, migration.id + 1000)


def test_list_filters_and_paging(cctx):
    instance = _instance(cctx)
    first = _migration(cctx, instance, status=Status.CONFIRMED)
    second = _migration(cctx, instance, status=Status.FINISHED)
    live = _migration(cctx, instance, status="running",
                      migration_type=migration_obj.LIVE_MIGRATION)
    listed = migration_obj.MigrationList.get_by_filters
    assert [m.id for m in listed(cctx, {})] == [live.id, second.id, first.id]
    assert [m.id for m in listed(cctx, {"in_progress": True})] == [
        live.id, second.id]
    assert [m.id for m in listed(cctx, {"status": ["confirmed"]})] == [
        first.id]
    assert [m.id for m in listed(cctx, {
        "migration_type": migration_obj.LIVE_MIGRATION})] == [live.id]
    assert [m.id for m in listed(cctx, {"host": "h2"})] == [
        live.id, second.id, first.id]
    assert listed(cctx, {"host": "h3"}).objects == []
    assert [m.id for m in listed(cctx, {}, limit=1, marker=second)] == [
        first.id]
    future = first.created_at + datetime.timedelta(hours=1)
    assert listed(cctx, {"changes-since": future}).objects == []
    assert len(listed(cctx, {"changes-before": future})) == 3


def test_a_deleted_servers_moves_end_and_free_their_consumer(cctx):
    from stratus.placement import allocations
    instance = _instance(cctx)
    migration = _migration(cctx, instance, status=Status.FINISHED)
    migration_obj.end_moves_of_deleted(cctx, instance.uuid)
    assert migration_obj.Migration.get_by_id(cctx, migration.id).status == (
        Status.ERROR)
    assert allocations.get_allocations(cctx, migration.uuid) == {}
