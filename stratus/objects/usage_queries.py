"""The instances a usage report covers (os-simple-tenant-usage): those
of every cell with hosts that were launched before the end of the window
and not terminated before its start, deleted ones included (a deleted
server was used while it ran). Ordered by project, then uuid, as Nova
pages them; one statement per cell."""
import json

import sqlalchemy as sa

from stratus.db import cell_models
from stratus import exception
from stratus.objects import cell_mapping as cell_mapping_obj

_I = cell_models.Instance.__table__
_EXTRA = cell_models.InstanceExtra.__table__

_COLUMNS = ("uuid", "display_name", "project_id", "vm_state", "memory_mb",
            "vcpus", "root_gb", "ephemeral_gb", "launched_at",
            "terminated_at", "deleted")
_IN_WINDOW = sa.select(
    *(_I.c[name] for name in _COLUMNS), _EXTRA.c.flavor).select_from(
    _I.outerjoin(_EXTRA, _EXTRA.c.instance_uuid == _I.c.uuid)).where(
    sa.or_(_I.c.terminated_at.is_(None),
           _I.c.terminated_at > sa.bindparam("start")),
    _I.c.launched_at < sa.bindparam("stop")).order_by(
    _I.c.project_id, _I.c.uuid)
_MARKER = sa.select(_I.c.project_id, _I.c.uuid).where(
    _I.c.uuid == sa.bindparam("marker"))


def _flavor_name(document):
    """The name of the current flavor in an instance's flavor document;
    '' when there is none (Nova cannot bill what it cannot name)."""
    if not document:
        return ""
    try:
        current = json.loads(document).get("cur") or {}
    except ValueError:
        return ""
    return current.get("name") or ""


def _row(row):
    values = dict(zip(_COLUMNS, row[:len(_COLUMNS)]))
    values["flavor"] = _flavor_name(row[len(_COLUMNS)])
    return values


def _marker_key(context, marker):
    """(project id, uuid) of the marker instance, looked for in every
    cell, deleted or not; MarkerNotFound (400) when no cell has it."""
    found = cell_mapping_obj.over_host_cells(
        context, lambda session, cell_uuid: session.execute(
            _MARKER, {"marker": marker}).all())
    if not found:
        raise exception.MarkerNotFound(marker=marker)
    return tuple(found[0])


def instances_in_window(context, start, stop, project_id=None, limit=None,
                        marker=None):
    """[{uuid, display_name, project_id, vm_state, memory_mb, vcpus,
    root_gb, ephemeral_gb, launched_at, terminated_at, deleted, flavor}]
    of the instances used between start and stop, at most limit of them,
    after marker (an instance uuid)."""
    query = _IN_WINDOW
    if project_id is not None:
        query = query.where(_I.c.project_id == project_id)
    if marker is not None:
        after_project, after_uuid = _marker_key(context, marker)
        query = query.where(sa.or_(
            _I.c.project_id > after_project,
            sa.and_(_I.c.project_id == after_project,
                    _I.c.uuid > after_uuid)))
    if limit is not None:
        query = query.limit(limit)
    params = {"start": start, "stop": stop}
    rows = cell_mapping_obj.over_host_cells(
        context, lambda session, cell_uuid: [
            _row(row) for row in session.execute(query, params)])
    # Each cell's page is in order; the first limit of all of them is
    # the page across cells.
    rows.sort(key=lambda row: (row["project_id"] or "", row["uuid"]))
    return rows if limit is None else rows[:limit]
