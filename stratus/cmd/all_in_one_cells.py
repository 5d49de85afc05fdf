"""The all-in-one's cells (``--cells N``, ``[all_in_one] cells``).

With one cell (the default) everything shares the in-process transport
and one conductor serves all, as before. With more, each cell is laid out
as a multi-cell deployment is: its own database (``cell<K>.db`` in the
data directory, cell1 being ``[database] connection``), its own
in-process message transport (``inproc:///cell<K>``, named by its cell
mapping), its own conductor serving its computes, while the API, the
super conductor and the scheduler use the API level's ``inproc://``.
Compute hosts keep the cell their host mapping names; new ones are spread
round-robin (compute1 -> cell1, compute2 -> cell2, ...).
"""
import collections
import os

from stratus.db import migration
from stratus.db import setup as db_setup

# What the all-in-one knows of one of its cells.
Cell = collections.namedtuple(
    "Cell", ["uuid", "name", "database_connection", "transport_url"])


def cell_name(index):
    return "cell%d" % index


def transport_url(index, count):
    """The in-process transport of cell index (1-based) when the
    all-in-one runs count cells: the API level's own with one cell."""
    return "inproc:///%s" % cell_name(index) if count > 1 else None


def database_url(data_dir, index):
    return "sqlite:///" + os.path.join(data_dir, "%s.db" % cell_name(index))


def ensure_cells(databases, conf, data_dir, count, urls=None):
    """Migrate and map cells 2..count (cell1 and cell0 are the cloud's
    own: see db_setup.setup_cloud_databases), each with its transport;
    urls: name -> database URL instead of the data directory's files.
    Cells already mapped keep their database; every cell's transport is
    set for count. Returns the Cells, cell1 first."""
    from stratus import context as stratus_context
    from stratus.objects import cell_mapping as cell_mapping_obj
    ctx = stratus_context.get_admin_context(databases)
    known = {cell.name: cell for cell in
             cell_mapping_obj.CellMappingList.get_all(ctx).host_cells()}
    count = max(count, _served_count(known))
    cells = []
    for index in range(1, count + 1):
        name = cell_name(index)
        url = (conf.database.connection if index == 1
               else (urls or {}).get(name) or database_url(data_dir, index))
        if name not in known:
            migration.upgrade("cell", url)
            db_setup.ensure_cell_mapping(databases, name, url)
            known = {cell.name: cell for cell in
                     cell_mapping_obj.CellMappingList.get_all(ctx)}
        mapping = known[name]
        wanted = transport_url(index, count) or "none:///"
        if mapping.transport_url != wanted:
            db_setup.set_transport_url(databases, mapping.uuid, wanted)
        cells.append(Cell(mapping.uuid, name, mapping.database_connection,
                          wanted))
    return cells


def _served_count(known):
    """The highest K of the cells named cell<K> a data directory has
    mapped: an all-in-one never runs fewer cells than it made."""
    indexes = [int(name[4:]) for name in known
               if name and name.startswith("cell") and name[4:].isdigit()]
    return max(indexes, default=1)


def cells_of_hosts(databases, hosts, cells):
    """host -> the Cell it runs in: its host mapping's when it has one
    among cells, else round-robin over cells in host order."""
    from stratus import context as stratus_context
    from stratus import exception
    from stratus.objects import host_mapping as host_mapping_obj
    ctx = stratus_context.get_admin_context(databases)
    by_uuid = {cell.uuid: cell for cell in cells}
    placed = {}
    for index, host in enumerate(hosts):
        try:
            mapped = host_mapping_obj.HostMapping.get_by_host(
                ctx, host).cell_mapping.uuid
        except exception.HostMappingNotFound:
            mapped = None
        placed[host] = by_uuid.get(mapped) or cells[index % len(cells)]
    return placed
