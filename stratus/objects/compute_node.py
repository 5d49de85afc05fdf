"""ComputeNode: one hypervisor a compute service manages.

Lives in the compute host's cell database; lists span all cells and each
object records its ``cell_uuid``. Computes never write these rows
themselves: they send their nodes to ``ConductorAPI.compute_nodes_update``,
which also keeps each node's placement resource provider in step.
"""
import sqlalchemy as sa
from oslo_utils import uuidutils
from oslo_utils import versionutils

from stratus.db import cell_models
from stratus.db.types import utcnow
from stratus import exception
from stratus.objects import base
from stratus.objects import cell_mapping as cell_mapping_obj
from stratus.objects import fields

_NODES = cell_models.ComputeNode
_TABLE = _NODES.__table__
# Rows per statement when reading nodes by uuid.
_READ_CHUNK = 1000
_COLUMNS = (
    "uuid", "service_id", "host", "hypervisor_hostname", "vcpus", "memory_mb",
    "local_gb", "vcpus_used", "memory_mb_used", "local_gb_used",
    "hypervisor_type", "hypervisor_version", "cpu_info",
    "disk_available_least", "free_ram_mb", "free_disk_gb",
    "current_workload", "running_vms", "host_ip", "supported_instances",
    "stats", "metrics", "numa_topology", "cpu_allocation_ratio", "ram_allocation_ratio",
    "disk_allocation_ratio")


@base.register
class ComputeNode(base.StratusObject, base.StratusPersistentObject):
    # 1.0: initial; 1.1: metrics
    VERSION = "1.1"
    fields = dict(base.StratusPersistentObject.fields, **{
        "id": fields.IntegerField(),
        "uuid": fields.UUIDField(),
        "service_id": fields.IntegerField(nullable=True),
        "host": fields.StringField(nullable=True),
        "hypervisor_hostname": fields.StringField(nullable=True),
        "vcpus": fields.IntegerField(),
        "memory_mb": fields.IntegerField(),
        "local_gb": fields.IntegerField(),
        "vcpus_used": fields.IntegerField(default=0),
        "memory_mb_used": fields.IntegerField(default=0),
        "local_gb_used": fields.IntegerField(default=0),
        "hypervisor_type": fields.StringField(),
        "hypervisor_version": fields.IntegerField(),
        "cpu_info": fields.StringField(default=""),
        "disk_available_least": fields.IntegerField(nullable=True),
        "free_ram_mb": fields.IntegerField(nullable=True),
        "free_disk_gb": fields.IntegerField(nullable=True),
        "current_workload": fields.IntegerField(nullable=True),
        "running_vms": fields.IntegerField(nullable=True),
        "host_ip": fields.StringField(nullable=True),
        "supported_instances": fields.StringField(nullable=True),
        # JSON: {"num_instances", "io_workload", "failed_builds", ...}
        "stats": fields.StringField(nullable=True),
        # JSON: [{"name", "value", "source"}] (Nova's MonitorMetricList).
        "metrics": fields.StringField(nullable=True),
        "numa_topology": fields.StringField(nullable=True),
        "cpu_allocation_ratio": fields.FloatField(default=1.0),
        "ram_allocation_ratio": fields.FloatField(default=1.0),
        "disk_allocation_ratio": fields.FloatField(default=1.0),
        # What the host keeps for itself, in inventory units; reported by
        # the compute for the placement inventories, not stored in the row.
        "vcpus_reserved": fields.IntegerField(default=0),
        "memory_mb_reserved": fields.IntegerField(default=0),
        "disk_gb_reserved": fields.IntegerField(default=0),
        "cell_uuid": fields.UUIDField(nullable=True),
    })

    def obj_make_compatible(self, primitive, target_version):
        super().obj_make_compatible(primitive, target_version)
        if versionutils.convert_version_to_tuple(target_version) < (1, 1):
            primitive.pop("metrics", None)

    @classmethod
    def _from_db(cls, context, row, cell_uuid):
        node = cls._from_row(cls(), row, context)
        node.cell_uuid = cell_uuid
        node.obj_reset_changes()
        return node

    @classmethod
    def get_by_uuid(cls, context, node_uuid):
        nodes = ComputeNodeList._get(context, _NODES.uuid == node_uuid)
        if not nodes:
            raise exception.ComputeNodeNotFound(node=node_uuid)
        return nodes[0]

    @classmethod
    def get_by_id(cls, context, node_id, cell_uuid):
        with context.cell_db_for(cell_uuid).reader() as session:
            row = session.scalar(sa.select(_NODES).where(
                _NODES.id == node_id, _NODES.deleted == 0))
            if row is None:
                raise exception.ComputeNodeNotFound(node=node_id)
            return cls._from_db(context, row, cell_uuid)

    @classmethod
    def get_by_host_and_nodename(cls, context, host, nodename):
        nodes = ComputeNodeList._get(context, _NODES.host == host,
                                     _NODES.hypervisor_hostname == nodename)
        if not nodes:
            raise exception.ComputeNodeNotFound(node=nodename)
        return nodes[0]

    def stamp(self):
        """When the row last changed (as the database wrote it)."""
        return self.updated_at or self.created_at

    def column_values(self):
        return {name: getattr(self, name) for name in _COLUMNS
                if self.obj_attr_is_set(name)}


@base.register
class ComputeNodeList(base.ObjectListBase, base.StratusObject):
    # 1.0: initial; 1.1: ComputeNode 1.1
    VERSION = "1.1"
    fields = {"objects": fields.ListOfObjectsField("ComputeNode")}
    obj_relationships = {"objects": [("1.0", "1.0"), ("1.1", "1.1")]}

    @classmethod
    def _get(cls, context, *where, down_cells=None, cell_uuids=None):
        query = sa.select(_NODES).where(_NODES.deleted == 0, *where).order_by(
            _NODES.id)
        return cell_mapping_obj.over_host_cells(
            context, lambda session, cell: [
                ComputeNode._from_db(context, row, cell)
                for row in session.scalars(query)], down_cells, cell_uuids)

    @classmethod
    def get_all(cls, context, down_cells=None, cell_uuids=None, uuids=None):
        """The nodes of every cell that answers (of those of cell_uuids
        when given; those of uuids when given); down_cells: a list to add
        the cells that do not answer to."""
        where = () if uuids is None else (_NODES.uuid.in_(sorted(uuids)),)
        return cls.from_objects(context, cls._get(
            context, *where, down_cells=down_cells, cell_uuids=cell_uuids))

    @classmethod
    def get_by_host(cls, context, host):
        return cls.from_objects(context, cls._get(context, _NODES.host == host))

    @classmethod
    def changed_since(cls, context, since, known=None, down_cells=None):
        """What a cache of every node reads to stay current: ([nodes
        created or updated at or after since, except those whose
        ``stamp()`` known ({uuid: stamp}) already holds], [uuids of nodes
        deleted then]) over every cell that answers (down_cells: a list
        to add the others to)."""
        known = known or {}
        recent = sa.or_(_TABLE.c.updated_at >= since,
                        _TABLE.c.created_at >= since)
        # The stamps first: most rows of the window are known already,
        # and a whole row (JSON columns and all) costs many times more.
        stamps = sa.select(_TABLE.c.uuid, _TABLE.c.deleted,
                           _TABLE.c.updated_at, _TABLE.c.created_at).where(
            recent)

        def read(session, cell):
            rows, changed = [], []
            for uuid, deleted, updated_at, created_at in session.execute(
                    stamps).all():
                if deleted:
                    rows.append((True, uuid))
                elif known.get(uuid) != (updated_at or created_at):
                    changed.append(uuid)
            for start in range(0, len(changed), _READ_CHUNK):
                for row in session.execute(sa.select(_TABLE).where(
                        recent, _TABLE.c.deleted == 0, _TABLE.c.uuid.in_(
                            changed[start:start + _READ_CHUNK]))):
                    rows.append((False, ComputeNode._from_db(
                        context, row, cell)))
            return rows
        rows = cell_mapping_obj.over_host_cells(context, read, down_cells)
        return ([node for deleted, node in rows if not deleted],
                [node for deleted, node in rows if deleted])

    @classmethod
    def update_host(cls, context, cell_uuid, host, service_id, nodes):
        """Create or update the host's nodes (matched by uuid, else by
        hypervisor_hostname) in one transaction; the stored nodes.

        Nodes without a uuid get one. Reserved amounts are carried over to
        the result, for the caller's placement inventories.
        """
        now = utcnow()
        with context.cell_db_for(cell_uuid).writer() as session:
            # Only the rows these nodes may match: a host reporting its
            # nodes in chunks must not read all of them for every chunk.
            names = [node.hypervisor_hostname for node in nodes
                     if node.obj_attr_is_set("hypervisor_hostname")]
            uuids = [node.uuid for node in nodes
                     if node.obj_attr_is_set("uuid")]
            existing = session.scalars(sa.select(_NODES).where(
                _NODES.host == host, _NODES.deleted == 0, sa.or_(
                    _NODES.hypervisor_hostname.in_(names),
                    _NODES.uuid.in_(uuids)))).all()
            by_uuid = {row.uuid: row for row in existing}
            by_name = {row.hypervisor_hostname: row for row in existing}
            rows = []
            for node in nodes:
                values = dict(node.column_values(), host=host,
                              service_id=service_id)
                row = (by_uuid.get(values.get("uuid"))
                       or by_name.get(values.get("hypervisor_hostname")))
                if row is None:
                    values.setdefault("uuid", uuidutils.generate_uuid())
                    row = _NODES(created_at=now, **values)
                    session.add(row)
                else:
                    values.pop("uuid", None)
                    for name, value in values.items():
                        setattr(row, name, value)
                rows.append(row)
            session.flush()
            result = [ComputeNode._from_db(context, row, cell_uuid)
                      for row in rows]
        for node, stored in zip(nodes, result):
            for name in ("vcpus_reserved", "memory_mb_reserved",
                         "disk_gb_reserved"):
                setattr(stored, name, node.get(name, 0))
            stored.obj_reset_changes()
        return cls.from_objects(context, result)
