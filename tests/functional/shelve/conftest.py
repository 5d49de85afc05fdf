"""Shelve, offload and unshelve through the Compute API on the whole
in-process cloud with two compute hosts of one fake node each (the
moves' environment: ``stratus-test`` and ``host01``)."""
import time

import pytest

from tests.functional.moves import conftest as moves_conftest

FIRST_HOST = "stratus-test"
SECOND_HOST = "host01"


class Shelving(moves_conftest.Moves):

    def settled(self, server_id, timeout=30):
        """The server once no task runs on it (whatever its status)."""
        deadline = time.monotonic() + timeout
        while True:
            server = self.demo.server(server_id)
            if server["OS-EXT-STS:task_state"] is None:
                return server
            assert time.monotonic() < deadline, server
            time.sleep(0.01)

    def server(self, name):
        """A new ACTIVE server of demo's, named name; its id."""
        server_id = self.boot(name=name)
        assert self.settled(server_id)["status"] == "ACTIVE"
        return server_id

    def image_doc(self, image_id):
        """The image (as the images API shows it), or None when gone."""
        response = self.admin.request("GET", "/v2.1/images/%s" % image_id,
                                      version="2.35")
        return response.json["image"] if response.status_int == 200 \
            else None

    def results(self, server_id, action):
        """{event: result} of the newest action of that name."""
        return {name: event["result"] for name, event
                in self.events(server_id, action).items()}


def _shelving(conf, urls, tmp_path, **overrides):
    return moves_conftest.start(conf, urls, tmp_path, env_class=Shelving,
                                **overrides)


@pytest.fixture
def shelving(conf, sqlite_cloud_urls, tmp_path):
    """shelved_offload_time 0 (Nova's default): shelve offloads at once."""
    env = _shelving(conf, sqlite_cloud_urls, tmp_path)
    yield env
    env.stop()


@pytest.fixture
def shelving_kept(conf, sqlite_cloud_urls, tmp_path):
    """shelved_offload_time one hour: shelved servers keep their host
    until the compute's periodic offload (or an admin's shelveOffload)."""
    env = _shelving(conf, sqlite_cloud_urls, tmp_path,
                    shelved_offload_time=3600)
    yield env
    env.stop()


@pytest.fixture
def shelving_on_each_database(conf, databases, cloud_urls, tmp_path):
    env = _shelving(conf, cloud_urls, tmp_path)
    yield env
    env.stop()
