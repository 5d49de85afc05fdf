"""The scheduler tells a broker outage (every compute went quiet at once)
from computes that are down (scheduler/outage.py): a build waits for the
heartbeats to come back instead of failing with NoValidHost, while one
compute gone quiet among others that beat is still down.

The clouds here beat once at start and then only when the test says
(report_interval of an hour); the test ages the services' last
heartbeats in the cell database, as a broker outage longer than
service_down_time leaves them."""
import time

import pytest

from tests.functional import cloud as cloud_harness
from tests.functional import conftest as functional


@pytest.fixture
def quiet_cloud(conf, databases, cloud_urls, tmp_path):
    conf.set_override("report_interval", 3600)
    # The scheduler reads the services for every request.
    conf.set_override("host_cache_seconds", 0, group="scheduler")
    yield from functional.started_cloud(conf, cloud_urls, tmp_path,
                                        hosts=2, nodes=1)


def _silence(cloud, hosts, seconds_ago):
    """The last heartbeats of these hosts' computes, seconds_ago."""
    cloud_harness.age_heartbeats(cloud.conf.database.connection, hosts,
                                 seconds_ago)


def _boot(api, image, **server):
    return api.post("/servers", {"server": dict(
        name="vm", flavorRef="1", imageRef=image, networks="none",
        **server)})["server"]["id"]


def test_build_waits_while_every_compute_went_quiet_at_once(quiet_cloud):
    api = cloud_harness.StackClient(quiet_cloud.apps["compute"])
    _silence(quiet_cloud, ["compute1", "compute2"], seconds_ago=70)
    server_id = _boot(api, api.first_image_id())
    # Without the wait the build would be in ERROR (NoValidHost) by now.
    time.sleep(2)
    assert api.server(server_id)["status"] == "BUILD"
    for service in quiet_cloud.computes:
        service.report()
    server = api.wait_for_status(server_id, {"ACTIVE", "ERROR"}, timeout=30)
    assert server["status"] == "ACTIVE"


def test_one_quiet_compute_among_beating_ones_is_down(quiet_cloud):
    api = cloud_harness.StackClient(quiet_cloud.apps["compute"])
    image = api.first_image_id()
    _silence(quiet_cloud, ["compute1"], seconds_ago=70)
    services = {s["host"]: s["state"] for s in api.get(
        "/os-services?binary=nova-compute")["services"]}
    assert services == {"compute1": "down", "compute2": "up"}
    placed = api.wait_for_status(_boot(api, image), {"ACTIVE", "ERROR"},
                                 timeout=30)
    assert placed["status"] == "ACTIVE"
    assert placed["OS-EXT-SRV-ATTR:host"] == "compute2"
    # A build only the quiet compute may take fails at once.
    pinned = api.wait_for_status(_boot(api, image, host="compute1"),
                                 {"ACTIVE", "ERROR"}, timeout=30)
    assert pinned["status"] == "ERROR"
    assert "No valid host" in pinned["fault"]["message"]


def _delete_events(api, server_id):
    actions = api.get("/servers/%s/os-instance-actions" % server_id,
                      version="2.21")["instanceActions"]
    delete = [a for a in actions if a["action"] == "delete"][0]
    detail = api.get("/servers/%s/os-instance-actions/%s" % (
        server_id, delete["request_id"]), version="2.21")["instanceAction"]
    return [event["event"] for event in detail.get("events", [])]


def test_a_delete_while_every_compute_went_quiet_goes_to_its_compute(
        quiet_cloud):
    api = cloud_harness.StackClient(quiet_cloud.apps["compute"])
    server_id = _boot(api, api.first_image_id())
    api.wait_for_status(server_id, {"ACTIVE"}, timeout=30)
    _silence(quiet_cloud, ["compute1", "compute2"], seconds_ago=70)
    api.delete("/servers/%s" % server_id)
    api.wait_for_deleted(server_id, timeout=30)
    # The compute removed its guest, not the API the record alone.
    assert "compute_terminate_instance" in _delete_events(api, server_id)


def test_a_delete_on_a_compute_down_alone_is_done_by_the_api(quiet_cloud):
    api = cloud_harness.StackClient(quiet_cloud.apps["compute"])
    server_id = _boot(api, api.first_image_id(), host="compute1")
    api.wait_for_status(server_id, {"ACTIVE"}, timeout=30)
    _silence(quiet_cloud, ["compute1"], seconds_ago=70)
    api.delete("/servers/%s" % server_id)
    api.wait_for_deleted(server_id, timeout=30)
    assert "compute_terminate_instance" not in _delete_events(api,
                                                              server_id)
