"""Reads over the instances of the cells that belong to no one object:
what the scheduler counts per node, what the conductor's check of
stuck states looks for, the servers per state of the metrics, whether
hosts run servers (aggregates' zone rules). One statement each, built
once; over every cell with a host (cell_mapping.over_host_cells) or in the cell named."""
import collections

import sqlalchemy as sa

from stratus.db import api_models
from stratus.db import cell_models
from stratus.objects import cell_mapping as cell_mapping_obj
from stratus.objects import fields

_INSTANCES = cell_models.Instance.__table__
_EXTRA = cell_models.InstanceExtra.__table__
_NOT_ON_HOST = (fields.VMState.DELETED, fields.VMState.SHELVED_OFFLOADED)
_IMAGE_PROPERTIES = sa.select(
    _INSTANCES.c.host, _INSTANCES.c.node,
    _EXTRA.c.image_properties).select_from(
    _INSTANCES.join(_EXTRA, _EXTRA.c.instance_uuid
                    == _INSTANCES.c.uuid)).where(
    _INSTANCES.c.deleted == 0, _INSTANCES.c.host.is_not(None),
    _INSTANCES.c.vm_state.not_in(_NOT_ON_HOST))
# (A hidden copy is not the server: the other cell's copy of a
# cross-cell move is, and its task is the move's.)
_TASKS_UNCHANGED_SINCE = sa.select(
    _INSTANCES.c.uuid, _INSTANCES.c.vm_state, _INSTANCES.c.task_state,
    _INSTANCES.c.host, _INSTANCES.c.updated_at).where(
    _INSTANCES.c.deleted == 0, _INSTANCES.c.task_state.is_not(None),
    _INSTANCES.c.updated_at < sa.bindparam("before"),
    sa.or_(_INSTANCES.c.hidden.is_(None), _INSTANCES.c.hidden.is_(False)))
_COUNT_BY_VM_STATE = sa.select(
    _INSTANCES.c.vm_state, sa.func.count()).where(
    _INSTANCES.c.deleted == 0).group_by(_INSTANCES.c.vm_state)
_DELETED_SINCE = sa.select(_INSTANCES.c.uuid).where(
    _INSTANCES.c.deleted != 0,
    _INSTANCES.c.deleted_at >= sa.bindparam("since"))

_SYSMETA = cell_models.InstanceSystemMetadata.__table__
_MARKED = sa.select(_SYSMETA.c.instance_uuid).where(
    _SYSMETA.c.key == sa.bindparam("key"), _SYSMETA.c.deleted == 0)

_CONSUMERS = api_models.Consumer.__table__
_MAPPINGS = api_models.InstanceMapping.__table__
_BUILD_REQUESTS = api_models.BuildRequest.__table__
# Placement consumers of servers deleted (their mapping queued for
# delete) that no build request stands for any more.
_DELETED_CONSUMERS = sa.select(_CONSUMERS.c.uuid).join(
    _MAPPINGS, _MAPPINGS.c.instance_uuid == _CONSUMERS.c.uuid).where(
    _MAPPINGS.c.queued_for_delete.is_(True),
    ~sa.exists().where(_BUILD_REQUESTS.c.instance_uuid == _CONSUMERS.c.uuid))
# Consumers are looked up this many uuids at a time (bound parameters).
_BATCH = 500


def image_properties_by_node(context):
    """{(host, node): Counter((property, value))} over the image
    properties of the instances on each node; one query per cell."""
    counts = collections.defaultdict(collections.Counter)
    for host, node, properties in cell_mapping_obj.over_host_cells(
            context, lambda session, cell_uuid: session.execute(
                _IMAGE_PROPERTIES).all()):
        counts[(host, node)].update(
            (key, str(value)) for key, value in (properties or {}).items())
    return dict(counts)


def nodes_of_instances(context, instance_uuids):
    """{(host, node)} the given instances are on (those that exist and
    have one); one query per cell."""
    query = sa.select(_INSTANCES.c.host, _INSTANCES.c.node).where(
        _INSTANCES.c.uuid.in_(list(instance_uuids)),
        _INSTANCES.c.deleted == 0, _INSTANCES.c.host.is_not(None))
    return set(cell_mapping_obj.over_host_cells(
        context, lambda session, cell_uuid: [
            tuple(row) for row in session.execute(query)]))


def any_live_on_hosts(context, hosts):
    """Whether any live server is on one of these hosts, in any cell
    with hosts (DatabaseUnreachable when one does not answer); stops at
    the first cell that has one."""
    query = sa.select(_INSTANCES.c.id).where(
        _INSTANCES.c.host.in_(list(hosts)),
        _INSTANCES.c.deleted == 0).limit(1)
    for cell in cell_mapping_obj.CellMappingList.get_all(
            context).host_cells():
        with context.cell_db_for(cell.uuid).reader() as session:
            if session.execute(query).first() is not None:
                return True
    return False


def count_live(context, cell_uuid, host=None):
    """Live servers in the cell (on host when given)."""
    query = sa.select(sa.func.count()).select_from(_INSTANCES).where(
        _INSTANCES.c.deleted == 0)
    if host is not None:
        query = query.where(_INSTANCES.c.host == host)
    with context.cell_db_for(cell_uuid).reader() as session:
        return session.scalar(query)


def count_by_vm_state(database):
    """[(vm_state, number of servers)] of a cell's Database (the metrics
    read it without a request context)."""
    with database.reader() as session:
        return list(session.execute(_COUNT_BY_VM_STATE))


def tasks_unchanged_since(context, cell_uuid, before):
    """Rows (uuid, vm_state, task_state, host, updated_at) of the cell's
    servers with a task whose last change is older than before;
    DatabaseUnreachable when the cell does not answer."""
    with context.cell_db_for(cell_uuid).reader() as session:
        return session.execute(_TASKS_UNCHANGED_SINCE,
                               {"before": before}).all()


def deleted_since(context, cell_uuid, since):
    """uuids of the cell's servers deleted since then."""
    with context.cell_db_for(cell_uuid).reader() as session:
        return list(session.scalars(_DELETED_SINCE, {"since": since}).all())


def deleted_with_consumers(context):
    """uuids of servers deleted (their mapping queued for delete) whose
    placement consumer is still there, with no build request left."""
    with context.api_db.reader() as session:
        return list(session.scalars(_DELETED_CONSUMERS).all())


def consumers_among(context, uuids):
    """Those of uuids that are placement consumers."""
    found = []
    with context.api_db.reader() as session:
        for start in range(0, len(uuids), _BATCH):
            found.extend(session.scalars(sa.select(
                _CONSUMERS.c.uuid).where(_CONSUMERS.c.uuid.in_(
                    uuids[start:start + _BATCH]))).all())
    return found


def marked(cctx, key):
    """uuids of the servers of the context's cell whose system metadata
    has key (a mark one conductor leaves for another)."""
    with cctx.cell_db.reader() as session:
        return list(session.scalars(_MARKED, {"key": key}).all())


def unmark(cctx, instance_uuid, key):
    """Take the mark key off the server's system metadata."""
    with cctx.cell_db.writer() as session:
        session.execute(sa.delete(_SYSMETA).where(
            _SYSMETA.c.instance_uuid == instance_uuid,
            _SYSMETA.c.key == key))


def hosts_in_cell(cctx, instance_uuids):
    """The hosts of those of these servers that are in the context's
    cell and on a host, one entry per server."""
    if not instance_uuids:
        return []
    with cctx.cell_db.reader() as session:
        return list(session.scalars(sa.select(_INSTANCES.c.host).where(
            _INSTANCES.c.uuid.in_(list(instance_uuids)),
            _INSTANCES.c.deleted == 0, _INSTANCES.c.host.is_not(None),
            sa.or_(_INSTANCES.c.hidden.is_(None),
                   _INSTANCES.c.hidden.is_(False)))).all())


def lock_member_hosts(session, instance_uuids, exclude):
    """Lock the rows of these servers in session's cell transaction (in
    uuid order; SQLite's writer holds the database write lock already)
    and give the hosts of those but exclude that are on a host, one
    entry per server, as hosts_in_cell. Two transactions locking sets
    that share a server run one after the other, the later one seeing
    what the earlier committed."""
    rows = session.execute(sa.select(
        _INSTANCES.c.uuid, _INSTANCES.c.host, _INSTANCES.c.deleted,
        _INSTANCES.c.hidden).where(
            _INSTANCES.c.uuid.in_(list(instance_uuids)))
        .order_by(_INSTANCES.c.uuid).with_for_update()).all()
    return [row.host for row in rows
            if row.uuid != exclude and not row.deleted
            and row.host is not None and not row.hidden]


def set_host(session, instance_uuid, host):
    """The server is on host, in session's cell transaction."""
    session.execute(sa.update(_INSTANCES).where(
        _INSTANCES.c.uuid == instance_uuid).values(host=host))
