"""Volume attachments when something goes wrong: the block storage
service refuses the reservation, the server is deleted while its compute
attaches, the host cannot detach; and the volume-extended event. Nothing
leaks: no attachment, no mapping, the volume available again."""
import threading

import pytest

from stratus import client_exception
from tests.functional import cloud as cloud_harness
from tests.functional.volume.test_volume_attachments import ROUTE
from tests.functional.volume.test_volume_attachments import Volumes
from tests.functional.volume.test_volume_attachments import volumes  # noqa: F401,E501 - fixture

pytestmark = pytest.mark.slow


def test_the_block_storage_service_refuses(volumes, monkeypatch):  # noqa: F811
    server_id = volumes.boot()["id"]
    volume = volumes.make_volume()
    cinder = volumes.cloud.apps["compute"].compute_api.volume_api

    def refuse(ctx, volume_id, instance_id, **kwargs):
        raise client_exception.VolumeServiceBadRequest(
            reason="Invalid volume: volume %s is in error" % volume_id)
    monkeypatch.setattr(cinder, "attachment_create", refuse)
    response = volumes.attach(server_id, volume["id"], expected=400)
    assert "is in error" in response.json["badRequest"]["message"]
    monkeypatch.undo()
    # The compute's reserved mapping went with the refusal.
    assert volumes.attachments(server_id) == []
    assert volumes.volume(volume["id"])["status"] == "available"
    volumes.attach(server_id, volume["id"])
    volumes.volume_in(volume["id"], "in-use")


def test_the_server_is_deleted_during_the_attach(volumes):  # noqa: F811
    server_id = volumes.boot()["id"]
    volume = volumes.make_volume()
    driver = volumes.driver
    reached, release = threading.Event(), threading.Event()
    connector = driver.get_volume_connector

    def held(instance):
        reached.set()
        release.wait(10)
        return connector(instance)
    driver.get_volume_connector = held
    try:
        volumes.attach(server_id, volume["id"], version="2.101",
                       expected=202)
        assert reached.wait(10)
        volumes.demo.delete("/servers/%s" % server_id)
    finally:
        release.set()
        del driver.get_volume_connector
    volumes.demo.wait_for_deleted(server_id)
    volumes.volume_in(volume["id"], "available")
    assert volumes.attachments_of(volume["id"]) == []
    assert volumes.guest_volumes(server_id) == {}


def test_a_failed_detach_on_the_host_keeps_the_volume(volumes):  # noqa: F811
    server_id = volumes.boot()["id"]
    volume = volumes.make_volume()
    volumes.attach(server_id, volume["id"])
    volumes.volume_in(volume["id"], "in-use")
    volumes.finished(server_id)
    volumes.driver.inject_failure("detach_volume", server_id)
    volumes.demo.delete(ROUTE % server_id + "/" + volume["id"])
    events = volumes.finished(server_id)["events"]
    assert [(e["event"], e["result"]) for e in events] == [
        ("compute_detach_volume", "Error")]
    # Still attached, as the guest still has it.
    assert volumes.volume(volume["id"])["status"] == "in-use"
    [shown] = volumes.attachments(server_id)
    assert shown["volumeId"] == volume["id"]
    assert volumes.guest_volumes(server_id) == {"/dev/vdb": volume["id"]}
    volumes.driver.clear_failures()
    volumes.demo.delete(ROUTE % server_id + "/" + volume["id"])
    volumes.volume_in(volume["id"], "available")


def test_volume_extended_event(volumes):  # noqa: F811
    server_id = volumes.boot()["id"]
    volume = volumes.make_volume(size=2)
    volumes.attach(server_id, volume["id"])
    volumes.volume_in(volume["id"], "in-use")
    volumes.finished(server_id)
    response = volumes.admin.request(
        "POST", "/v2.1/os-server-external-events", {"events": [{
            "name": "volume-extended", "server_uuid": server_id,
            "tag": volume["id"]}]}, version="2.51", token="nova:service",
        headers={"X-Roles": "admin,service"})
    assert response.status_int == 200, response.text
    events = volumes.finished(server_id)["events"]
    assert [(e["event"], e["result"]) for e in events] == [
        ("compute_extend_volume", "Success")]
    guest = volumes.driver.guest_volumes(server_id)
    assert guest["/dev/vdb"]["size"] == 2 * 1024 ** 3


@pytest.fixture
def zoned(conf, sqlite_cloud_urls, tmp_path):
    """Volumes in the zone 'storage', servers in 'nova', and
    [cinder] cross_az_attach = False."""
    conf.set_override("storage_availability_zone", "storage",
                      group="cinder")
    conf.set_override("cross_az_attach", False, group="cinder")
    running = cloud_harness.start_cloud(conf, sqlite_cloud_urls, tmp_path)
    yield Volumes(running)
    running.stop()


def test_another_zone_without_cross_az_attach(zoned):
    server_id = zoned.boot()["id"]
    volume = zoned.make_volume()
    assert volume["availabilityZone"] == "storage"
    response = zoned.attach(server_id, volume["id"], expected=400)
    assert "not in the same availability_zone" in response.json[
        "badRequest"]["message"]
    assert zoned.attachments(server_id) == []
    assert zoned.volume(volume["id"])["status"] == "available"
    zoned.cloud.conf.set_override("cross_az_attach", True, group="cinder")
    zoned.attach(server_id, volume["id"])
    zoned.volume_in(volume["id"], "in-use")
