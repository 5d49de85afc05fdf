"""Real databases for tests: SQLite, PostgreSQL and MariaDB.

Each backend gets its own set of three databases (API, cell0, cell1) per
test process, migrated once; tests get them emptied. STRATUS_TEST_DB
(comma-separated: sqlite,postgresql,mysql) picks the backends; all three
by default.
"""
import os
import uuid

import pytest
import sqlalchemy as sa

BACKENDS = [b for b in os.environ.get(
    "STRATUS_TEST_DB", "sqlite,postgresql,mysql").split(",") if b]

# A test (or a module's pytestmark) whose subject is not the database
# runs on SQLite only: this replaces the databases fixture's three
# backends with one (docs/testing.md, "Keeping the suite fast").
SQLITE_ONLY = pytest.mark.parametrize("db_backend", ["sqlite"])

PG_ADMIN = os.environ.get("STRATUS_TEST_PG", "postgresql+psycopg2://postgres@127.0.0.1")
MYSQL_ADMIN = os.environ.get("STRATUS_TEST_MYSQL", "mysql+pymysql://root@127.0.0.1")


def _worker():
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def create_database(backend, name, tmp_dir):
    """A fresh, empty database; its SQLAlchemy URL."""
    if backend == "sqlite":
        path = os.path.join(tmp_dir, name + ".db")
        if os.path.exists(path):
            os.remove(path)
        return "sqlite:///" + path
    if backend == "postgresql":
        engine = sa.create_engine(PG_ADMIN + "/postgres",
                                  isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name)
            conn.exec_driver_sql('CREATE DATABASE "%s"' % name)
            # Test data need not survive a crash: commits skip the WAL
            # flush (about 3 ms each on this machine's disk).
            conn.exec_driver_sql(
                'ALTER DATABASE "%s" SET synchronous_commit TO off' % name)
        engine.dispose()
        return "%s/%s" % (PG_ADMIN, name)
    if backend == "mysql":
        engine = sa.create_engine(MYSQL_ADMIN)
        with engine.connect() as conn:
            conn.exec_driver_sql("DROP DATABASE IF EXISTS `%s`" % name)
            conn.exec_driver_sql(
                "CREATE DATABASE `%s` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin" % name)
        engine.dispose()
        return "%s/%s?charset=utf8mb4" % (MYSQL_ADMIN, name)
    raise ValueError(backend)


def database_name(backend, role):
    return "stratus_%s_%s_%s_%s" % (_worker(), backend[:2], role,
                                    uuid.uuid4().hex[:6])


# url -> (engine, table names children first), read once per process.
_EMPTYING = {}


def empty_tables(url, keep=("alembic_version",)):
    """Delete every row, keeping the schema (faster than re-migrating).
    The schema is reflected once per database and the engine kept."""
    if url not in _EMPTYING:
        engine = sa.create_engine(url)
        meta = sa.MetaData()
        with engine.connect() as conn:
            meta.reflect(bind=conn)
        _EMPTYING[url] = (engine, [table for table in
                                   reversed(meta.sorted_tables)
                                   if table.name not in keep])
    engine, tables = _EMPTYING[url]
    with engine.begin() as conn:
        if conn.dialect.name == "mysql":
            conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS=0")
        elif conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        for table in tables:
            conn.execute(table.delete())


def service_running(backend):
    if backend == "sqlite":
        return True
    url = PG_ADMIN + "/postgres" if backend == "postgresql" else MYSQL_ADMIN
    try:
        engine = sa.create_engine(url)
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001
        return False
