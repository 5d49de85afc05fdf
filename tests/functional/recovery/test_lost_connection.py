"""A database server that drops a connection in the middle of a
transaction (it stopped, restarted, or an operator killed the session):
the caller hears DatabaseUnreachable, as for a refused connection, never
a driver error (the API answered those with 500; issue 17). The next
transaction on the same engine works."""
import pytest
import sqlalchemy as sa

from stratus import exception
from stratus.db import api as db_api

SERVERS = ["postgresql", "mysql"]


def _own_session_id(session, backend):
    query = ("SELECT pg_backend_pid()" if backend == "postgresql"
             else "SELECT CONNECTION_ID()")
    return session.scalar(sa.text(query))


def _kill(url, backend, session_id):
    """End one session from another connection, as the server would."""
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if backend == "postgresql":
            conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"),
                         {"pid": session_id})
        else:
            conn.exec_driver_sql("KILL CONNECTION %d" % session_id)
    admin.dispose()


@pytest.fixture
def database(db_backend, cloud_urls):
    if db_backend not in SERVERS:
        pytest.skip("SQLite has no server to lose")
    database = db_api.Database(cloud_urls["cell1"])
    yield database
    database.dispose()


@pytest.mark.parametrize("how", ["reader", "writer"])
def test_a_statement_after_the_connection_is_lost(database, db_backend,
                                                  cloud_urls, how):
    with pytest.raises(exception.DatabaseUnreachable):
        with getattr(database, how)() as session:
            _kill(cloud_urls["cell1"], db_backend,
                  _own_session_id(session, db_backend))
            session.execute(sa.text("SELECT 1"))
    with database.reader() as session:
        assert session.scalar(sa.text("SELECT 1")) == 1


def test_a_commit_after_the_connection_is_lost(database, db_backend,
                                               cloud_urls):
    with pytest.raises(exception.DatabaseUnreachable):
        with database.writer() as session:
            session.execute(sa.text(
                "UPDATE services SET report_count = report_count + 1"))
            _kill(cloud_urls["cell1"], db_backend,
                  _own_session_id(session, db_backend))
    with database.writer() as session:
        assert session.scalar(sa.text("SELECT 1")) == 1


def test_a_shared_reader_is_usable_after_the_loss(database, db_backend,
                                                  cloud_urls):
    with db_api.shared_readers():
        with pytest.raises(exception.DatabaseUnreachable):
            with database.reader() as session:
                _kill(cloud_urls["cell1"], db_backend,
                      _own_session_id(session, db_backend))
                session.execute(sa.text("SELECT 1"))
        with database.reader() as session:
            assert session.scalar(sa.text("SELECT 1")) == 1


def test_other_database_errors_are_not_taken_for_an_outage(database):
    with pytest.raises(sa.exc.DBAPIError) as raised:
        with database.reader() as session:
            session.execute(sa.text("SELECT * FROM no_such_table"))
    assert not isinstance(raised.value, exception.DatabaseUnreachable)


def test_a_writer_asked_to_turns_a_refused_statement_into_write_refused(
        database, db_backend, cloud_urls):
    """What the conductor's cell0 write catches (a value no column holds:
    conductor/tasks/build.py); a lost connection stays an outage."""
    with pytest.raises(exception.WriteRefused) as raised:
        with database.writer(refused_is_error=True) as session:
            session.execute(sa.text("SELECT * FROM no_such_table"))
    assert isinstance(raised.value.__cause__, sa.exc.DBAPIError)
    with pytest.raises(exception.DatabaseUnreachable):
        with database.writer(refused_is_error=True) as session:
            _kill(cloud_urls["cell1"], db_backend,
                  _own_session_id(session, db_backend))
            session.execute(sa.text("SELECT 1"))
