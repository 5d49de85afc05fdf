"""Inserting a row into the API database on its own or within the
caller's transaction: a boot writes each server's mapping, build request
and request spec in one transaction."""
import sqlalchemy as sa


def insert(context, model, values, session=None):
    """Insert values into model's table; the new row's id."""
    # Plain values go as parameters of the table's insert: the statement is
    # the same each time, so SQLAlchemy's compiled cache finds it without
    # rebuilding. SQL expressions among the values need .values().
    statement = model.__table__.insert()
    if any(isinstance(value, sa.sql.ClauseElement)
           for value in values.values()):
        statement, values = statement.values(**values), None
    if session is not None:
        return session.execute(statement, values).inserted_primary_key[0]
    with context.api_db.writer() as session:
        return session.execute(statement, values).inserted_primary_key[0]
