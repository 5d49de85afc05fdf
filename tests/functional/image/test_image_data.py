"""Uploading and downloading image data."""
import hashlib
import os
import struct

from stratus.image import bootstrap


def _stored_files(image_conf):
    directory = os.path.join(image_conf.state_path, "images")
    return sorted(os.listdir(directory))


def test_upload_activates_and_download_returns_the_data(images):
    image = images.create(name="data")
    data = os.urandom(300 * 1024)
    assert images.upload(image["id"], data).status_int == 204
    active = images.request("GET", "/v2/images/" + image["id"]).json
    assert active["status"] == "active"
    assert active["size"] == len(data)
    assert active["virtual_size"] == len(data)   # raw
    assert active["checksum"] == hashlib.md5(data).hexdigest()
    assert active["os_hash_algo"] == "sha512"
    assert active["os_hash_value"] == hashlib.sha512(data).hexdigest()
    download = images.request("GET", "/v2/images/%s/file" % image["id"])
    assert download.status_int == 200
    assert download.content_type == "application/octet-stream"
    assert download.headers["Content-MD5"] == active["checksum"]
    assert download.body == data


def test_qcow2_virtual_size_comes_from_its_header(images):
    image = images.create(disk_format="qcow2")
    images.upload(image["id"], bootstrap.empty_qcow2(5 * 1024 ** 3))
    shown = images.request("GET", "/v2/images/" + image["id"]).json
    assert shown["virtual_size"] == 5 * 1024 ** 3


def test_an_image_takes_data_once(images):
    image = images.create()
    images.upload(image["id"], b"first")
    second = images.upload(image["id"], b"second")
    assert second.status_int == 409
    assert images.request("GET", "/v2/images/%s/file" % image["id"]).body == (
        b"first")


def test_upload_needs_formats_and_octet_stream(images, image_conf):
    image = images.create(disk_format=None, container_format=None)
    assert images.upload(image["id"], b"data").status_int == 400
    assert images.request("GET", "/v2/images/" + image["id"]).json[
        "status"] == "queued"
    formatted = images.create()
    response = images.request("PUT", "/v2/images/%s/file" % formatted["id"],
                              body=b"data", content_type="text/plain")
    assert response.status_int == 415
    # nothing half-written is left behind
    assert _stored_files(image_conf) == [bootstrap.DEFAULT_IMAGE_ID]


def test_only_the_owner_uploads(images):
    image = images.create(visibility="community")
    assert images.upload(image["id"], b"x", "other").status_int == 403
    private = images.create()
    assert images.upload(private["id"], b"x", "other").status_int == 404


def test_an_image_without_data_downloads_as_204(images):
    image = images.create()
    response = images.request("GET", "/v2/images/%s/file" % image["id"])
    assert response.status_int == 204
    assert response.body == b""
    assert images.request("GET", "/v2/images/%s/file" % image["id"],
                          "other").status_int == 404


def test_the_default_image_is_a_qcow2_disk(images):
    data = images.request("GET", "/v2/images/%s/file"
                          % bootstrap.DEFAULT_IMAGE_ID).body
    magic, version = struct.unpack(">4sI", data[:8])
    assert (magic, version) == (b"QFI\xfb", 2)
    assert struct.unpack(">Q", data[24:32])[0] == bootstrap.VIRTUAL_SIZE
