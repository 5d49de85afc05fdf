"""What the volume stores share: rows as dicts, the project lock of
quota-using writes, compare-and-set status updates."""
import contextlib
import datetime
import uuid

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from stratus.db import volume_models as models


def new_id():
    return str(uuid.uuid4())


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


def as_dict(row):
    return dict(row._mapping) if row is not None else None


def rows(session, query):
    return [dict(mapping) for mapping in session.execute(query).mappings()]


def first(session, query):
    found = session.execute(query).mappings().first()
    return dict(found) if found is not None else None


def _ensure_lock_row(db, project_id):
    table = models.ProjectLock.__table__
    with db.reader() as session:
        if session.execute(sa.select(table.c.project_id).where(
                table.c.project_id == project_id)).first() is not None:
            return
    try:
        with db.writer() as session:
            session.execute(sa.insert(table).values(project_id=project_id))
    except sa_exc.IntegrityError:
        pass  # a racing request made it


@contextlib.contextmanager
def project_transaction(db, project_id):
    """A write transaction holding the lock of the project's row (made
    on first use): quota counts and the rows they count are then one
    step (SQLite's writers are serialized already)."""
    _ensure_lock_row(db, project_id)
    table = models.ProjectLock.__table__
    with db.writer() as session:
        session.execute(sa.select(table.c.project_id).where(
            table.c.project_id == project_id).with_for_update()).first()
        yield session


def compare_and_set(session, table, row_id, expected, values,
                    extra=()):
    """UPDATE table SET values WHERE id = row_id AND status IN expected
    (and the extra conditions): whether this request won."""
    query = sa.update(table).where(table.c.id == row_id)
    if expected is not None:
        query = query.where(table.c.status.in_(list(expected)))
    for condition in extra:
        query = query.where(condition)
    values = dict(values, updated_at=utcnow())
    return session.execute(query.values(**values)).rowcount == 1


def visible(ctx, table, query, all_projects=False):
    """A list narrowed to the caller's project (an administrator's with
    all_tenants sees every project's)."""
    if ctx.is_admin and all_projects:
        return query
    return query.where(table.c.project_id == ctx.project_id)


def can_see(ctx, row):
    return row is not None and (ctx.is_admin
                                or row["project_id"] == ctx.project_id)


def paginate(query, table, sort, limit, marker_row):
    """sort: [(column, "asc"|"desc")]; then id for a stable order.
    marker_row: the row after which the page starts."""
    order = []
    for column, direction in sort:
        attribute = table.c[column]
        order.append(attribute.desc() if direction == "desc"
                     else attribute.asc())
    order.append(table.c.id.asc())
    query = query.order_by(*order)
    if marker_row is not None:
        # Keyset pagination on the first sort key, then id.
        column, direction = sort[0] if sort else ("id", "asc")
        attribute = table.c[column]
        value = marker_row[column]
        if column == "id":
            query = query.where(attribute > value if direction == "asc"
                                else attribute < value)
        else:
            after = (attribute > value if direction == "asc"
                     else attribute < value)
            query = query.where(sa.or_(after, sa.and_(
                attribute == value, table.c.id > marker_row["id"])))
    if limit is not None:
        query = query.limit(limit)
    return query


def list_page(db, ctx, table, query, sort, limit, marker):
    """A page of a visible list: rows after the marker's (400 for a
    marker the caller may not see)."""
    from stratus.volume import exception as vol_exception
    with db.reader() as session:
        marker_row = None
        if marker is not None:
            marker_row = first(session, sa.select(table).where(
                table.c.id == marker))
            if not can_see(ctx, marker_row):
                raise vol_exception.InvalidInput(
                    reason="Invalid marker: %s" % marker)
        return rows(session, paginate(query, table, sort, limit,
                                      marker_row))
