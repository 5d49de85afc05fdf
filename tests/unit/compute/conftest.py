import pytest

from tests.functional.hosts import fixtures


@pytest.fixture
def hosts(conf, sqlite_databases):
    """A conductor and, once started, compute services (the subject is the
    compute service, not the database: SQLite only)."""
    running = fixtures.Hosts(conf, sqlite_databases)
    yield running
    running.stop()
