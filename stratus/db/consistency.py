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
# uuids are looked up this many at a time (bound parameters).
BATCH = 500


def live_consumers(db, uuids):
    """Those of uuids that are a live server or migration record in the
    cell database db (a Database)."""
    found = set()
    with db.reader() as session:
        for start in range(0, len(uuids), BATCH):
            chunk = uuids[start:start + BATCH]
            for table in (_INSTANCES, _MIGRATIONS):
                found.update(session.scalars(sa.select(table.c.uuid).where(
                    table.c.deleted == 0, table.c.uuid.in_(chunk))))
    return found


def live_instance_uuids(db):
    """uuids of the live servers of the cell database db."""
    with db.reader() as session:
        return list(session.scalars(sa.select(_INSTANCES.c.uuid).where(
            _INSTANCES.c.deleted == 0)))


def unmapped(api_db, uuids):
    """(uuids without an instance mapping, uuids without a request
    spec), of uuids, in the API database."""
    missing = ([], [])
    with api_db.reader() as session:
        for start in range(0, len(uuids), BATCH):
            chunk = uuids[start:start + BATCH]
            for table, into in ((_MAPPINGS, missing[0]),
                                (_SPECS, missing[1])):
                known = set(session.scalars(sa.select(
                    table.c.instance_uuid).where(
                        table.c.instance_uuid.in_(chunk))))
                into.extend(uuid for uuid in chunk if uuid not in known)
    return missing


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
