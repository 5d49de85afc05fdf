import pytest

from tests.functional.hosts import fixtures


@pytest.fixture
def hosts(conf, sqlite_databases):
    """A conductor and, once started, compute services, on SQLite."""
    running = fixtures.Hosts(conf, sqlite_databases)
    yield running
    running.stop()


@pytest.fixture
def hosts_on_each_backend(conf, databases):
    """The same on SQLite, PostgreSQL and MariaDB in turn, for the tests
    whose queries differ by database."""
    running = fixtures.Hosts(conf, databases)
    yield running
    running.stop()
