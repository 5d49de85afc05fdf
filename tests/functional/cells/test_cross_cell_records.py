"""A server's records copied between cell databases (the data layer of
cross-cell moves, stratus/objects/cross_cell.py), on every backend."""
import uuid

import pytest

from stratus import context
from stratus.db import setup as db_setup
from stratus import exception
from stratus.objects import block_device_mapping as bdm_obj
from stratus.objects import cross_cell
from stratus.objects import instance as instance_obj
from stratus.objects import instance_action as action_obj
from stratus.objects import instance_fault as fault_obj
from stratus.objects import migration as migration_obj
from stratus.objects import tag as tag_obj


@pytest.fixture
def cells(databases, cell_urls):
    """(admin context, cell1 uuid, cell2 uuid): cell2 mapped for this
    test."""
    ctx = context.get_admin_context(databases)
    cell1 = db_setup.ensure_cell_mapping(databases, "cell1",
                                         cell_urls["cell1"])
    cell2 = db_setup.ensure_cell_mapping(databases, "cell2",
                                         cell_urls["cell2"])
    return ctx, cell1, cell2


def _server(ctx, cell):
    """A server in cell with something in every table of it."""
    with ctx.target_cell(cell) as cctx:
        instance = instance_obj.Instance(
            cctx, uuid=str(uuid.uuid4()), display_name="moved",
            vm_state="active", task_state=None, host="h1", node="h1",
            project_id="p", user_id="u", metadata={"role": "db"},
            system_metadata={"image_min_ram": "0"}, tags=["blue", "red"],
            info_cache='[{"id": "port-1"}]')
        instance.create()
        action_obj.InstanceAction.action_start(cctx, instance.uuid,
                                               "create")
        action_obj.InstanceActionEvent.event_start(
            cctx, instance.uuid, "compute_build_and_run_instance", host="h1")
        action_obj.InstanceActionEvent.event_finish(
            cctx, instance.uuid, "compute_build_and_run_instance")
        fault_obj.InstanceFault.from_exception(
            instance.uuid, exception.MigrationError(reason="earlier"),
            host="h1").create(cctx)
        bdm_obj.BlockDeviceMapping(
            cctx, instance_uuid=instance.uuid, source_type="image",
            destination_type="local", boot_index=0, image_id=str(uuid.uuid4()),
            delete_on_termination=True).create()
        migration = migration_obj.Migration(
            cctx, instance_uuid=instance.uuid, source_compute="h1",
            source_node="h1", dest_compute="h2", dest_node="h2",
            old_instance_type_id=1, new_instance_type_id=2, user_id="u",
            project_id="p", migration_type=migration_obj.RESIZE,
            cross_cell_move=True)
        migration.create(cctx)
    return instance, migration


def _seen(ctx, cell, instance_uuid):
    """What the API shows of the server from one cell."""
    with ctx.target_cell(cell) as cctx:
        instance = instance_obj.Instance.get_by_uuid(
            cctx, instance_uuid,
            expected_attrs=["metadata", "system_metadata", "tags", "fault",
                            "info_cache", "flavor"])
        actions = action_obj.InstanceActionList.get_by_instance_uuid(
            cctx, instance_uuid)
        events = {action.request_id: [
            (event.event, event.result) for event in
            action_obj.InstanceActionEventList.get_by_action(cctx,
                                                             action.id)]
            for action in actions}
        return dict(
            uuid=instance.uuid, name=instance.display_name,
            metadata=instance.metadata,
            system_metadata=instance.system_metadata,
            tags=sorted(tag.tag for tag in tag_obj.TagList.get_by_resource_id(
                cctx, instance_uuid)),
            fault=instance.fault.message if instance.fault else None,
            info_cache=instance.info_cache,
            actions=[(a.action, a.request_id) for a in actions],
            events=events,
            bdms=[(b.uuid, b.image_id) for b in
                  bdm_obj.BlockDeviceMappingList.get_by_instance_uuid(
                      cctx, instance_uuid)],
            migrations=[m.uuid for m in
                        migration_obj.MigrationList.get_by_filters(
                            cctx, {"instance_uuid": instance_uuid})])


def _listed(ctx, cell):
    """The servers and migrations a list shows from one cell."""
    with ctx.target_cell(cell) as cctx:
        return ([i.uuid for i in instance_obj.InstanceList.get_by_filters(
            cctx, {})], [m.uuid for m in
                         migration_obj.MigrationList.get_by_filters(
                             cctx, {"hidden": False})])


def test_copy_keeps_what_the_api_shows_and_hides_the_copy(cells):
    ctx, cell1, cell2 = cells
    instance, migration = _server(ctx, cell1)
    before = _seen(ctx, cell1, instance.uuid)
    cross_cell.copy_instance(ctx, instance.uuid, cell1, cell2)
    assert _seen(ctx, cell2, instance.uuid) == before
    assert before["migrations"] == [migration.uuid]
    assert before["tags"] == ["blue", "red"]
    assert before["events"][ctx.request_id] == [
        ("compute_build_and_run_instance", "Success")]
    with ctx.target_cell(cell2) as cctx:
        assert instance_obj.Instance.get_by_uuid(cctx, instance.uuid).hidden
    # Lists show the server once: the hidden copy is left out.
    shown = ([instance.uuid], [migration.uuid])
    assert (_listed(ctx, cell1), _listed(ctx, cell2)) == (shown, ([], []))
    # Showing the target's copy and purging the source's: the server
    # lives in cell2 alone.
    assert cross_cell.set_hidden(ctx, instance.uuid, cell2, False)
    assert cross_cell.purge_instance(ctx, instance.uuid, cell1)
    assert not cross_cell.purge_instance(ctx, instance.uuid, cell1)
    with ctx.target_cell(cell1) as cctx, pytest.raises(
            exception.InstanceNotFound):
        instance_obj.Instance.get_by_uuid(cctx, instance.uuid,
                                          read_deleted=True)
    with ctx.target_cell(cell2) as cctx:
        assert not instance_obj.Instance.get_by_uuid(cctx,
                                                     instance.uuid).hidden
    assert _seen(ctx, cell2, instance.uuid) == before
    assert (_listed(ctx, cell1), _listed(ctx, cell2)) == (([], []), shown)
    # ...and back again (a second move of the server).
    cross_cell.copy_instance(ctx, instance.uuid, cell2, cell1)
    assert _seen(ctx, cell1, instance.uuid) == before


def _copied(cells):
    """A server of cell1 copied (hidden) into cell2."""
    ctx, cell1, cell2 = cells
    instance, _ = _server(ctx, cell1)
    cross_cell.copy_instance(ctx, instance.uuid, cell1, cell2)
    return instance


def test_a_visible_copy_is_never_overwritten_a_hidden_one_is(cells):
    ctx, cell1, cell2 = cells
    instance = _copied(cells)
    # A hidden leftover is replaced by a fresh copy.
    with ctx.target_cell(cell1) as cctx:
        tag_obj.TagList.create(cctx, instance.uuid, ["green"])
    cross_cell.copy_instance(ctx, instance.uuid, cell1, cell2)
    assert _seen(ctx, cell2, instance.uuid)["tags"] == ["green"]
    with pytest.raises(exception.InstanceExists):
        cross_cell.copy_instance(ctx, instance.uuid, cell2, cell1)


def test_a_copy_cut_off_half_way_leaves_nothing_in_the_target(
        cells, monkeypatch):
    ctx, cell1, cell2 = cells
    instance, _ = _server(ctx, cell1)
    before = _seen(ctx, cell1, instance.uuid)
    real_insert = cross_cell._insert
    written = []

    def insert(session, table, rows):
        if table.name == "instance_actions_events":
            raise exception.DatabaseUnreachable()
        written.append(table.name)
        real_insert(session, table, rows)
    monkeypatch.setattr(cross_cell, "_insert", insert)
    with pytest.raises(exception.DatabaseUnreachable):
        cross_cell.copy_instance(ctx, instance.uuid, cell1, cell2)
    assert "instances" in written and "migrations" in written
    with ctx.target_cell(cell2) as cctx:
        with pytest.raises(exception.InstanceNotFound):
            instance_obj.Instance.get_by_uuid(cctx, instance.uuid,
                                              read_deleted=True)
        assert not action_obj.InstanceActionList.get_by_instance_uuid(
            cctx, instance.uuid)
        assert not migration_obj.MigrationList.get_by_filters(
            cctx, {"instance_uuid": instance.uuid})
    assert _seen(ctx, cell1, instance.uuid) == before
    monkeypatch.setattr(cross_cell, "_insert", real_insert)
    cross_cell.copy_instance(ctx, instance.uuid, cell1, cell2)
    assert _seen(ctx, cell2, instance.uuid) == before


def test_sync_brings_later_actions_and_events(cells):
    ctx, cell1, cell2 = cells
    instance = _copied(cells)
    later = context.get_admin_context(ctx.databases)
    with later.target_cell(cell1) as cctx:
        action_obj.InstanceAction.action_start(cctx, instance.uuid,
                                               "resize")
        action_obj.InstanceActionEvent.event_start(
            cctx, instance.uuid, "compute_resize_instance", host="h1")
    with later.target_cell(cell2) as cctx:
        action_obj.InstanceAction.action_start(cctx, instance.uuid,
                                               "resize")
    cross_cell.sync_actions(ctx, instance.uuid, cell1, cell2)
    with later.target_cell(cell1) as cctx:
        action_obj.InstanceActionEvent.event_finish(
            cctx, instance.uuid, "compute_resize_instance")
    cross_cell.sync_actions(ctx, instance.uuid, cell1, cell2)
    cross_cell.sync_actions(ctx, instance.uuid, cell1, cell2)
    seen = _seen(ctx, cell2, instance.uuid)
    assert seen["actions"] == _seen(ctx, cell1, instance.uuid)["actions"]
    assert seen["events"][later.request_id] == [
        ("compute_resize_instance", "Success")]


def test_block_devices_refreshed_from_the_cell_that_changed_them(cells):
    ctx, cell1, cell2 = cells
    instance = _copied(cells)
    with ctx.target_cell(cell1) as cctx:
        bdm, = bdm_obj.BlockDeviceMappingList.get_by_instance_uuid(
            cctx, instance.uuid)
        bdm.attachment_id = str(uuid.uuid4())
        bdm.save(cctx)
    assert cross_cell.refresh_block_devices(ctx, instance.uuid, cell1, cell2)
    assert _seen(ctx, cell2, instance.uuid)["bdms"] == _seen(
        ctx, cell1, instance.uuid)["bdms"]
    with ctx.target_cell(cell2) as cctx:
        copied, = bdm_obj.BlockDeviceMappingList.get_by_instance_uuid(
            cctx, instance.uuid)
    assert (copied.uuid, copied.attachment_id) == (bdm.uuid,
                                                   bdm.attachment_id)
    # From a cell without the server, nothing changes.
    cross_cell.purge_instance(ctx, instance.uuid, cell2)
    assert not cross_cell.refresh_block_devices(ctx, instance.uuid, cell2,
                                                cell1)
    assert _seen(ctx, cell1, instance.uuid)["bdms"] == [
        (bdm.uuid, bdm.image_id)]
