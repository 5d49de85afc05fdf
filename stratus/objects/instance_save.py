"""An instance's save: one conditional UPDATE per shape of save (its
columns and expected-state checks), and what a save whose checks failed
raises, or (a save sent again whose change is already applied) answers.
"""
import logging

import sqlalchemy as sa

from stratus.db import cell_models
from stratus import exception
from stratus.objects import fields

LOG = logging.getLogger(__name__)

_I = cell_models.Instance.__table__

_SAVE_STATEMENTS = {}


def _state_check(states):
    """How an expected-state check shapes the SQL: None (no check) or
    (whether no-state is allowed, whether states are listed)."""
    if states is None:
        return None
    if not isinstance(states, (list, tuple, set, frozenset)):
        states = [states]
    return (None in states, any(state is not None for state in states))


def save_statement(uuid, values, expected_task_state, expected_vm_state):
    """(UPDATE statement, parameters) of a save: the statement for one
    shape of save (its columns and state checks) is built once."""
    checks = ((_I.c.task_state, "expected_task_states", expected_task_state),
              (_I.c.vm_state, "expected_vm_states", expected_vm_state))
    key = (tuple(sorted(values)),) + tuple(
        _state_check(states) for _column, _name, states in checks)
    update = _SAVE_STATEMENTS.get(key)
    if update is None:
        update = sa.update(_I).where(
            _I.c.uuid == sa.bindparam("saved_uuid"), _I.c.deleted == 0)
        for (column, name, _states), shape in zip(checks, key[1:]):
            if shape is not None:
                allows_none, listed = shape
                conditions = []
                if listed:
                    conditions.append(column.in_(
                        sa.bindparam(name, expanding=True)))
                if allows_none:
                    conditions.append(column.is_(None))
                update = update.where(
                    sa.or_(*conditions) if conditions else sa.false())
        update = update.values(**{name: sa.bindparam("new_" + name)
                                  for name in values})
        _SAVE_STATEMENTS[key] = update
    params = {"saved_uuid": uuid}
    params.update(("new_" + name, value) for name, value in values.items())
    for _column, name, states in checks:
        if states is not None:
            if not isinstance(states, (list, tuple, set, frozenset)):
                states = [states]
            params[name] = [state for state in states if state is not None]
    return update, params


# The columns a repeated save must find as it sets them to be taken as
# already applied (task_state always among them).
REPEAT_COLUMNS = ("task_state", "vm_state", "host")


def raise_save_conflict(session, uuid, expected_task_state,
                         expected_vm_state, repeated=None):
    """Raise why a save's checks failed; unless repeated (the values of
    a save that may be a repeat) is already what the row holds: then the
    row's updated_at."""
    row = session.execute(sa.select(
        _I.c.task_state, _I.c.vm_state, _I.c.host, _I.c.updated_at).where(
        _I.c.uuid == uuid, _I.c.deleted == 0)).first()
    if row is None:
        raise exception.InstanceNotFound(instance_id=uuid)
    if repeated is not None and "task_state" in repeated and all(
            getattr(row, name) == repeated[name]
            for name in REPEAT_COLUMNS if name in repeated):
        LOG.info("Instance %s already holds task_state %s: a repeated save, "
                 "taken as applied", uuid, row.task_state)
        return row.updated_at
    if expected_vm_state is not None:
        raise exception.UnexpectedVMStateError(
            instance_uuid=uuid, expected=expected_vm_state,
            actual=row.vm_state)
    error = (exception.UnexpectedDeletingTaskStateError
             if row.task_state == fields.TaskState.DELETING
             else exception.UnexpectedTaskStateError)
    raise error(instance_uuid=uuid, expected=expected_task_state,
                actual=row.task_state)


# What a conductor's save reads of the instance it is sent, besides its
# changed fields (conductor RPC 1.14: changed_part).
SAVE_READS = ("uuid", "cell_uuid")
# Written as one document: all of them when one of them changed.
FLAVOR_FIELDS = ("flavor", "old_flavor", "new_flavor")


def changed_part(instance):
    """A copy of instance holding only what a conductor's save of it
    reads (conductor RPC 1.14): its changed fields (all its flavors when
    one of them changed), its uuid and cell, its changes marked as the
    instance's. A compute's save then sends and the conductor reads a
    few fields instead of the whole server (its flavor, keypairs, image
    properties...). The values are shared, not copied: the part is for
    sending at once."""
    changes = instance.obj_what_changed()
    names = set(changes).union(SAVE_READS)
    if changes.intersection(FLAVOR_FIELDS):
        names.update(FLAVOR_FIELDS)
    part = type(instance)(instance._context)
    loaded, copied = instance.__dict__, part.__dict__
    for name in names:
        attr = "_obj_" + name
        if attr in loaded:
            copied[attr] = loaded[attr]
    part._changed_fields = set(changes)
    return part


# What a save sets on the instance beyond the caller's changes: a
# conductor answers a compute's save with these alone (conductor RPC
# 1.12), not with the whole instance.
SAVE_SETS = ("updated_at", "cell_uuid")


def saved_values(instance):
    """{field: primitive} of what the save set (SAVE_SETS)."""
    return {name: instance.fields[name].to_primitive(
        instance, name, getattr(instance, name))
        for name in SAVE_SETS if instance.obj_attr_is_set(name)}


def apply_saved(instance, values):
    """The instance as saved: saved_values' values set, no change left
    (what the conductor's copy is after the save); returns it."""
    for name, value in values.items():
        setattr(instance, name, instance.fields[name].from_primitive(
            instance, name, value))
    instance.obj_reset_changes(recursive=True)
    return instance
