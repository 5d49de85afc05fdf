"""Volumes and attachments of the built-in block storage service, as a
client sees them, and their files on disk."""
import os

from tests.functional.volume.helpers import make_volume
from tests.functional.volume.helpers import request
from tests.functional.volume.helpers import settled

INSTANCE = "8a9b7a1e-3c55-4b9e-9f0a-0c5f0e6d1a11"


def test_volume_create_show_list_delete(sqlite_app):
    volume = make_volume(sqlite_app, size=2, name="data",
                         metadata={"k": "v"})
    assert volume["status"] == "available"
    assert volume["size"] == 2
    assert volume["volume_type"] == "__DEFAULT__"
    assert volume["metadata"] == {"k": "v"}
    assert volume["bootable"] == "false"
    status, body = request(sqlite_app, "GET", "/v3/volumes")
    assert status == 200
    assert [item["id"] for item in body["volumes"]] == [volume["id"]]
    status, body = request(sqlite_app, "GET",
                           "/v3/project-a/volumes/detail")
    assert body["volumes"][0]["name"] == "data"
    status, _ = request(sqlite_app, "DELETE", "/v3/volumes/" + volume["id"])
    assert status == 202
    assert settled(sqlite_app, "/v3/volumes/" + volume["id"],
                   "volume") is None


def test_volume_file_is_sparse_and_sized(sqlite_app, volume_conf):
    volume = make_volume(sqlite_app, size=1)
    path = os.path.join(volume_conf.cinder.volumes_dir,
                        "volume-" + volume["id"])
    assert os.path.getsize(path) == 1024 ** 3
    assert os.stat(path).st_blocks * 512 < 1024 ** 2
    request(sqlite_app, "DELETE", "/v3/volumes/" + volume["id"])
    settled(sqlite_app, "/v3/volumes/" + volume["id"], "volume")
    assert not os.path.exists(path)


def test_attachment_life(sqlite_app, volume_conf):
    volume = make_volume(sqlite_app)
    status, body = request(sqlite_app, "POST", "/v3/attachments", {
        "attachment": {"volume_uuid": volume["id"],
                       "instance_uuid": INSTANCE}}, version="3.44")
    assert status == 200, body
    attachment = body["attachment"]
    assert attachment["status"] == "reserved"
    assert attachment["connection_info"] == {}
    _, body = request(sqlite_app, "GET", "/v3/volumes/" + volume["id"])
    assert body["volume"]["status"] == "reserved"
    status, body = request(
        sqlite_app, "PUT", "/v3/attachments/" + attachment["id"],
        {"attachment": {"connector": {"host": "compute1",
                                      "mountpoint": "/dev/vdb"}}},
        version="3.44")
    assert status == 200, body
    info = body["attachment"]["connection_info"]
    assert info["driver_volume_type"] == "file"
    assert info["data"]["device_path"] == os.path.join(
        volume_conf.cinder.volumes_dir, "volume-" + volume["id"])
    assert info["data"]["format"] == "raw"
    assert info["data"]["access_mode"] == "rw"
    assert info["data"]["volume_id"] == volume["id"]
    status, _ = request(sqlite_app, "POST",
                        "/v3/attachments/%s/action" % attachment["id"],
                        {"os-complete": None}, version="3.44")
    assert status == 204
    _, body = request(sqlite_app, "GET", "/v3/volumes/" + volume["id"])
    assert body["volume"]["status"] == "in-use"
    assert body["volume"]["attachments"][0]["server_id"] == INSTANCE
    assert body["volume"]["attachments"][0]["device"] == "/dev/vdb"
    status, body = request(sqlite_app, "DELETE",
                           "/v3/volumes/" + volume["id"])
    assert status == 400, body
    assert "badRequest" in body
    status, body = request(sqlite_app, "DELETE",
                           "/v3/attachments/" + attachment["id"],
                           version="3.44")
    assert status == 200
    assert body == {"attachments": []}
    _, body = request(sqlite_app, "GET", "/v3/volumes/" + volume["id"])
    assert body["volume"]["status"] == "available"
    assert body["volume"]["attachments"] == []


def test_attachments_need_3_27(sqlite_app):
    status, body = request(sqlite_app, "GET", "/v3/attachments")
    assert status == 404
    assert "itemNotFound" in body
    status, body = request(sqlite_app, "GET", "/v3/volumes",
                           version="3.99")
    assert status == 406
    status, body = request(sqlite_app, "GET", "/v3/volumes",
                           version="latest")
    assert status == 200


def test_missing_volume_is_cinders_404(sqlite_app):
    status, body = request(sqlite_app, "GET", "/v3/volumes/nope")
    assert status == 404
    assert body == {"itemNotFound": {
        "code": 404, "message": "Volume nope could not be found."}}
