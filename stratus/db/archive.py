"""Archive and purge: the SQL of `stratus manage db archive_deleted_rows`
and `db purge` (stratus/cmd/manage_db.py).

Archiving moves deleted rows of a cell database into its shadow tables
(``shadow_<table>``, cell migration 0003): the rows of soft-deleted
servers with everything that hangs off them (actions and their events,
extra, metadata, faults, info cache, migrations, block device mappings),
then the other soft-deleted rows (services, compute nodes, a live
server's deleted block device mappings or metadata). Each batch moves at
most max_rows rows of the tables it selects from (the rows that hang off
an archived server go with it, beyond that count) in one transaction.
The API database rows of archived servers (instance mappings, request
specs, server group members) are removed by ``delete_api_records``.

Purging deletes rows from the shadow tables: all of them, or those whose
timestamp is before a date.
"""
import dataclasses

import sqlalchemy as sa

from stratus.db import api_models
from stratus.db import cell_models

SHADOW_PREFIX = "shadow_"

_SHADOW_META = sa.MetaData()


def _shadow(table):
    return sa.Table(SHADOW_PREFIX + table.name, _SHADOW_META,
                    *[sa.Column(column.name, column.type,
                                primary_key=column.primary_key,
                                autoincrement=False)
                      for column in table.columns])


_T = {table.name: table for table in cell_models.Base.metadata.sorted_tables}
INSTANCES = _T["instances"]
ACTIONS = _T["instance_actions"]
EVENTS = _T["instance_actions_events"]
# What hangs off a server, by its instance_uuid (instance_actions_events
# hangs off the actions and goes with them).
INSTANCE_CHILDREN = [_T[name] for name in (
    "instance_actions", "instance_extra", "instance_metadata",
    "instance_system_metadata", "instance_faults", "instance_info_caches",
    "migrations", "block_device_mapping")]
# The tables archiving selects soft-deleted rows from, servers first.
SOFT_DELETED = [INSTANCES] + [_T[name] for name in (
    "instance_actions", "instance_actions_events", "instance_metadata",
    "instance_system_metadata", "instance_faults", "instance_info_caches",
    "migrations", "block_device_mapping", "services", "compute_nodes")]
ARCHIVED = [INSTANCES, EVENTS, _T["instance_extra"]] + [
    table for table in SOFT_DELETED[1:] if table is not EVENTS]
SHADOWS = {table.name: _shadow(table) for table in ARCHIVED}

_API_TABLES = [api_models.InstanceMapping.__table__,
               api_models.RequestSpec.__table__,
               api_models.InstanceGroupMember.__table__]


@dataclasses.dataclass
class Batch:
    """What one archive batch moved: rows by table name, the uuids of
    the servers archived, and the rows counted against max_rows."""
    rows: dict
    instance_uuids: list
    total: int = 0


def archive_deleted_rows(db, max_rows, before=None):
    """Move up to max_rows deleted rows of the cell database db (a
    stratus.db.api.Database) to its shadow tables, deleted before the
    datetime before when given; a Batch."""
    batch = Batch({}, [])
    for table in SOFT_DELETED:
        if batch.total >= max_rows:
            break
        with db.writer() as session:
            batch.total += _archive_table(session, table,
                                          max_rows - batch.total, before,
                                          batch)
    return batch


def _archive_table(session, table, limit, before, batch):
    query = sa.select(table.c.id).where(table.c.deleted != 0)
    if before is not None:
        query = query.where(table.c.deleted_at < before)
    ids = session.scalars(query.order_by(table.c.id).limit(limit)).all()
    if not ids:
        return 0
    if table is INSTANCES:
        uuids = session.scalars(sa.select(INSTANCES.c.uuid).where(
            INSTANCES.c.id.in_(ids))).all()
        for child in INSTANCE_CHILDREN:
            child_ids = session.scalars(sa.select(child.c.id).where(
                child.c.instance_uuid.in_(uuids))).all()
            if child is ACTIONS:
                _archive_events(session, child_ids, batch)
            _move(session, child, child_ids, batch)
        batch.instance_uuids.extend(uuids)
    elif table is ACTIONS:
        _archive_events(session, ids, batch)
    _move(session, table, ids, batch)
    return len(ids)


def _archive_events(session, action_ids, batch):
    if action_ids:
        _move(session, EVENTS, session.scalars(sa.select(EVENTS.c.id).where(
            EVENTS.c.action_id.in_(action_ids))).all(), batch)


def _move(session, table, ids, batch):
    if not ids:
        return
    names = [column.name for column in table.columns]
    shadow = SHADOWS[table.name]
    session.execute(sa.insert(shadow).from_select(
        names, sa.select(*table.columns).where(table.c.id.in_(ids))))
    session.execute(sa.delete(table).where(table.c.id.in_(ids)))
    batch.rows[table.name] = batch.rows.get(table.name, 0) + len(ids)


def delete_api_records(api_db, instance_uuids):
    """Remove the API database rows of archived servers; {table name:
    rows deleted}."""
    deleted = {}
    with api_db.writer() as session:
        for table in _API_TABLES:
            deleted[table.name] = session.execute(sa.delete(table).where(
                table.c.instance_uuid.in_(instance_uuids))).rowcount
    return deleted


def purge_shadow_tables(db, before=None, status=None):
    """Delete the rows of the cell database's shadow tables (those whose
    timestamp is before the datetime before, when given); the number of
    rows deleted. status(message) hears of each table purged."""
    total = 0
    with db.writer() as session:
        for shadow in SHADOWS.values():
            column = (shadow.c.deleted_at if "deleted_at" in shadow.c
                      else shadow.c.updated_at)
            statement = sa.delete(shadow)
            if before is not None:
                statement = statement.where(sa.func.coalesce(
                    column, shadow.c.created_at) < before)
            rows = session.execute(statement).rowcount
            total += rows
            if rows and status:
                if before is None:
                    status("Deleted %i rows from %s" % (rows, shadow.name))
                else:
                    status("Deleted %i rows from %s based on timestamp "
                           "column %s" % (rows, shadow.name, column.name))
    return total
