"""The volume files behind the API: snapshots, clones, volumes from
images, extend, qcow2, re-image, and a service start that finishes or
fails what a stopped one left midway."""
import os
import subprocess

from stratus.api.volume import app as volume_app
from tests.functional.volume.helpers import ADMIN
from tests.functional.volume.helpers import make_volume
from tests.functional.volume.helpers import request
from tests.functional.volume.helpers import settled

IMAGE_ID = "5b0b5a4e-6a8f-4d39-8c3f-2a3a4f0b9c01"
MIB = 1024 ** 2


class FakeImages:
    """The image service: one raw image of 3 MiB that starts with a
    marker."""

    def __init__(self):
        self.data = b"STRATUS-IMAGE" + b"\0" * (3 * MIB - 13)

    def get(self, ctx, image_id):
        from stratus import exception
        if image_id != IMAGE_ID:
            raise exception.ImageNotFound(image_id=image_id)
        return {"id": IMAGE_ID, "name": "cirros", "status": "active",
                "disk_format": "raw", "container_format": "bare",
                "size": len(self.data), "min_disk": 0, "min_ram": 0,
                "checksum": "x", "hw_disk_bus": "virtio",
                "visibility": "public"}

    def download(self, ctx, image_id):
        return iter([self.data[:MIB], self.data[MIB:]])


def _path(conf, volume_id, suffix=""):
    return os.path.join(conf.cinder.volumes_dir,
                        "volume-%s%s" % (volume_id, suffix))


def _head(path, count=13):
    with open(path, "rb") as volume_file:
        return volume_file.read(count)


def test_snapshot_and_volumes_made_of_it(sqlite_app, volume_conf):
    volume = make_volume(sqlite_app)
    with open(_path(volume_conf, volume["id"]), "r+b") as volume_file:
        volume_file.write(b"hello")
    status, body = request(sqlite_app, "POST", "/v3/snapshots", {
        "snapshot": {"volume_id": volume["id"], "name": "s1"}})
    assert status == 202, body
    snapshot = settled(sqlite_app, "/v3/snapshots/" + body["snapshot"]["id"],
                       "snapshot")
    assert snapshot["status"] == "available"
    assert snapshot["size"] == 1
    snapshot_file = os.path.join(volume_conf.cinder.volumes_dir,
                                 "snapshot-" + snapshot["id"])
    assert _head(snapshot_file, 5) == b"hello"
    clone = make_volume(sqlite_app, size=2, snapshot_id=snapshot["id"])
    assert clone["status"] == "available"
    assert clone["snapshot_id"] == snapshot["id"]
    assert _head(_path(volume_conf, clone["id"]), 5) == b"hello"
    assert os.path.getsize(_path(volume_conf, clone["id"])) == 2 * 1024 ** 3
    copy = make_volume(sqlite_app, source_volid=volume["id"], size=None)
    assert copy["size"] == 1
    assert _head(_path(volume_conf, copy["id"]), 5) == b"hello"
    # A volume with snapshots goes only with cascade.
    path = "/v3/volumes/" + volume["id"]
    status, body = request(sqlite_app, "DELETE", path)
    assert status == 400, body
    status, _ = request(sqlite_app, "DELETE", path + "?cascade=true")
    assert status == 202
    assert settled(sqlite_app, path, "volume") is None
    assert not os.path.exists(snapshot_file)
    status, _ = request(sqlite_app, "GET", "/v3/snapshots/" + snapshot["id"])
    assert status == 404


def test_snapshot_of_in_use_volume_needs_force(sqlite_app):
    volume = make_volume(sqlite_app)
    request(sqlite_app, "POST", "/v3/volumes/%s/action" % volume["id"],
            {"os-reset_status": {"status": "in-use"}}, token=ADMIN)
    body = {"snapshot": {"volume_id": volume["id"]}}
    status, reply = request(sqlite_app, "POST", "/v3/snapshots", body)
    assert status == 400, reply
    body["snapshot"]["force"] = True
    status, reply = request(sqlite_app, "POST", "/v3/snapshots", body)
    assert status == 202, reply


def test_volume_from_image_is_bootable(volume_conf, sqlite_databases):
    app = volume_app.VolumeApp(volume_conf, sqlite_databases,
                               image_api=FakeImages())
    app.start()
    volume = make_volume(app, imageRef=IMAGE_ID)
    assert volume["status"] == "available", volume
    assert volume["bootable"] == "true"
    assert volume["volume_image_metadata"]["image_id"] == IMAGE_ID
    assert volume["volume_image_metadata"]["hw_disk_bus"] == "virtio"
    assert _head(_path(volume_conf, volume["id"])) == b"STRATUS-IMAGE"
    status, body = request(app, "POST", "/v3/volumes", {"volume": {
        "size": 1, "imageRef": "00000000-0000-0000-0000-000000000000"}})
    assert status == 400, body
    # os-reimage (3.68) writes the image over the volume's content.
    blank = make_volume(app)
    status, body = request(app, "POST", "/v3/volumes/%s/action"
                           % blank["id"], {"os-reimage": {
                               "image_id": IMAGE_ID}}, version="3.68")
    assert status == 202, body
    blank = settled(app, "/v3/volumes/" + blank["id"], "volume")
    assert blank["status"] == "available"
    assert blank["bootable"] == "true"
    assert _head(_path(volume_conf, blank["id"])) == b"STRATUS-IMAGE"
    app.worker.pool.shutdown(wait=True)


def test_extend_grows_the_file(sqlite_app, volume_conf):
    volume = make_volume(sqlite_app)
    status, body = request(sqlite_app, "POST", "/v3/volumes/%s/action"
                           % volume["id"], {"os-extend": {"new_size": 3}})
    assert status == 202, body
    volume = settled(sqlite_app, "/v3/volumes/" + volume["id"], "volume")
    assert volume["size"] == 3
    assert volume["status"] == "available"
    assert os.path.getsize(_path(volume_conf, volume["id"])) == 3 * 1024 ** 3
    status, body = request(sqlite_app, "POST", "/v3/volumes/%s/action"
                           % volume["id"], {"os-extend": {"new_size": 2}})
    assert status == 400


def test_qcow2_volumes(volume_conf, sqlite_databases):
    volume_conf.set_override("volume_format", "qcow2", "cinder")
    try:
        app = volume_app.VolumeApp(volume_conf, sqlite_databases)
        volume = make_volume(app, size=2)
        path = _path(volume_conf, volume["id"], ".qcow2")
        info = subprocess.run(("qemu-img", "info", path), check=True,
                              capture_output=True, text=True).stdout
        assert "qcow2" in info
        assert "2 GiB" in info
        app.worker.pool.shutdown(wait=True)
    finally:
        volume_conf.clear_override("volume_format", "cinder")


def test_start_finishes_or_fails_what_was_left(volume_conf,
                                               sqlite_databases):
    first = volume_app.VolumeApp(volume_conf, sqlite_databases)
    first.start()
    deleting = make_volume(first)
    creating = make_volume(first)
    extending = make_volume(first)
    first.volumes.set_status(deleting["id"], None, {"status": "deleting"})
    first.volumes.set_status(creating["id"], None, {"status": "creating"})
    first.volumes.set_status(extending["id"], None,
                             {"status": "extending", "size": 2})
    first.worker.pool.shutdown(wait=True)
    # The service starts again.
    again = volume_app.VolumeApp(volume_conf, sqlite_databases)
    found = again.start()
    assert found == {"deleting": 1, "creating": 1, "extending": 1}
    status, _ = request(again, "GET", "/v3/volumes/" + deleting["id"])
    assert status == 404
    assert not os.path.exists(_path(volume_conf, deleting["id"]))
    _, body = request(again, "GET", "/v3/volumes/" + creating["id"])
    assert body["volume"]["status"] == "error"
    _, body = request(again, "GET", "/v3/volumes/" + extending["id"])
    assert body["volume"]["status"] == "available"
    assert os.path.getsize(_path(volume_conf, extending["id"])) == \
        2 * 1024 ** 3
    # A volume in error can be deleted.
    status, _ = request(again, "DELETE", "/v3/volumes/" + creating["id"])
    assert status == 202
    again.worker.pool.shutdown(wait=True)


class FakeNotifier:
    def __init__(self):
        self.events = []

    def send(self, ctx, events, microversion=None):
        self.events.extend(events)


def _attached(app, volume_id, server, complete=True):
    _, body = request(app, "POST", "/v3/attachments", {"attachment": {
        "volume_uuid": volume_id, "instance_uuid": server}},
        version="3.44")
    attachment_id = body["attachment"]["id"]
    if complete:
        request(app, "PUT", "/v3/attachments/" + attachment_id,
                {"attachment": {"connector": {"host": "h"}}},
                version="3.44")
        request(app, "POST", "/v3/attachments/%s/action" % attachment_id,
                {"os-complete": None}, version="3.44")
    return attachment_id


def test_events_for_the_compute_api(volume_conf, sqlite_databases):
    """volume-extended after an in-use volume grew (3.42), volume-reimaged
    after a reserved volume was re-imaged (Nova's volume-backed
    rebuild)."""
    server = "0b7f3c51-9d5b-4b8e-8a68-6b1c3a9f0d21"
    app = volume_app.VolumeApp(volume_conf, sqlite_databases,
                               image_api=FakeImages())
    app.compute_notifier = notifier = FakeNotifier()
    volume = make_volume(app)
    _attached(app, volume["id"], server)
    status, body = request(app, "POST", "/v3/volumes/%s/action"
                           % volume["id"], {"os-extend": {"new_size": 2}})
    assert status == 400, body     # in-use before 3.42
    status, body = request(app, "POST", "/v3/volumes/%s/action"
                           % volume["id"], {"os-extend": {"new_size": 2}},
                           version="3.42")
    assert status == 202, body
    volume = settled(app, "/v3/volumes/" + volume["id"], "volume")
    assert (volume["status"], volume["size"]) == ("in-use", 2)
    assert notifier.events == [{"name": "volume-extended",
                                "server_uuid": server, "tag": volume["id"],
                                "status": "completed"}]
    other = make_volume(app)
    _attached(app, other["id"], server, complete=False)
    status, body = request(app, "POST", "/v3/volumes/%s/action"
                           % other["id"], {"os-reimage": {
                               "image_id": IMAGE_ID,
                               "reimage_reserved": True}}, version="3.68")
    assert status == 202, body
    other = settled(app, "/v3/volumes/" + other["id"], "volume")
    assert other["status"] == "reserved"
    assert notifier.events[-1] == {"name": "volume-reimaged",
                                   "server_uuid": server,
                                   "tag": other["id"],
                                   "status": "completed"}
    app.worker.pool.shutdown(wait=True)


def test_a_failed_extend_keeps_the_size(sqlite_app, volume_conf):
    volume = make_volume(sqlite_app)
    os.unlink(_path(volume_conf, volume["id"]))
    status, _ = request(sqlite_app, "POST", "/v3/volumes/%s/action"
                        % volume["id"], {"os-extend": {"new_size": 2}})
    assert status == 202
    volume = settled(sqlite_app, "/v3/volumes/" + volume["id"], "volume")
    assert (volume["status"], volume["size"]) == ("error_extending", 1)


def test_an_image_with_a_backing_file_is_refused(volume_conf,
                                                 sqlite_databases,
                                                 tmp_path):
    """A qcow2 image naming a host file as its backing file must not
    make a volume of that file."""
    secret = tmp_path / "host-secret"
    secret.write_bytes(b"SECRET" * 100)
    image = tmp_path / "evil.qcow2"
    subprocess.run(("qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw",
                    "-b", str(secret), str(image)), check=True)
    images = FakeImages()
    images.data = image.read_bytes()
    original = images.get

    def get(ctx, image_id):
        return dict(original(ctx, image_id), disk_format="qcow2",
                    size=len(images.data))
    images.get = get
    app = volume_app.VolumeApp(volume_conf, sqlite_databases,
                               image_api=images)
    volume = make_volume(app, imageRef=IMAGE_ID)
    assert volume["status"] == "error"
    assert not os.path.exists(_path(volume_conf, volume["id"]))
    app.stop()
