import pytest

from tests.functional.servers import fixtures


@pytest.fixture
def servers(conf, databases, tmp_path):
    """The servers API on each database backend in turn."""
    env = fixtures.Servers(conf, databases, tmp_path)
    yield env
    env.close()


@pytest.fixture
def sqlite_servers(conf, sqlite_databases, tmp_path):
    """The same on SQLite only, for tests whose subject is the API's
    shapes rather than the database."""
    env = fixtures.Servers(conf, sqlite_databases, tmp_path)
    yield env
    env.close()
