"""HostMapping: which cell a compute host lives in. Lives in the API DB.

A compute host is mapped automatically the first time its service reports
to a conductor with the API database (conductor/tasks/compute_report.py);
``discover_hosts`` (``stratus manage cell_v2 discover_hosts`` and the
scheduler's ``[scheduler] discover_hosts_in_cells_interval``) maps hosts
that registered in a cell database without one, as in Nova.
"""
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from stratus import constants
from stratus.db import api_models
from stratus.db import cell_models
from stratus.db.types import utcnow
from stratus import exception
from stratus.objects import aggregate as aggregate_obj
from stratus.objects import base
from stratus.objects import cell_mapping as cell_mapping_obj
from stratus.objects import fields
from stratus.placement import host_aggregates

_HOSTS = api_models.HostMapping
_AGGREGATES = api_models.Aggregate
_AGGREGATE_HOSTS = api_models.AggregateHost
_NODES = cell_models.ComputeNode.__table__
_SERVICES = cell_models.Service.__table__
# Hosts per IN (...) list.
_CHUNK = 500


@base.register
class HostMapping(base.StratusObject, base.StratusTimestampObject):
    VERSION = "1.0"
    fields = dict(base.StratusTimestampObject.fields, **{
        "id": fields.IntegerField(),
        "host": fields.StringField(),
        "cell_mapping": fields.ObjectField("CellMapping"),
    })

    @classmethod
    def _from_rows(cls, context, host_row, cell_row):
        mapping = cls._from_row(cls(), host_row, context)
        mapping.cell_mapping = cell_mapping_obj.CellMapping._from_row(
            cell_mapping_obj.CellMapping(), cell_row, context)
        mapping.obj_reset_changes()
        return mapping

    @classmethod
    def _query(cls, context, *where):
        with context.api_db.reader() as session:
            rows = session.execute(sa.select(_HOSTS, api_models.CellMapping)
                                   .join(api_models.CellMapping,
                                         _HOSTS.cell_id == api_models.CellMapping.id)
                                   .where(*where).order_by(_HOSTS.host)).all()
            return [cls._from_rows(context, host, cell)
                    for host, cell in rows]

    @classmethod
    def get_by_host(cls, context, host):
        found = cls._query(context, _HOSTS.host == host)
        if not found:
            raise exception.HostMappingNotFound(name=host)
        return found[0]

    def create(self):
        with self._context.api_db.writer() as session:
            row = _HOSTS(host=self.host, cell_id=self.cell_mapping.id)
            session.add(row)
            session.flush()
            self.id = row.id
            self.created_at = row.created_at
        self.obj_reset_changes()

    def destroy(self):
        with self._context.api_db.writer() as session:
            session.execute(sa.delete(_HOSTS).where(_HOSTS.id == self.id))


@base.register
class HostMappingList(base.ObjectListBase, base.StratusObject):
    VERSION = "1.0"
    fields = {"objects": fields.ListOfObjectsField("HostMapping")}

    @classmethod
    def get_all(cls, context, cell_uuid=None):
        where = ([api_models.CellMapping.uuid == cell_uuid]
                 if cell_uuid else [])
        return cls.from_objects(context, HostMapping._query(context, *where))

    @classmethod
    def destroy_in_cell(cls, context, cell_uuid):
        """Delete every host mapping of the cell."""
        cell_id = sa.select(api_models.CellMapping.id).where(
            api_models.CellMapping.uuid == cell_uuid).scalar_subquery()
        with context.api_db.writer() as session:
            session.execute(sa.delete(_HOSTS).where(_HOSTS.cell_id == cell_id))


def ensure_host_mapping(context, host, cell):
    """Map host to cell unless it is mapped; True when this call mapped it."""
    try:
        HostMapping.get_by_host(context, host)
        return False
    except exception.HostMappingNotFound:
        pass
    try:
        HostMapping(context, host=host, cell_mapping=cell).create()
    except sa_exc.IntegrityError:
        return False  # mapped concurrently
    return True


def discover_hosts(context, cell_uuid=None, status_fn=None,
                   by_service=False):
    """Map every compute host of the cells (or of one cell) that has no
    mapping yet; the HostMappings created. Hosts are found from the
    compute nodes not marked mapped (then marked), or with by_service
    from the compute service records (a host whose driver has no node yet).
    A new host's resource providers join the placement aggregates of the
    host aggregates that already list it (as its first report would).
    HostMappingExists when another discovery mapped a host meanwhile."""
    status = status_fn or (lambda message: None)
    cells = cell_mapping_obj.CellMappingList.get_all(context)
    if cell_uuid:
        cells = [cell for cell in cells if cell.uuid == cell_uuid]
        if not cells:
            raise exception.CellMappingNotFound(uuid=cell_uuid)
    status("Found %d cell mappings." % len(cells))
    created = []
    for cell in cells:
        if cell.is_cell0:
            status("Skipping cell0 since it does not contain hosts.")
            continue
        if by_service:
            created += _map_by_service(context, cell, status)
        else:
            created += _map_by_node(context, cell, status)
    return created


def _map_by_node(context, cell, status):
    status("Getting computes from cell '%s': %s" % (cell.name, cell.uuid))
    with context.cell_db_for(cell.uuid).reader() as session:
        nodes = session.execute(sa.select(_NODES.c.host, _NODES.c.uuid).where(
            _NODES.c.deleted == 0, _NODES.c.mapped == 0).order_by(
            _NODES.c.host, _NODES.c.id)).all()
    status("Found %d unmapped computes in cell: %s" % (len(nodes), cell.uuid))
    mapped = _mapped_hosts(context, {host for host, _uuid in nodes})
    new = []
    for host, node_uuid in nodes:
        status("Checking host mapping for compute host '%s': %s"
               % (host, node_uuid))
        if host not in mapped:
            status("Creating host mapping for compute host '%s': %s"
                   % (host, node_uuid))
            new.append(host)
            mapped.add(host)
    created = _create(context, cell, new)
    set_nodes_mapped(context, cell.uuid, [uuid for _host, uuid in nodes])
    return created


def _map_by_service(context, cell, status):
    status("Getting compute services from cell '%s': %s"
           % (cell.name, cell.uuid))
    with context.cell_db_for(cell.uuid).reader() as session:
        hosts = list(session.scalars(sa.select(_SERVICES.c.host).where(
            _SERVICES.c.deleted == 0,
            _SERVICES.c.binary == constants.COMPUTE_BINARY).distinct(
            ).order_by(_SERVICES.c.host)))
    status("Found %d computes in cell: %s" % (len(hosts), cell.uuid))
    mapped = _mapped_hosts(context, set(hosts))
    new = [host for host in hosts if host not in mapped]
    for host in new:
        status("Host %s is not mapped to cell %s" % (host, cell.uuid))
    return _create(context, cell, new)


def _mapped_hosts(context, hosts):
    """Those of hosts that have a mapping (in any cell)."""
    found = set()
    hosts = sorted(hosts)
    with context.api_db.reader() as session:
        for start in range(0, len(hosts), _CHUNK):
            found.update(session.scalars(sa.select(_HOSTS.host).where(
                _HOSTS.host.in_(hosts[start:start + _CHUNK]))))
    return found


def _create(context, cell, hosts):
    """Map hosts to cell in one transaction (HostMappingExists naming
    those mapped meanwhile), then join their nodes' providers to their
    aggregates; the HostMappings."""
    if not hosts:
        return []
    now = utcnow()
    try:
        with context.api_db.writer() as session:
            session.execute(sa.insert(_HOSTS), [
                dict(host=host, cell_id=cell.id, created_at=now)
                for host in hosts])
    except sa_exc.IntegrityError:
        raise exception.HostMappingExists(name=", ".join(
            sorted(_mapped_hosts(context, hosts))))
    _join_aggregates(context, cell, hosts)
    return [HostMapping(context, host=host, cell_mapping=cell,
                        created_at=now) for host in hosts]


def _join_aggregates(context, cell, hosts):
    """The nodes' providers of those of hosts that aggregates list join
    the aggregates' placement aggregates."""
    members = _aggregate_members(context, hosts)
    if not members:
        return
    grouped = sorted(set().union(*members.values()))
    nodes = []
    with context.cell_db_for(cell.uuid).reader() as session:
        for start in range(0, len(grouped), _CHUNK):
            nodes += session.execute(sa.select(
                _NODES.c.host, _NODES.c.uuid).where(
                _NODES.c.deleted == 0, _NODES.c.host.in_(
                    grouped[start:start + _CHUNK]))).all()
    for aggregate_uuid, members_of in sorted(members.items()):
        _join(context, aggregate_uuid, [
            uuid for host, uuid in nodes if host in members_of])


def join_host_aggregates(context, host, provider_uuids):
    """Resource providers new to placement join the placement aggregates
    of their host's aggregates (the host may have joined them first)."""
    for aggregate in aggregate_obj.AggregateList.get_by_host(context, host):
        _join(context, aggregate.uuid, provider_uuids)


def _aggregate_members(context, hosts):
    """{aggregate uuid: those of hosts it lists}."""
    members = {}
    hosts = sorted(hosts)
    with context.api_db.reader() as session:
        for start in range(0, len(hosts), _CHUNK):
            for aggregate_uuid, host in session.execute(sa.select(
                    _AGGREGATES.uuid, _AGGREGATE_HOSTS.host).join(
                    _AGGREGATE_HOSTS,
                    _AGGREGATE_HOSTS.aggregate_id == _AGGREGATES.id).where(
                    _AGGREGATE_HOSTS.host.in_(hosts[start:start + _CHUNK]))):
                members.setdefault(aggregate_uuid, set()).add(host)
    return members


def _join(context, aggregate_uuid, provider_uuids):
    if provider_uuids:
        host_aggregates.add_member(context, aggregate_uuid,
                                   sorted(provider_uuids))


def set_nodes_mapped(context, cell_uuid, node_uuids=None, mapped=True,
                     host=None):
    """Mark compute nodes of the cell mapped (or not): those of
    node_uuids, of host, or all of them when neither is given."""
    where = [_NODES.c.deleted == 0]
    if host is not None:
        where.append(_NODES.c.host == host)
    if node_uuids is None:
        chunks = [where]
    else:
        node_uuids = sorted(node_uuids)
        chunks = [where + [_NODES.c.uuid.in_(node_uuids[start:start + _CHUNK])]
                  for start in range(0, len(node_uuids), _CHUNK)]
    with context.cell_db_for(cell_uuid).writer() as session:
        for chunk in chunks:
            session.execute(sa.update(_NODES).where(*chunk).values(
                mapped=1 if mapped else 0))
