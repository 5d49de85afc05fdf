"""Pooled connections of PostgreSQL and MariaDB are pinged when they come
back into use after PING_AFTER_IDLE seconds (stratus/db/api.py): one the
server dropped meanwhile (a restart, an idle timeout) is replaced, and
the caller never sees it."""
import sqlalchemy as sa

from stratus.db import api as db_api

_KILL = {
    "postgresql": ("SELECT pg_backend_pid()",
                   "SELECT pg_terminate_backend(%d)"),
    "mysql": ("SELECT CONNECTION_ID()", "KILL %d"),
}


def test_a_connection_dropped_while_idle_is_replaced(databases, db_backend,
                                                     monkeypatch):
    database = databases.api
    if database.is_sqlite:
        return  # nothing to drop: no server
    whoami, kill = _KILL[database.engine.dialect.name]
    with database.reader() as session:
        dropped = session.scalar(sa.text(whoami))
    # The next checkout is "idle" however soon it comes.
    monkeypatch.setattr(db_api, "PING_AFTER_IDLE", 0.0)
    killer = sa.create_engine(database.url, poolclass=sa.pool.NullPool)
    with killer.connect() as other:
        other.execute(sa.text(kill % dropped))
        other.commit()
    killer.dispose()
    with database.reader() as session:
        now = session.scalar(sa.text(whoami))
    assert now != dropped
