"""Reads that check one database's records against another's: what the
placement maintenance commands (stratus/conductor/placement_audit.py)
and the upgrade checks (stratus/cmd/status.py) ask of a cell database
or of the API database. One statement each."""
import sqlalchemy as sa

from stratus.db import api_models
from stratus.db import cell_models

_INSTANCES = cell_models.Instance.__table__
_MIGRATIONS = cell_models.Migration.__table__
_NODES = cell_models.ComputeNode.__table__
_SERVICES = cell_models.Service.__table__
_MAPPINGS = api_models.InstanceMapping.__table__
_SPECS = api_models.RequestSpec.__table__
_BUILD_REQUESTS = api_models.BuildRequest.__table__
_CELLS = api_models.CellMapping.__table__
# uuids are looked up this many at a time (bound parameters).
BATCH = 500


def _among(session, column, uuids, *where):
    """Those of uuids found in column (where the conditions hold)."""
    found = set()
    for start in range(0, len(uuids), BATCH):
        found.update(session.scalars(sa.select(column).where(
            column.in_(uuids[start:start + BATCH]), *where)))
    return found


def live_consumers(db, uuids):
    """Those of uuids that are a live server or migration record in the
    cell database db (a Database)."""
    with db.reader() as session:
        return (_among(session, _INSTANCES.c.uuid, uuids,
                       _INSTANCES.c.deleted == 0)
                | _among(session, _MIGRATIONS.c.uuid, uuids,
                         _MIGRATIONS.c.deleted == 0))


def instances_among(db, uuids, live_only=False):
    """Those of uuids that have a server row in the cell database db
    (deleted or not, unless live_only)."""
    where = [_INSTANCES.c.deleted == 0] if live_only else []
    with db.reader() as session:
        return _among(session, _INSTANCES.c.uuid, uuids, *where)


def build_requests(api_db, uuids=None):
    """The instance uuids of the build requests (those among uuids when
    given)."""
    with api_db.reader() as session:
        if uuids is None:
            return set(session.scalars(sa.select(
                _BUILD_REQUESTS.c.instance_uuid)))
        return _among(session, _BUILD_REQUESTS.c.instance_uuid, uuids)


def mapped_to_cell(api_db, cell_uuid):
    """uuids of the instance mappings to that cell not queued for
    delete."""
    with api_db.reader() as session:
        return list(session.scalars(sa.select(_MAPPINGS.c.instance_uuid)
                                    .join(_CELLS, _CELLS.c.id
                                          == _MAPPINGS.c.cell_id).where(
            _CELLS.c.uuid == cell_uuid,
            _MAPPINGS.c.queued_for_delete.is_(False))))


def live_instance_uuids(db):
    """uuids of the live servers of the cell database db."""
    with db.reader() as session:
        return list(session.scalars(sa.select(_INSTANCES.c.uuid).where(
            _INSTANCES.c.deleted == 0)))


def unmapped(api_db, uuids):
    """(uuids without an instance mapping, uuids without a request
    spec), of uuids, in the API database."""
    with api_db.reader() as session:
        return tuple([uuid for uuid in uuids if uuid not in known]
                     for known in (
                         _among(session, _MAPPINGS.c.instance_uuid, uuids),
                         _among(session, _SPECS.c.instance_uuid, uuids)))


def compute_hosts(db):
    """The hosts of the live compute nodes of the cell database db."""
    with db.reader() as session:
        return set(session.scalars(sa.select(_NODES.c.host).where(
            _NODES.c.deleted == 0).distinct()))


def service_versions(db, binary):
    """[(host, version)] of the live services of that binary."""
    with db.reader() as session:
        return [tuple(row) for row in session.execute(sa.select(
            _SERVICES.c.host, _SERVICES.c.version).where(
                _SERVICES.c.deleted == 0, _SERVICES.c.binary == binary))]
