"""HostMapping: which cell a compute host lives in. Lives in the API DB.

A compute host is mapped automatically the first time its service reports
to a conductor (see ConductorManager.service_report); ``discover_hosts``
(``stratus manage cell_v2 discover_hosts``) maps hosts that registered in a
cell database without one, as in Nova.
"""
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from stratus.db import api_models
from stratus.db import cell_models
from stratus import exception
from stratus.objects import base
from stratus.objects import cell_mapping as cell_mapping_obj
from stratus.objects import fields

_HOSTS = api_models.HostMapping


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


def discover_hosts(context, cell_uuid=None, status_fn=None):
    """Map every compute host of the cells (or of one cell) that has no
    mapping yet; the HostMappings created."""
    status = status_fn or (lambda message: None)
    cells = cell_mapping_obj.CellMappingList.get_all(context)
    if cell_uuid:
        cells = [cell for cell in cells if cell.uuid == cell_uuid]
        if not cells:
            raise exception.CellMappingNotFound(uuid=cell_uuid)
    status("Found %d cell mappings." % len(cells))
    mapped = {mapping.host for mapping in HostMappingList.get_all(context)}
    created = []
    for cell in cells:
        if cell.is_cell0:
            status("Skipping cell0 since it does not contain hosts.")
            continue
        status("Getting computes from cell '%s': %s" % (cell.name, cell.uuid))
        with context.cell_db_for(cell.uuid).reader() as session:
            nodes = session.execute(sa.select(
                cell_models.ComputeNode.host, cell_models.ComputeNode.uuid)
                .where(cell_models.ComputeNode.deleted == 0)
                .order_by(cell_models.ComputeNode.host)).all()
        unmapped = [(host, uuid) for host, uuid in nodes if host not in mapped]
        status("Found %d unmapped computes in cell: %s"
               % (len(unmapped), cell.uuid))
        for host, node_uuid in unmapped:
            if host in mapped:
                continue
            status("Checking host mapping for compute host '%s': %s"
                   % (host, node_uuid))
            status("Creating host mapping for compute host '%s': %s"
                   % (host, node_uuid))
            mapping = HostMapping(context, host=host, cell_mapping=cell)
            mapping.create()
            mapped.add(host)
            created.append(mapping)
    return created
