import pytest

from tests.functional import cloud as cloud_harness


def started_cloud(conf, urls, tmp_path, **options):
    """A running cloud for the length of a fixture."""
    running = cloud_harness.start_cloud(conf, urls, tmp_path, **options)
    yield running
    running.stop()


@pytest.fixture
def cloud(conf, databases, cloud_urls, tmp_path):
    """The whole stack, started in-process on each database backend."""
    yield from started_cloud(conf, cloud_urls, tmp_path)


@pytest.fixture
def multi_cell_cloud(conf, cell_urls, tmp_path):
    """Two cells of two compute hosts each (compute1 and compute3 in
    cell1, compute2 and compute4 in cell2), each cell with its own
    database, in-process transport and conductor, on each backend."""
    yield from started_cloud(conf, cell_urls, tmp_path, hosts=4, cells=2)


@pytest.fixture
def sqlite_cloud(conf, sqlite_cloud_urls, tmp_path):
    """The same on SQLite only, for tests whose subject is not the
    database."""
    yield from started_cloud(conf, sqlite_cloud_urls, tmp_path)


@pytest.fixture
def api(cloud):
    """An admin client of the running cloud's Compute API."""
    return cloud_harness.StackClient(cloud.apps["compute"])


@pytest.fixture
def sqlite_api(sqlite_cloud):
    return cloud_harness.StackClient(sqlite_cloud.apps["compute"])
