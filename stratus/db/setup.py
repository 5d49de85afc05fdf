"""Bring a cloud's databases into being: migrate, and map cell0 and cell1.

The all-in-one, ``stratus manage`` and the tests all use this, so a cloud
is always set up the same way.
"""
import uuid

import sqlalchemy as sa

from stratus.db import api as db_api
from stratus.db import api_models
from stratus.db import migration

CELL0_UUID = "00000000-0000-0000-0000-000000000000"


def ensure_cell_mapping(databases, name, database_connection,
                        transport_url=None, cell_uuid=None):
    """Create the cell mapping unless one with this name exists; its uuid."""
    with databases.api.writer() as session:
        existing = session.scalar(sa.select(api_models.CellMapping).where(
            api_models.CellMapping.name == name))
        if existing is not None:
            return existing.uuid
        mapping = api_models.CellMapping(
            uuid=cell_uuid or str(uuid.uuid4()), name=name,
            database_connection=database_connection,
            transport_url=transport_url or "none:///")
        session.add(mapping)
        session.flush()
        return mapping.uuid


def set_transport_url(databases, cell_uuid, transport_url):
    """Point a cell mapping at another message transport."""
    with databases.api.writer() as session:
        session.execute(sa.update(api_models.CellMapping).where(
            api_models.CellMapping.uuid == cell_uuid).values(
                transport_url=transport_url))


def setup_cloud_databases(api_url, cell0_url, cell1_url, transport_url=None,
                          migrate=True, migrate_data=None):
    """Migrate all three databases and map cell0/cell1; the Databases.
    migrate=False: the caller knows them migrated (the tests' databases,
    emptied between tests, skip Alembic's fraction of a second).

    A cloud that is down for its upgrade (the all-in-one) migrates in one
    go: expand, then migrate_data(databases) (the online data migrations,
    run to completion) when contract revisions are pending, then
    contract."""
    schemas = (("api", api_url), ("cell", cell0_url), ("cell", cell1_url))
    contract = []
    if migrate:
        for kind, url in schemas:
            contract += migration.expand(kind, url)[1]
    databases = db_api.Databases(api_url)
    ensure_cell_mapping(databases, "cell0", cell0_url, cell_uuid=CELL0_UUID)
    ensure_cell_mapping(databases, "cell1", cell1_url, transport_url)
    if contract:
        if migrate_data is not None:
            migrate_data(databases)
        for kind, url in schemas:
            migration.upgrade(kind, url)
    return databases
