"""Shelve, offload and unshelve through the Compute API on the whole
in-process cloud with two compute hosts (fake driver)."""
import pytest

from tests.functional import cloud as cloud_harness
from tests.functional.server_actions import conftest as actions_conftest

SECOND_HOST = "stratus-test-2"


class Shelving(actions_conftest.Actions):
    """The running cloud with a second compute host."""

    def __init__(self, cloud):
        super().__init__(cloud)
        self.second = cloud_harness.add_compute(cloud, SECOND_HOST)
        self.drivers = {self.compute.host: self.driver,
                        SECOND_HOST: self.second.driver}

    def usages(self):
        return cloud_harness.usages(self.cloud)

    def image(self, image_id):
        """The image document, or None when it is gone."""
        response = self.admin.request("GET", "/v2.1/images/%s" % image_id,
                                      version="2.35")
        return response.json["image"] if response.status_int == 200 \
            else None

    def host_of(self, server_id):
        return self.admin.server(server_id)["OS-EXT-SRV-ATTR:host"]

    def clear_failures(self):
        for driver in self.drivers.values():
            driver.clear_failures()


def _shelving(conf, cloud_urls, tmp_path):
    # The scheduler sees aggregates and services a test changes at once.
    conf.set_override("host_cache_seconds", 0, group="scheduler")
    running = cloud_harness.start_cloud(conf, cloud_urls, tmp_path, nodes=1)
    try:
        yield Shelving(running)
    finally:
        running.stop()


@pytest.fixture
def shelving(conf, sqlite_cloud_urls, tmp_path):
    """shelved_offload_time 0 (Nova's default): shelve offloads at once."""
    yield from _shelving(conf, sqlite_cloud_urls, tmp_path)


@pytest.fixture
def shelving_kept(conf, sqlite_cloud_urls, tmp_path):
    """shelved_offload_time one hour: shelved servers keep their host
    until the compute's periodic offload (or an admin's shelveOffload)."""
    conf.set_override("shelved_offload_time", 3600)
    yield from _shelving(conf, sqlite_cloud_urls, tmp_path)


@pytest.fixture
def shelving_on_each_database(conf, databases, cloud_urls, tmp_path):
    yield from _shelving(conf, cloud_urls, tmp_path)
