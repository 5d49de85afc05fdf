"""A compute that stops (Service.stop calls its prepare_stop) hands a build
that reaches it and has not started back to the conductor, which sends it
to one of the build's alternates (docs/operations.md, "Graceful
shutdown")."""
import logging

import pytest

from tests.functional import cloud as cloud_harness
from tests.functional import conftest as functional


@pytest.fixture
def two_hosts(conf, sqlite_cloud_urls, tmp_path):
    yield from functional.started_cloud(conf, sqlite_cloud_urls, tmp_path,
                                        hosts=2, nodes=1)


def _boot_four(api, image):
    ids = [api.post("/servers", {"server": {
        "name": "vm%d" % index, "flavorRef": "1", "imageRef": image,
        "networks": "none"}})["server"]["id"] for index in range(4)]
    return [api.wait_for_status(server_id, {"ACTIVE", "ERROR"}, timeout=30)
            for server_id in ids]


def test_builds_reaching_a_stopping_compute_go_to_another(two_hosts,
                                                          caplog):
    api = cloud_harness.StackClient(two_hosts.apps["compute"])
    image = api.first_image_id()
    stopping = {svc.host: svc for svc in two_hosts.computes}["compute1"]
    stopping.manager.prepare_stop()
    caplog.set_level(logging.INFO, logger="stratus.compute.manager")
    servers = _boot_four(api, image)
    assert [(s["status"], s["OS-EXT-SRV-ATTR:host"]) for s in servers] \
        == [("ACTIVE", "compute2")] * 4
    handed_back = [record for record in caplog.records
                   if "Handing the build" in record.getMessage()]
    assert handed_back, "no build reached compute1"


def test_a_compute_started_again_builds_again(two_hosts, caplog):
    api = cloud_harness.StackClient(two_hosts.apps["compute"])
    image = api.first_image_id()
    computes = {svc.host: svc for svc in two_hosts.computes}
    computes["compute1"].stop()
    computes["compute1"].start()
    computes["compute2"].manager.prepare_stop()
    caplog.set_level(logging.INFO, logger="stratus.compute.manager")
    servers = _boot_four(api, image)
    assert [(s["status"], s["OS-EXT-SRV-ATTR:host"]) for s in servers] \
        == [("ACTIVE", "compute1")] * 4
    assert not [record for record in caplog.records
                if "Handing the build" in record.getMessage()
                and "compute1" in record.getMessage()]
