"""What every resource store shares: rows to dicts, filters, sorting and
the revision bump of Neutron's standard attributes."""
import datetime
import uuid

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from stratus.network import exception as net_exception


def new_id():
    return str(uuid.uuid4())


def isotime(value):
    """Neutron's timestamps: 2024-01-01T00:00:00Z."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def standard_attributes(row):
    """Neutron's standard attributes of any resource row."""
    return {
        "project_id": row.project_id,
        "tenant_id": row.project_id,
        "description": row.description,
        "revision_number": row.revision_number,
        "created_at": isotime(row.created_at),
        "updated_at": isotime(row.updated_at or row.created_at),
        "tags": list(getattr(row, "tags", None) or []),
    }


def apply_filters(query, model, column_filters):
    """column_filters: {column name: [values]}; several values of one
    column match any of them (Neutron's OR within a filter)."""
    for column, values in column_filters.items():
        attribute = getattr(model, column)
        if None in values:
            others = [value for value in values if value is not None]
            query = query.where(sa.or_(attribute.is_(None),
                                       attribute.in_(others)))
        else:
            query = query.where(attribute.in_(values))
    return query


def apply_sorts(query, model, sorts):
    """sorts: [(column, "asc"|"desc")], then id for a stable order."""
    for column, direction in sorts:
        attribute = getattr(model, column)
        query = query.order_by(attribute.desc() if direction == "desc"
                               else attribute.asc())
    return query.order_by(model.id.asc())


def matches(value, wanted):
    """A filter on a field without a column: a list field matches when
    it holds any wanted value, others when they equal one."""
    if isinstance(value, list):
        return any(entry in value for entry in wanted)
    return value in wanted


class ResourceStore:
    """A Neutron resource in one table. Subclasses set ``model``,
    ``not_found(id)`` and ``to_dicts(session, rows)``, and may narrow
    ``visible(ctx, query)``. ``columns`` maps the fields whose column has
    another name (``router:external`` -> ``external``); fields without a
    column filter in Python, over the dicts."""

    model = None
    columns = {}

    def __init__(self, databases):
        self.db = databases.api

    def not_found(self, resource_id):
        raise NotImplementedError

    def to_dicts(self, session, rows):
        raise NotImplementedError

    def visible(self, ctx, query):
        """The query narrowed to what ctx may ever see (policy narrows
        further, per resource, in the API)."""
        if ctx.is_admin:
            return query
        return query.where(self.model.project_id == ctx.project_id)

    def _row(self, session, resource_id, for_update=False):
        query = sa.select(self.model).where(self.model.id == resource_id)
        if for_update:
            query = query.with_for_update()
        row = session.execute(query).scalars().first()
        if row is None:
            raise self.not_found(resource_id)
        return row

    def get(self, ctx, resource_id):
        with self.db.reader() as session:
            return self.to_dicts(session, [self._row(session, resource_id)])[0]

    def column(self, field):
        """The column behind a field, or None."""
        name = self.columns.get(field, "project_id" if field == "tenant_id"
                                else field)
        return name if name in self.model.__table__.columns else None

    def to_columns(self, values):
        """{field: value} as {column: value}, without fields that have no
        column (the resource's own code handles those) and tenant_id."""
        return {self.column(field): value for field, value in values.items()
                if field != "tenant_id" and self.column(field) is not None}

    def list(self, ctx, filters=None, sorts=()):
        """filters: {field: [values]}, any value matching; sorts:
        [(field, "asc"|"desc")] on fields with columns."""
        column_filters, other_filters = {}, {}
        for field, values in (filters or {}).items():
            column = self.column(field)
            if column is None:
                other_filters[field] = values
            else:
                column_filters[column] = values
        column_sorts = [(self.column(field), direction)
                        for field, direction in sorts
                        if self.column(field) is not None]
        with self.db.reader() as session:
            query = self.visible(ctx, sa.select(self.model))
            query = apply_filters(query, self.model, column_filters)
            rows = session.execute(apply_sorts(query, self.model,
                                               column_sorts)).scalars().all()
            items = self.to_dicts(session, rows)
        return [item for item in items
                if all(matches(item.get(field), values)
                       for field, values in other_filters.items())]

    def count(self, session, project_id):
        return session.execute(
            sa.select(sa.func.count()).select_from(self.model).where(
                self.model.project_id == project_id)).scalar()

    def insert(self, session, **values):
        values.setdefault("id", new_id())
        row = self.model(**values)
        session.add(row)
        try:
            session.flush()
        except sa_exc.IntegrityError as error:
            raise net_exception.Conflict(
                msg="%s conflicts with an existing one"
                % self.model.__name__) from error
        return row

    def update_row(self, session, resource_id, values):
        row = self._row(session, resource_id, for_update=True)
        for column, value in values.items():
            setattr(row, column, value)
        row.revision_number = (row.revision_number or 0) + 1
        session.flush()
        return row

    def update(self, ctx, resource_id, values):
        with self.db.writer() as session:
            row = self.update_row(session, resource_id,
                                  self.to_columns(values))
            return self.to_dicts(session, [row])[0]

    def delete(self, ctx, resource_id):
        with self.db.writer() as session:
            session.delete(self._row(session, resource_id, for_update=True))
