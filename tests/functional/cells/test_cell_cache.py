"""The list of cells a process reads across is kept for
CELL_CACHE_SECONDS; a mapping made, changed or deleted in the process is
seen at once, one made by another process once the time has passed (or
the scheduler is offered a node it does not know). On every backend."""
import uuid

from stratus import context as stratus_context
from stratus.db import setup as db_setup
from stratus.db import statement_count
from stratus.objects import cell_mapping


def _host_cells(ctx):
    return cell_mapping.over_host_cells(
        ctx, lambda session, cell_uuid: [cell_uuid])


def _api_statements(databases, ctx):
    counter = statement_count.StatementCounter()
    try:
        counter.running = True
        _host_cells(ctx)
    finally:
        counter.remove()
    api = databases.api.engine.url.database
    return sum(number for key, number in counter.counts.items()
               if key.rsplit(" ", 1)[0] == api)


def test_cells_are_read_once_then_kept(databases):
    ctx = stratus_context.get_admin_context(databases)
    cells = _host_cells(ctx)
    assert len(cells) == 1
    assert _api_statements(databases, ctx) == 0


def test_a_cell_mapped_in_the_process_is_seen_at_once(databases,
                                                       cell_urls):
    ctx = stratus_context.get_admin_context(databases)
    (cell1,) = _host_cells(ctx)
    cell2 = cell_mapping.CellMapping(
        ctx, uuid=str(uuid.uuid4()), name="cell2", transport_url="none:///",
        database_connection=cell_urls["cell2"])
    cell2.create()
    assert _host_cells(ctx) == [cell1, cell2.uuid]
    cell2.destroy()
    assert _host_cells(ctx) == [cell1]


def test_a_cell_mapped_elsewhere_is_seen_after_the_cache_time(
        databases, cell_urls, monkeypatch):
    ctx = stratus_context.get_admin_context(databases)
    (cell1,) = _host_cells(ctx)
    # As another process maps it: nothing of this one is told.
    cell2 = db_setup.ensure_cell_mapping(databases, "cell2",
                                         cell_urls["cell2"])
    assert _host_cells(ctx) == [cell1]
    monkeypatch.setattr(cell_mapping, "CELL_CACHE_SECONDS", 0)
    assert _host_cells(ctx) == [cell1, cell2]


def test_the_scheduler_reads_the_cells_again_for_an_unknown_node(
        databases, cell_urls):
    from stratus.scheduler import host_state
    ctx = stratus_context.get_admin_context(databases)

    class Conf:
        class filter_scheduler:
            image_props_weight_multiplier = 0
    manager = host_state.HostManager(Conf())
    manager.refresh(ctx)
    (cell1,) = _host_cells(ctx)
    cell2 = db_setup.ensure_cell_mapping(databases, "cell2",
                                         cell_urls["cell2"])
    manager.refresh(ctx)
    assert _host_cells(ctx) == [cell1]
    # Placement offers a node of no cell the scheduler has read.
    manager._refresh(ctx, {str(uuid.uuid4())})
    assert _host_cells(ctx) == [cell1, cell2]
