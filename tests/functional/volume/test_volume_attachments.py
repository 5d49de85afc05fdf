"""/servers/{id}/os-volume_attachments on the in-process cloud (fake
driver, the built-in block storage service): what a user sees of the
attachment, of the volume (through /os-volumes) and of the guest."""
import time

import pytest

from tests.functional import cloud as cloud_harness
from tests.functional.server_actions.conftest import Actions

pytestmark = pytest.mark.slow

ROUTE = "/servers/%s/os-volume_attachments"


class Volumes(Actions):
    """Actions, and volumes through the compute API's proxy."""

    def volume(self, volume_id):
        return self.demo.get("/os-volumes/%s" % volume_id,
                             version="2.35")["volume"]

    def make_volume(self, size=1, **fields):
        volume = self.demo.post("/os-volumes", {"volume": dict(
            size=size, **fields)}, version="2.35")["volume"]
        return self.volume_in(volume["id"], "available")

    def volume_in(self, volume_id, status, timeout=10):
        deadline = time.monotonic() + timeout
        while True:
            volume = self.volume(volume_id)
            if volume["status"] == status:
                return volume
            if time.monotonic() > deadline:
                raise AssertionError("volume %s stays %s" % (
                    volume_id, volume["status"]))
            time.sleep(0.01)

    def volume_gone(self, volume_id, timeout=10):
        deadline = time.monotonic() + timeout
        while self.demo.request("GET", "/v2.1/os-volumes/%s" % volume_id,
                                version="2.35").status_int != 404:
            assert time.monotonic() < deadline, "volume not deleted"
            time.sleep(0.01)

    def attach(self, server_id, volume_id, version="2.100", expected=200,
               **extra):
        response = self.demo.request(
            "POST", "/v2.1" + ROUTE % server_id,
            {"volumeAttachment": dict(volumeId=volume_id, **extra)},
            version=version)
        assert response.status_int == expected, response.text
        return response

    def attachments(self, server_id, version="2.100", query=""):
        return self.demo.get(ROUTE % server_id + query,
                             version=version)["volumeAttachments"]

    def guest_volumes(self, server_id):
        return {device: held["volume_id"] for device, held in
                self.driver.guest_volumes(server_id).items()}

    def attachments_of(self, volume_id):
        """The volume's attachments as /os-volumes shows them (Nova shows
        [{}] for none)."""
        return [each for each in self.volume(volume_id)["attachments"]
                if each]


@pytest.fixture
def volumes(sqlite_cloud):
    yield Volumes(sqlite_cloud)
    sqlite_cloud.services[2].manager.driver.clear_failures()


@pytest.fixture
def db_volumes(cloud):
    yield Volumes(cloud)


def test_attach_list_show_detach(db_volumes):
    volumes = db_volumes
    server_id = volumes.boot()["id"]
    volume = volumes.make_volume()
    attached = volumes.attach(server_id, volume["id"]).json[
        "volumeAttachment"]
    assert attached == {"id": volume["id"], "volumeId": volume["id"],
                        "serverId": server_id, "device": "/dev/vdb",
                        "tag": None, "delete_on_termination": False}
    volumes.volume_in(volume["id"], "in-use")
    assert volumes.guest_volumes(server_id) == {"/dev/vdb": volume["id"]}
    listed = volumes.attachments(server_id, version="2.79")
    assert listed == [{"id": volume["id"], "volumeId": volume["id"],
                       "serverId": server_id, "device": "/dev/vdb",
                       "tag": None, "delete_on_termination": False}]
    shown = volumes.demo.get(ROUTE % server_id + "/" + volume["id"],
                             version="2.89")["volumeAttachment"]
    assert set(shown) == {"volumeId", "serverId", "device", "tag",
                          "delete_on_termination", "attachment_id",
                          "bdm_uuid"}
    assert shown["attachment_id"] and shown["bdm_uuid"]
    server = volumes.demo.server(server_id)
    assert server["os-extended-volumes:volumes_attached"] == [
        {"id": volume["id"], "delete_on_termination": False}]
    events = volumes.finished(server_id)["events"]
    assert [(e["event"], e["result"]) for e in events] == [
        ("compute_attach_volume", "Success")]
    volumes.demo.delete(ROUTE % server_id + "/" + volume["id"])
    volumes.volume_in(volume["id"], "available")
    assert volumes.guest_volumes(server_id) == {}
    assert volumes.attachments(server_id) == []
    assert volumes.attachments_of(volume["id"]) == []


def test_fields_per_microversion(volumes):
    server_id = volumes.boot()["id"]
    volume = volumes.make_volume()
    attached = volumes.attach(server_id, volume["id"], version="2.1").json
    assert attached["volumeAttachment"] == {
        "id": volume["id"], "volumeId": volume["id"], "serverId": server_id,
        "device": "/dev/vdb"}
    volumes.volume_in(volume["id"], "in-use")
    for version, keys in (
            ("2.69", {"id", "volumeId", "serverId", "device"}),
            ("2.70", {"id", "volumeId", "serverId", "device", "tag"}),
            ("2.79", {"id", "volumeId", "serverId", "device", "tag",
                      "delete_on_termination"}),
            ("2.89", {"volumeId", "serverId", "device", "tag",
                      "delete_on_termination", "attachment_id",
                      "bdm_uuid"})):
        [shown] = volumes.attachments(server_id, version=version)
        assert set(shown) == keys, version


def test_tag_and_delete_on_termination_and_their_update(volumes):
    server_id = volumes.boot()["id"]
    volume = volumes.make_volume()
    attached = volumes.attach(server_id, volume["id"], version="2.79",
                              tag="data", delete_on_termination=True).json
    assert attached["volumeAttachment"]["tag"] == "data"
    assert attached["volumeAttachment"]["delete_on_termination"] is True
    # tag needs 2.49, delete_on_termination 2.79.
    other = volumes.make_volume()
    response = volumes.attach(server_id, other["id"], version="2.48",
                              expected=400, tag="x")
    response = volumes.attach(server_id, other["id"], version="2.78",
                              expected=400, delete_on_termination=True)
    assert "badRequest" in response.json
    path = "/v2.1" + ROUTE % server_id + "/" + volume["id"]
    # 2.85: delete_on_termination changes; tag and device cannot.
    body = {"volumeAttachment": {"volumeId": volume["id"],
                                 "delete_on_termination": False}}
    assert volumes.demo.request("PUT", path, {"volumeAttachment": {
        "volumeId": volume["id"]}}, version="2.84").status_int == 403
    assert volumes.demo.request("PUT", path, body, version="2.85"
                                ).status_int == 202
    [shown] = volumes.attachments(server_id, version="2.85")
    assert shown["delete_on_termination"] is False
    body["volumeAttachment"]["tag"] = "other"
    response = volumes.demo.request("PUT", path, body, version="2.85")
    assert response.status_int == 400, response.text


def test_errors(volumes):
    server_id = volumes.boot()["id"]
    missing = "0b6a5a7e-0000-4000-8000-000000000000"
    response = volumes.attach(server_id, missing, expected=404)
    assert "itemNotFound" in response.json
    response = volumes.demo.request(
        "POST", "/v2.1" + ROUTE % missing,
        {"volumeAttachment": {"volumeId": missing}})
    assert response.status_int == 404
    response = volumes.demo.request(
        "GET", "/v2.1" + ROUTE % server_id + "/" + missing)
    assert response.status_int == 404
    assert response.json["itemNotFound"]["message"] == (
        "Instance %s is not attached to volume %s" % (server_id, missing))
    volume = volumes.make_volume()
    # Not attached: a detach is a 404.
    response = volumes.demo.request(
        "DELETE", "/v2.1" + ROUTE % server_id + "/" + volume["id"])
    assert response.status_int == 404
    # Bad bodies are 400s.
    for body in ({}, {"volumeAttachment": {}},
                 {"volumeAttachment": {"volumeId": "nope"}},
                 {"volumeAttachment": {"volumeId": volume["id"],
                                       "device": "vdb!"}}):
        response = volumes.demo.request("POST", "/v2.1" + ROUTE % server_id,
                                        body)
        assert response.status_int == 400, body
    # A volume in use on this server: 400 (attached already), another
    # server: 400 (not multiattach).
    volumes.attach(server_id, volume["id"])
    volumes.volume_in(volume["id"], "in-use")
    response = volumes.attach(server_id, volume["id"], expected=400)
    assert "already attached" in response.json["badRequest"]["message"]
    other_id = volumes.boot("other")["id"]
    response = volumes.attach(other_id, volume["id"], expected=400)
    assert "badRequest" in response.json
    # Another project's user sees no such server (404) and may not
    # attach; a reader may not attach either (403).
    response = volumes.other.request(
        "POST", "/v2.1" + ROUTE % server_id,
        {"volumeAttachment": {"volumeId": volume["id"]}})
    assert response.status_int == 404
    response = volumes.demo.request(
        "POST", "/v2.1" + ROUTE % server_id,
        {"volumeAttachment": {"volumeId": volume["id"]}},
        headers={"X-Roles": "reader"})
    assert response.status_int == 403
    # A locked server: 409 for its owner.
    volumes.act(server_id, {"lock": None})
    free = volumes.make_volume()
    response = volumes.attach(server_id, free["id"], expected=409)
    assert "conflictingRequest" in response.json
    response = volumes.demo.request(
        "DELETE", "/v2.1" + ROUTE % server_id + "/" + volume["id"])
    assert response.status_int == 409
    volumes.act(server_id, {"unlock": None})
    # A server in a state that does not allow it: 409.
    volumes.act(server_id, {"suspend": None})
    volumes.settled(server_id)
    volumes.attach(server_id, free["id"], expected=409)


def test_a_failed_attach_on_the_host_leaves_nothing(volumes):
    server_id = volumes.boot()["id"]
    volume = volumes.make_volume()
    volumes.driver.inject_failure("attach_volume", server_id)
    volumes.attach(server_id, volume["id"])
    events = volumes.finished(server_id)["events"]
    assert [(e["event"], e["result"]) for e in events] == [
        ("compute_attach_volume", "Error")]
    volumes.volume_in(volume["id"], "available")
    assert volumes.attachments_of(volume["id"]) == []
    assert volumes.attachments(server_id) == []
    assert volumes.guest_volumes(server_id) == {}
    assert volumes.demo.server(server_id)["status"] == "ACTIVE"
    # It attaches once the host lets it.
    volumes.driver.clear_failures()
    volumes.attach(server_id, volume["id"])
    volumes.volume_in(volume["id"], "in-use")
    assert volumes.guest_volumes(server_id) == {"/dev/vdb": volume["id"]}


def test_asynchronous_attach_2_101(volumes):
    server_id = volumes.boot()["id"]
    volume = volumes.make_volume()
    response = volumes.attach(server_id, volume["id"], version="2.101",
                              expected=202)
    assert response.body == b""
    volumes.volume_in(volume["id"], "in-use")
    volumes.finished(server_id)
    [shown] = volumes.attachments(server_id, version="2.101")
    assert shown["device"] == "/dev/vdb"
    assert volumes.guest_volumes(server_id) == {"/dev/vdb": volume["id"]}


def test_device_names_and_pagination(volumes):
    server_id = volumes.boot()["id"]
    made = [volumes.make_volume() for _ in range(3)]
    devices = [volumes.attach(server_id, volume["id"]).json[
        "volumeAttachment"]["device"] for volume in made]
    assert devices == ["/dev/vdb", "/dev/vdc", "/dev/vdd"]
    # A device name asked for: taken is a 409 (nothing kept), free is used.
    extra = volumes.make_volume()
    response = volumes.attach(server_id, extra["id"], expected=409,
                              device="/dev/vdc")
    assert response.json["conflictingRequest"]["message"] == (
        "The supplied device path (/dev/vdc) is in use.")
    assert volumes.volume(extra["id"])["status"] == "available"
    assert volumes.attach(server_id, extra["id"], device="/dev/vdf").json[
        "volumeAttachment"]["device"] == "/dev/vdf"
    volumes.demo.delete(ROUTE % server_id + "/" + extra["id"])
    volumes.volume_in(extra["id"], "available")
    assert [a["volumeId"] for a in volumes.attachments(
        server_id, query="?limit=2")] == [v["id"] for v in made[:2]]
    assert [a["volumeId"] for a in volumes.attachments(
        server_id, query="?offset=2")] == [made[2]["id"]]
    response = volumes.demo.request(
        "GET", "/v2.1" + ROUTE % server_id + "?limit=x")
    assert response.status_int == 400


def test_delete_on_termination_at_server_delete(volumes):
    server_id = volumes.boot()["id"]
    kept, dropped = volumes.make_volume(), volumes.make_volume()
    volumes.attach(server_id, kept["id"], version="2.79")
    volumes.attach(server_id, dropped["id"], version="2.79",
                   delete_on_termination=True)
    volumes.volume_in(dropped["id"], "in-use")
    volumes.volume_in(kept["id"], "in-use")
    volumes.demo.delete("/servers/%s" % server_id)
    volumes.demo.wait_for_deleted(server_id)
    volumes.volume_in(kept["id"], "available")
    assert volumes.attachments_of(kept["id"]) == []
    volumes.volume_gone(dropped["id"])


def test_swap_by_an_admin(volumes):
    server_id = volumes.boot()["id"]
    old, new = volumes.make_volume(), volumes.make_volume(size=2)
    volumes.attach(server_id, old["id"])
    volumes.volume_in(old["id"], "in-use")
    path = "/v2.1" + ROUTE % server_id + "/" + old["id"]
    body = {"volumeAttachment": {"volumeId": new["id"]}}
    assert volumes.demo.request("PUT", path, body).status_int == 403
    response = volumes.admin.request("PUT", path, body)
    assert response.status_int == 202, response.text
    volumes.volume_in(new["id"], "in-use")
    volumes.volume_in(old["id"], "available")
    [shown] = volumes.attachments(server_id)
    assert (shown["volumeId"], shown["device"]) == (new["id"], "/dev/vdb")
    assert volumes.guest_volumes(server_id) == {"/dev/vdb": new["id"]}
    # Back to a smaller volume: 400.
    response = volumes.admin.request(
        "PUT", "/v2.1" + ROUTE % server_id + "/" + new["id"],
        {"volumeAttachment": {"volumeId": old["id"]}})
    assert response.status_int == 400


def test_shelved_offloaded_attach_and_detach(volumes):
    server_id = volumes.boot()["id"]
    volumes.act(server_id, {"shelve": None})
    volumes.demo.wait_for_status(server_id, "SHELVED_OFFLOADED")
    volume = volumes.make_volume()
    volumes.attach(server_id, volume["id"], version="2.20")
    # Reserved for the server (its attachment has no host's connector
    # until it is unshelved).
    assert volumes.volume(volume["id"])["status"] in ("reserved", "in-use")
    [shown] = volumes.attachments(server_id)
    assert shown["volumeId"] == volume["id"]
    volumes.demo.delete(ROUTE % server_id + "/" + volume["id"])
    volumes.volume_in(volume["id"], "available")
    assert volumes.attachments(server_id) == []


def test_the_api_deletes_a_server_without_a_host_and_its_attachment(
        volumes):
    server_id = volumes.boot()["id"]
    volumes.act(server_id, {"shelve": None})
    volumes.demo.wait_for_status(server_id, "SHELVED_OFFLOADED")
    kept, dropped = volumes.make_volume(), volumes.make_volume()
    volumes.attach(server_id, kept["id"], version="2.79")
    volumes.attach(server_id, dropped["id"], version="2.79",
                   delete_on_termination=True)
    volumes.demo.delete("/servers/%s" % server_id)
    volumes.demo.wait_for_deleted(server_id)
    volumes.volume_in(kept["id"], "available")
    assert volumes.attachments_of(kept["id"]) == []
    volumes.volume_gone(dropped["id"])


def test_a_token_user_uses_the_cli_shapes(volumes):
    """The client's own flow (server add volume / server volume list)."""
    client = cloud_harness.StackClient(volumes.cloud.apps["compute"]).as_user(
        cloud_harness.DEMO, version="2.89")
    server_id = volumes.boot()["id"]
    volume = volumes.make_volume()
    client.post(ROUTE % server_id, {"volumeAttachment": {
        "volumeId": volume["id"]}})
    volumes.volume_in(volume["id"], "in-use")
    [shown] = client.get(ROUTE % server_id)["volumeAttachments"]
    assert shown["volumeId"] == volume["id"]


def test_multiattach_needs_2_60(volumes):
    first, second = volumes.boot("a")["id"], volumes.boot("b")["id"]
    shared = volumes.make_volume(volume_type="multiattach")
    response = volumes.attach(first, shared["id"], version="2.59",
                              expected=400)
    assert "2.60" in response.json["badRequest"]["message"]
    volumes.attach(first, shared["id"], version="2.60")
    volumes.volume_in(shared["id"], "in-use")
    volumes.finished(first)
    volumes.attach(second, shared["id"], version="2.60")
    volumes.finished(second)
    assert volumes.guest_volumes(first) == {"/dev/vdb": shared["id"]}
    assert volumes.guest_volumes(second) == {"/dev/vdb": shared["id"]}
    # Detached from one, it stays in use by the other.
    volumes.demo.delete(ROUTE % first + "/" + shared["id"])
    volumes.finished(first)
    assert volumes.volume(shared["id"])["status"] == "in-use"
    volumes.demo.delete(ROUTE % second + "/" + shared["id"])
    volumes.volume_in(shared["id"], "available")
