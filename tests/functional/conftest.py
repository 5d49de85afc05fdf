import pytest

from tests.functional import cloud as cloud_harness


@pytest.fixture
def cloud(conf, databases, cloud_urls, tmp_path):
    """The whole stack, started in-process on each database backend."""
    running = cloud_harness.start_cloud(conf, cloud_urls, tmp_path)
    yield running
    running.stop()


@pytest.fixture
def api(cloud):
    """An admin client of the running cloud's Compute API."""
    return cloud_harness.StackClient(cloud.apps["compute"])
