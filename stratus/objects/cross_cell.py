"""A server's records moved between cell databases (cross-cell resize and
cold migration, stratus/conductor/tasks/cross_cell_migrate.py).

Everything of one server in a cell database (stratus/db/cell_models.py):
the instance row, its extra and info cache, metadata and system metadata,
tags, faults, actions and their events, block device mappings and
migrations. ``copy_instance`` writes all of it into another cell in ONE
transaction of the target (a copy cut off half-way leaves nothing
there), keeping what the API shows: the server's uuid, the uuids of its
migrations and block device mappings, the request ids of its actions.
Row ids are the target's own (each database numbers its rows).

The copy is ``hidden`` while the source still owns the server (Nova's
``Instance.hidden``), its migrations too: lists (of servers, of
migrations) skip it. For the instant of a switch both copies are shown
(the new owner's first), and a list of servers shows the one of the cell
the instance mapping names.
``purge_instance`` removes a server's copy from a cell (a confirmed move
drops the source's, a reverted one the target's), ``sync_actions``
brings the actions and events recorded on one copy since the copy into
the other, ``sync_user_data`` its metadata and tags, and
``refresh_block_devices`` its block device mappings (the volumes'
attachments a compute changed).
"""
import sqlalchemy as sa

from stratus.db import cell_models
from stratus import exception

_INSTANCES = cell_models.Instance.__table__
_ACTIONS = cell_models.InstanceAction.__table__
_EVENTS = cell_models.InstanceActionEvent.__table__
_TAGS = cell_models.Tag.__table__
_METADATA = cell_models.InstanceMetadata.__table__
_MIGRATIONS = cell_models.Migration.__table__
_BDMS = cell_models.BlockDeviceMapping.__table__
# The tables holding rows of one server by its instance_uuid, in the
# order they are written (each after what it refers to). Actions and
# their events are copied apart (an event refers to its action's id).
_BY_INSTANCE_UUID = tuple(model.__table__ for model in (
    cell_models.InstanceExtra, cell_models.InstanceInfoCache,
    cell_models.InstanceMetadata, cell_models.InstanceSystemMetadata,
    cell_models.InstanceFault, cell_models.BlockDeviceMapping,
    cell_models.Migration))


def _live(table):
    """Rows not soft-deleted (a soft-deleted row's ``deleted`` is its own
    id, which means nothing in another database)."""
    return table.c.deleted == 0 if "deleted" in table.c else sa.true()


def _without_id(row):
    values = dict(row._mapping)
    values.pop("id", None)
    return values


class _Records:
    """One server's rows as read from a cell."""

    def __init__(self, instance, rows, tags, actions, events):
        self.instance = instance
        # table -> [row values without id]
        self.rows = rows
        self.tags = tags
        # [(old action id, values without id)]
        self.actions = actions
        # old action id -> [event values without id or action_id]
        self.events = events


def _read(session, instance_uuid):
    instance = session.execute(sa.select(_INSTANCES).where(
        _INSTANCES.c.uuid == instance_uuid, _live(_INSTANCES))).first()
    if instance is None:
        raise exception.InstanceNotFound(instance_id=instance_uuid)
    rows = {}
    for table in _BY_INSTANCE_UUID:
        rows[table] = [_without_id(row) for row in session.execute(
            sa.select(table).where(table.c.instance_uuid == instance_uuid,
                                   _live(table)).order_by(table.c.id))]
    tags = [dict(row._mapping) for row in session.execute(
        sa.select(_TAGS).where(_TAGS.c.resource_id == instance_uuid))]
    actions = [(row.id, _without_id(row)) for row in session.execute(
        sa.select(_ACTIONS).where(_ACTIONS.c.instance_uuid == instance_uuid,
                                  _live(_ACTIONS)).order_by(_ACTIONS.c.id))]
    events = {}
    if actions:
        for row in session.execute(sa.select(_EVENTS).where(
                _EVENTS.c.action_id.in_([old for old, _ in actions]),
                _live(_EVENTS)).order_by(_EVENTS.c.id)):
            values = _without_id(row)
            events.setdefault(values.pop("action_id"), []).append(values)
    return _Records(_without_id(instance), rows, tags, actions, events)


def _insert(session, table, rows):
    """Insert rows into table (a step the tests interrupt)."""
    if rows:
        session.execute(table.insert(), rows)


def _write(session, records, hidden):
    _insert(session, _INSTANCES, [dict(records.instance, hidden=hidden)])
    for table in _BY_INSTANCE_UUID:
        rows = records.rows[table]
        if table is _MIGRATIONS:
            rows = [dict(row, hidden=hidden) for row in rows]
        _insert(session, table, rows)
    _insert(session, _TAGS, records.tags)
    for old_id, values in records.actions:
        new_id = session.execute(
            _ACTIONS.insert(), values).inserted_primary_key[0]
        _insert(session, _EVENTS, [dict(event, action_id=new_id)
                                   for event in records.events.get(old_id,
                                                                   ())])


def copy_instance(ctx, instance_uuid, source_cell_uuid, target_cell_uuid,
                  hidden=True):
    """Copy the server and everything of it from the source cell's
    database to the target's, in one transaction of the target; the
    copy is hidden unless told otherwise. A hidden copy already in the
    target (left by an earlier move of this server) is replaced;
    InstanceExists when the target holds a visible one (the server
    already lives there)."""
    with ctx.cell_db_for(source_cell_uuid).reader() as session:
        records = _read(session, instance_uuid)
    with ctx.cell_db_for(target_cell_uuid).writer() as session:
        present = session.execute(sa.select(_INSTANCES.c.hidden).where(
            _INSTANCES.c.uuid == instance_uuid)).first()
        if present is not None:
            if not present.hidden:
                raise exception.InstanceExists(name=instance_uuid)
            _purge(session, instance_uuid)
        _write(session, records, hidden)


def _purge(session, instance_uuid):
    action_ids = sa.select(_ACTIONS.c.id).where(
        _ACTIONS.c.instance_uuid == instance_uuid).scalar_subquery()
    session.execute(sa.delete(_EVENTS).where(
        _EVENTS.c.action_id.in_(action_ids)))
    session.execute(sa.delete(_ACTIONS).where(
        _ACTIONS.c.instance_uuid == instance_uuid))
    session.execute(sa.delete(_TAGS).where(
        _TAGS.c.resource_id == instance_uuid))
    for table in reversed(_BY_INSTANCE_UUID):
        session.execute(sa.delete(table).where(
            table.c.instance_uuid == instance_uuid))
    return session.execute(sa.delete(_INSTANCES).where(
        _INSTANCES.c.uuid == instance_uuid)).rowcount


def purge_instance(ctx, instance_uuid, cell_uuid):
    """Remove the server and everything of it from one cell's database
    (hard: its uuid is unique in a cell, and the copy that stays is the
    server's record). Whether there was one."""
    with ctx.cell_db_for(cell_uuid).writer() as session:
        return bool(_purge(session, instance_uuid))


def set_hidden(ctx, instance_uuid, cell_uuid, hidden):
    """Hide (or show) the server's copy in one cell, its migrations with
    it (os-migrations shows each once); whether it exists."""
    with ctx.cell_db_for(cell_uuid).writer() as session:
        session.execute(sa.update(_MIGRATIONS).where(
            _MIGRATIONS.c.instance_uuid == instance_uuid).values(
            hidden=hidden))
        return bool(session.execute(sa.update(_INSTANCES).where(
            _INSTANCES.c.uuid == instance_uuid).values(
            hidden=hidden)).rowcount)


def _owned_by(table, instance_uuid):
    column = (table.c.instance_uuid if "instance_uuid" in table.c
              else table.c.resource_id)
    return column == instance_uuid


def _replace_rows(ctx, instance_uuid, from_cell_uuid, to_cell_uuid, tables):
    """Make the server's rows of tables in to_cell those of from_cell, in
    one transaction of to_cell. Whether from_cell has the server
    (nothing changes when it has not)."""
    with ctx.cell_db_for(from_cell_uuid).reader() as session:
        if session.execute(sa.select(_INSTANCES.c.id).where(
                _INSTANCES.c.uuid == instance_uuid)).first() is None:
            return False
        rows = {}
        for table in tables:
            query = sa.select(table).where(_owned_by(table, instance_uuid),
                                           _live(table))
            if "id" in table.c:
                query = query.order_by(table.c.id)
            rows[table] = [_without_id(row) for row in session.execute(query)]
    with ctx.cell_db_for(to_cell_uuid).writer() as session:
        for table in tables:
            session.execute(sa.delete(table).where(
                _owned_by(table, instance_uuid)))
            _insert(session, table, rows[table])
    return True


def sync_user_data(ctx, instance_uuid, from_cell_uuid, to_cell_uuid):
    """Make the server's metadata and tags in to_cell those of from_cell
    (what its owner changed on the copy that was the server: during a
    move, or while it waited in VERIFY_RESIZE). Whether from_cell has
    the server."""
    return _replace_rows(ctx, instance_uuid, from_cell_uuid, to_cell_uuid,
                         (_METADATA, _TAGS))


def refresh_block_devices(ctx, instance_uuid, from_cell_uuid, to_cell_uuid):
    """Make the server's block device mappings in to_cell those of
    from_cell (a compute there changed its volumes' attachments during
    the move). Whether from_cell has the server (nothing changes when
    it has not)."""
    return _replace_rows(ctx, instance_uuid, from_cell_uuid, to_cell_uuid,
                         (_BDMS,))


def _action_key(values):
    return (values["action"], values["request_id"])


def _event_key(values):
    return (values["event"], values["start_time"])


def sync_actions(ctx, instance_uuid, from_cell_uuid, to_cell_uuid):
    """Bring the server's actions and events recorded in from_cell since
    the copy into to_cell (new ones added, finished ones finished), in
    one transaction of to_cell."""
    with ctx.cell_db_for(from_cell_uuid).reader() as session:
        actions = [(row.id, _without_id(row)) for row in session.execute(
            sa.select(_ACTIONS).where(
                _ACTIONS.c.instance_uuid == instance_uuid,
                _live(_ACTIONS)).order_by(_ACTIONS.c.id))]
        events = {}
        for row in session.execute(sa.select(_EVENTS).where(
                _EVENTS.c.action_id.in_([old for old, _ in actions]),
                _live(_EVENTS)).order_by(_EVENTS.c.id)):
            values = _without_id(row)
            events.setdefault(values.pop("action_id"), []).append(values)
    with ctx.cell_db_for(to_cell_uuid).writer() as session:
        known = {_action_key(row._mapping): row for row in session.execute(
            sa.select(_ACTIONS).where(
                _ACTIONS.c.instance_uuid == instance_uuid,
                _live(_ACTIONS)))}
        for old_id, values in actions:
            row = known.get(_action_key(values))
            if row is None:
                action_id = session.execute(
                    _ACTIONS.insert(), values).inserted_primary_key[0]
            else:
                action_id = row.id
                if row.finish_time is None and values["finish_time"]:
                    session.execute(sa.update(_ACTIONS).where(
                        _ACTIONS.c.id == action_id).values(
                        finish_time=values["finish_time"],
                        message=values["message"]))
            _sync_events(session, action_id, events.get(old_id, ()))


def _sync_events(session, action_id, events):
    there = {_event_key(row._mapping): row for row in session.execute(
        sa.select(_EVENTS).where(_EVENTS.c.action_id == action_id,
                                 _live(_EVENTS)))}
    for values in events:
        row = there.get(_event_key(values))
        if row is None:
            session.execute(_EVENTS.insert(),
                            [dict(values, action_id=action_id)])
        elif row.finish_time is None and values["finish_time"]:
            session.execute(sa.update(_EVENTS).where(
                _EVENTS.c.id == row.id).values(
                finish_time=values["finish_time"], result=values["result"],
                traceback=values["traceback"], details=values["details"]))
