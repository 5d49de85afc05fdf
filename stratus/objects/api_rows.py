"""Inserting a row into the API database on its own or within the
caller's transaction: a boot writes each server's mapping, build request
and request spec in one transaction."""
import sqlalchemy as sa


def insert(context, model, values, session=None):
    """Insert values into model's table; the new row's id."""
    statement = sa.insert(model.__table__).values(**values)
    if session is not None:
        return session.execute(statement).inserted_primary_key[0]
    with context.api_db.writer() as session:
        return session.execute(statement).inserted_primary_key[0]
