"""Servers with volumes on the fake driver and the built-in block storage
service: each kind of volume mapping at create, boot from volume, what a
failed build leaves (nothing), Cinder's refusals answered as Nova, and
createImage of a volume-backed server booted from again."""
import re

import pytest

from tests.functional.volume import helpers
from tests.functional.volume import bdm_cloud
from tests.functional.volume.bdm_cloud import DEMO

pytestmark = pytest.mark.slow
env = bdm_cloud.volume_cloud


def _volume_root(volume_id, **extra):
    return dict({"source_type": "volume", "destination_type": "volume",
                 "uuid": volume_id, "boot_index": 0}, **extra)


def test_boot_from_an_existing_volume(env):
    volume = env.make_volume(size=1, imageRef=env.image)
    response = env.boot_bdms([_volume_root(volume["id"])])
    assert response.status_int == 202, response.text
    server = env.settled(response.json["server"]["id"])
    assert server["status"] == "ACTIVE", server
    assert server["image"] == ""
    assert env.guest_volumes(server["id"]) == {"/dev/vda": volume["id"]}
    shown = env.volume(volume["id"])
    assert shown["status"] == "in-use"
    assert [a["server_id"] for a in shown["attachments"]] == [server["id"]]
    assert [(a["volume_id"], a["status"]) for a in env.attachments()] == [
        (volume["id"], "attached")]


@pytest.mark.parametrize("delete_on_termination", [True, False])
def test_each_source_makes_a_volume(env, delete_on_termination):
    source = env.make_volume(size=1)
    status, body = env_request_snapshot(env, source["id"])
    mappings = [
        {"source_type": "image", "destination_type": "volume",
         "uuid": env.image, "volume_size": 1, "boot_index": 0,
         "delete_on_termination": delete_on_termination},
        {"source_type": "blank", "destination_type": "volume",
         "volume_size": 1, "boot_index": -1,
         "delete_on_termination": delete_on_termination},
        {"source_type": "snapshot", "destination_type": "volume",
         "uuid": body["snapshot"]["id"], "boot_index": -1,
         "delete_on_termination": delete_on_termination},
    ]
    response = env.boot_bdms(mappings)
    assert response.status_int == 202, response.text
    server = env.admin.server(env.settled(response.json["server"]["id"])[
        "id"])
    assert server["status"] == "ACTIVE", server.get("fault")
    attached = env.guest_volumes(server["id"])
    assert sorted(attached) == ["/dev/vda", "/dev/vdb", "/dev/vdc"]
    made = set(attached.values())
    assert all(env.volume(volume_id)["status"] == "in-use"
               for volume_id in made)
    assert {volume["id"] for volume in server[
        "os-extended-volumes:volumes_attached"]} == made


def env_request_snapshot(env, volume_id):
    status, body = helpers.request(
        env.volume_app, "POST", "/v3/snapshots",
        {"snapshot": {"volume_id": volume_id, "name": "s"}}, token=DEMO)
    assert status == 202, body
    helpers.settled(env.volume_app, "/v3/snapshots/" + body["snapshot"]["id"],
                    "snapshot", token=DEMO)
    return status, body


def test_failed_build_leaves_no_attachment_or_made_volume(env):
    existing = env.make_volume(size=1, imageRef=env.image)
    for host in env.computes:
        env.driver(host)._fail_spawn = re.compile("doomed")
    before = set(env.volumes())
    response = env.boot_bdms([
        _volume_root(existing["id"]),
        {"source_type": "blank", "destination_type": "volume",
         "volume_size": 1, "boot_index": -1,
         "delete_on_termination": True}], name="doomed")
    assert response.status_int == 202, response.text
    server = env.settled(response.json["server"]["id"])
    assert server["status"] == "ERROR"
    assert set(env.volumes()) == before
    assert env.volume(existing["id"])["status"] == "available"
    assert env.attachments() == []


@pytest.mark.parametrize("make,version,message", [
    (lambda env: "9b0b8b4c-1c36-4c4e-9d4e-0d4f0d6b7c11", "2.67",
     "Block Device Mapping is Invalid: failed to get volume "
     "9b0b8b4c-1c36-4c4e-9d4e-0d4f0d6b7c11."),
    (lambda env: env.make_volume(size=1)["id"], "2.67",
     "is not bootable"),
    (lambda env: env.make_volume(size=1, imageRef=env.image,
                                 multiattach=True)["id"], "2.59",
     "Multiattach volumes are only supported starting with compute API "
     "version 2.60."),
])
def test_refused_volumes(env, make, version, message):
    volume_id = make(env)
    response = env.boot_bdms([_volume_root(volume_id)], version=version)
    assert response.status_int == 400, response.text
    assert message in response.json["badRequest"]["message"]
    assert env.attachments() == []


def test_volume_in_use_refused(env):
    volume = env.make_volume(size=1, imageRef=env.image)
    first = env.boot_bdms([_volume_root(volume["id"])])
    env.settled(first.json["server"]["id"])
    response = env.boot_bdms([_volume_root(volume["id"])])
    assert response.status_int == 400, response.text
    assert "status must be 'available'. Currently in 'in-use'" in (
        response.json["badRequest"]["message"])
    assert len(env.attachments()) == 1


def test_create_image_of_volume_backed_server_boots(env):
    volume = env.make_volume(size=1, imageRef=env.image)
    response = env.boot_bdms([_volume_root(volume["id"])])
    server = env.settled(response.json["server"]["id"])
    created = env.act(server["id"], {"createImage": {"name": "bfv-snap"}},
                      version="2.45")
    assert created.status_int == 202, created.text
    image_id = created.json["image_id"]
    image = env.admin.get("/images/%s" % image_id, version="2.35")["image"]
    assert image["status"] == "ACTIVE"
    assert image["metadata"]["bdm_v2"] == "True"
    # Booting from that image boots from a volume made of the snapshot.
    booted = env.demo.request("POST", "/v2.1/servers", {"server": {
        "name": "again", "flavorRef": "1", "networks": "none",
        "imageRef": image_id}}, version="2.67")
    assert booted.status_int == 202, booted.text
    again = env.settled(booted.json["server"]["id"])
    assert again["status"] == "ACTIVE", again
    (root,) = env.guest_volumes(again["id"]).values()
    assert root not in (None, volume["id"])
    assert env.volume(root)["snapshot_id"]


def test_rebuild_of_volume_backed_server(env):
    """The image it has: the guest is made again with its volumes; another
    image: 400 before 2.93 as Nova, from 2.93 the root volume reimaged."""
    volume = env.make_volume(size=1, imageRef=env.image)
    response = env.boot_bdms([_volume_root(volume["id"])])
    server = env.settled(response.json["server"]["id"])
    rebuilt = env.act(server["id"], {"rebuild": {"imageRef": env.image}},
                      client=env.demo, version="2.92")
    assert rebuilt.status_int == 202, rebuilt.text
    after = env.wait(server["id"], {"ACTIVE", "ERROR"})
    assert after["status"] == "ACTIVE"
    assert after["image"] == ""
    assert env.guest_volumes(server["id"]) == {"/dev/vda": volume["id"]}
    images = env.cloud._image_api()
    other = images.create(env.ctx(), name="other", disk_format="raw",
                          container_format="bare", visibility="public")
    images.upload(env.ctx(), other["id"], b"other image")
    refused = env.act(server["id"], {"rebuild": {"imageRef": other["id"]}},
                      client=env.demo, version="2.92")
    assert refused.status_int == 400, refused.text
    assert "Unable to rebuild with a different image for a volume-backed " \
        "server." in refused.json["badRequest"]["message"]
    reimaged = env.act(server["id"], {"rebuild": {"imageRef": other["id"]}},
                       client=env.demo, version="2.93")
    assert reimaged.status_int == 202, reimaged.text
    after = env.admin.server(env.wait(server["id"], {"ACTIVE", "ERROR"})[
        "id"])
    assert after["status"] == "ACTIVE", after.get("fault")
    assert env.guest_volumes(server["id"]) == {"/dev/vda": volume["id"]}
    shown = env.volume(volume["id"])
    assert shown["volume_image_metadata"]["image_id"] == other["id"]
    assert shown["status"] == "in-use"
    assert [a["status"] for a in env.attachments(volume["id"])] == [
        "attached"]


def test_legacy_mapping_and_zero_disk_flavor(env):
    """The legacy block_device_mapping boots the volume at vda; a flavor
    of zero disk is allowed for a volume-backed server (and placement
    holds no disk for it), refused for an image-backed one."""
    env.admin.post("/flavors", {"flavor": {
        "name": "diskless", "id": "diskless", "ram": 512, "vcpus": 1,
        "disk": 0}})
    volume = env.make_volume(size=1, imageRef=env.image)
    response = env.demo.request("POST", "/v2.1/servers", {"server": {
        "name": "legacy", "flavorRef": "diskless", "networks": "none",
        "block_device_mapping": [{"volume_id": volume["id"],
                                  "device_name": "vda"}]}},
        version="2.67")
    assert response.status_int == 202, response.text
    server = env.settled(response.json["server"]["id"])
    assert server["status"] == "ACTIVE", server
    assert env.guest_volumes(server["id"]) == {"/dev/vda": volume["id"]}
    (held,) = env.allocations(server["id"]).values()
    assert "DISK_GB" not in held
    refused = env.demo.request("POST", "/v2.1/servers", {"server": {
        "name": "local", "flavorRef": "diskless", "networks": "none",
        "imageRef": env.image}}, version="2.67")
    assert refused.status_int == 403, refused.text


def test_server_delete_frees_its_volumes(env):
    """Deleting the server: its volumes' attachments go, the volume the
    build made with delete_on_termination is deleted, the existing one
    (without) is available again."""
    existing = env.make_volume(size=1, imageRef=env.image)
    response = env.boot_bdms([
        _volume_root(existing["id"]),
        {"source_type": "blank", "destination_type": "volume",
         "volume_size": 1, "boot_index": -1,
         "delete_on_termination": True}])
    server = env.settled(response.json["server"]["id"])
    made = [volume_id for volume_id in env.guest_volumes(server["id"]).values()
            if volume_id != existing["id"]]
    env.demo.delete("/servers/%s" % server["id"])
    env.demo.wait_for_deleted(server["id"])
    assert env.settled_volume(made[0]) is None
    assert env.settled_volume(existing["id"])["status"] == "available"
    assert env.attachments() == []
