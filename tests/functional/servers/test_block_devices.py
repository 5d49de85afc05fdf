"""block_device_mapping_v2 at create: the image's root disk and local
blank (ephemeral, swap) disks are kept with their device tags in the
server's cell; the local disks are checked against the flavor and the
form of volume mappings as Nova does (the volumes themselves:
tests/functional/volume/test_boot_from_volume.py)."""
import pytest

from stratus import context as stratus_context
from stratus.objects import block_device_mapping as bdm_obj
from stratus.objects import instance_mapping
from tests.functional.servers import fixtures

IMAGE = fixtures.IMAGE_ID
FLAVOR = {"name": "disks", "id": "disks", "ram": 512, "vcpus": 1, "disk": 1,
          "OS-FLV-EXT-DATA:ephemeral": 2, "swap": 512}


def _root(tag=None):
    root = {"uuid": IMAGE, "source_type": "image",
            "destination_type": "local", "boot_index": 0,
            "delete_on_termination": True}
    if tag:
        root["tag"] = tag
    return root


def _blank(size=None, guest_format=None, tag=None, **extra):
    mapping = dict({"source_type": "blank", "destination_type": "local",
                    "boot_index": -1, "delete_on_termination": True},
                   **extra)
    for key, value in (("volume_size", size), ("guest_format", guest_format),
                       ("tag", tag)):
        if value is not None:
            mapping[key] = value
    return mapping


def _body(mappings, image=IMAGE, flavor="disks", **server):
    body = dict({"name": "disky", "flavorRef": flavor, "networks": "none",
                 "block_device_mapping_v2": mappings}, **server)
    if image:
        body["imageRef"] = image
    return {"server": body}


def _mappings(databases, server_id):
    ctx = stratus_context.get_admin_context(databases)
    mapping = instance_mapping.InstanceMapping.get_by_instance_uuid(
        ctx, server_id)
    with ctx.target_cell(mapping.cell_uuid) as cctx:
        return bdm_obj.BlockDeviceMappingList.get_by_instance_uuid(
            cctx, server_id).objects


@pytest.mark.slow
def test_block_devices_kept_in_the_cell_with_tags(cloud, api):
    api.post("/flavors", {"flavor": FLAVOR})
    server = api.post("/servers", _body([
        _root(tag="root"),
        _blank(size=1, guest_format="ext4", tag="scratch", disk_bus="virtio",
               device_type="disk"),
        _blank(size=256, guest_format="swap", tag="swap")]),
        version="2.42")["server"]
    api.wait_for_status(server["id"], "ACTIVE")
    found = _mappings(cloud.databases, server["id"])
    assert [(bdm.source_type, bdm.destination_type, bdm.boot_index,
             bdm.tag, bdm.get("guest_format"), bdm.get("volume_size"))
            for bdm in found] == [
        ("image", "local", 0, "root", None, None),
        ("blank", "local", -1, "scratch", "ext4", 1),
        ("blank", "local", -1, "swap", "swap", 256)]
    assert found[0].image_id == IMAGE and found[0].delete_on_termination
    assert (found[1].disk_bus, found[1].device_type) == ("virtio", "disk")
    assert len({bdm.uuid for bdm in found}) == 3
    shown = api.server(server["id"])
    assert shown["os-extended-volumes:volumes_attached"] == []
    api.delete("/servers/%s" % server["id"])
    api.wait_for_deleted(server["id"])
    assert _mappings(cloud.databases, server["id"]) == []


@pytest.mark.slow
def test_image_root_disk_recorded_without_mappings(cloud, api):
    server = api.create_server(image=api.first_image_id())["server"]
    api.wait_for_status(server["id"], "ACTIVE")
    (root,) = _mappings(cloud.databases, server["id"])
    assert (root.source_type, root.destination_type, root.boot_index,
            root.image_id, root.get("tag")) == (
        "image", "local", 0, api.first_image_id(), None)


def test_tag_kept_at_232_with_the_build_request(sqlite_servers):
    body = _body([_root(tag="boot")], flavor="1")
    del body["server"]["networks"]
    response = sqlite_servers.demo.request("POST", "/v2.1/servers", body,
                                           version="2.32")
    assert response.status_int == 202, response.text
    build_request = sqlite_servers.build_request(
        response.json["server"]["id"])
    (root,) = build_request.block_device_mappings.objects
    assert (root.tag, root.boot_index) == ("boot", 0)


@pytest.mark.parametrize("mappings,message", [
    ([_root(), _blank(size=3)], "Ephemeral disks requested are larger"),
    ([_root(), _blank(size=1), _blank()],
     "Ephemeral disks requested are larger"),
    ([_root(), _blank(size=1024, guest_format="swap")],
     "Swap drive requested is larger than instance type allows."),
    ([_root(), _blank(size=1, guest_format="swap"),
      _blank(size=1, guest_format="swap")],
     "Block Device Mapping is Invalid: More than one swap drive requested."),
    ([{"source_type": "volume", "destination_type": "local",
       "uuid": IMAGE, "boot_index": 0}],
     "Block Device Mapping is Invalid: Mapping volume to local is not "
     "supported."),
    ([{"source_type": "volume", "destination_type": "volume",
       "boot_index": 0}],
     "Block Device Mapping is Invalid: Missing device UUID."),
    ([_root(), {"source_type": "blank", "destination_type": "volume",
                "boot_index": -1}],
     "Blank volumes (source: 'blank', dest: 'volume') need to have "
     "non-zero size"),
    ([{"source_type": "image", "destination_type": "volume", "uuid": IMAGE,
       "boot_index": 0}],
     "Images with destination_type 'volume' need to have a non-zero size "
     "specified"),
    ([_root(), _blank(size=1, uuid=IMAGE)],
     "Block Device Mapping is Invalid: Invalid device UUID."),
    ([_root(), dict(_root(), boot_index=1)],
     "Block Device Mapping is Invalid: Mapping image to local is not "
     "supported."),
    ([_root(), _blank(size=1, boot_index=2)],
     "Block Device Mapping is Invalid: Boot sequence"),
    ([_blank(size=1, boot_index=0)],
     "Block Device Mapping is Invalid: Boot sequence"),
])
def test_invalid_block_devices_refused(sqlite_servers, mappings, message):
    sqlite_servers.admin.post("/flavors", {"flavor": FLAVOR})
    response = sqlite_servers.demo.request(
        "POST", "/v2.1/servers", _body(mappings), version="2.42")
    assert response.status_int == 400, response.text
    assert message in response.json["badRequest"]["message"]


def test_local_disks_limit(sqlite_servers, conf):
    sqlite_servers.admin.post("/flavors", {"flavor": FLAVOR})
    conf.set_override("max_local_block_devices", 2)
    response = sqlite_servers.demo.request("POST", "/v2.1/servers", _body(
        [_root(), _blank(size=1), _blank(size=1, guest_format="swap")]),
        version="2.42")
    assert response.status_int == 400, response.text
    assert response.json["badRequest"]["message"] == (
        "Block Device Mapping is Invalid: You specified more local devices "
        "than the limit allows")


@pytest.mark.parametrize("version,network,status,message", [
    ("2.32", {"uuid": IMAGE, "tag": "nic"}, 400,
     "Network %s could not be found." % IMAGE),
    ("2.36", {"uuid": IMAGE, "tag": "nic"}, 400,
     "Network %s could not be found." % IMAGE),
    ("2.37", {"uuid": IMAGE, "tag": "nic"}, 400, "tag"),
    ("2.41", {"port": IMAGE, "tag": "nic"}, 400, "tag"),
    ("2.42", {"uuid": IMAGE, "tag": "nic"}, 400,
     "Network %s could not be found." % IMAGE),
    ("2.42", {"port": IMAGE, "tag": "nic"}, 400,
     "Port id %s could not be found." % IMAGE),
    ("2.31", {"uuid": IMAGE, "tag": "nic"}, 400, "tag"),
])
def test_network_tags_by_microversion(sqlite_servers, version, network,
                                      status, message):
    body = {"server": {"name": "vm", "flavorRef": "1", "imageRef": IMAGE,
                       "networks": [network]}}
    response = sqlite_servers.demo.request("POST", "/v2.1/servers", body,
                                           version=version)
    assert response.status_int == status, response.text
    assert message in response.json["badRequest"]["message"]


def test_unsized_local_disks_take_the_flavor_sizes(sqlite_servers):
    sqlite_servers.admin.post("/flavors", {"flavor": FLAVOR})
    response = sqlite_servers.demo.request("POST", "/v2.1/servers", _body(
        [_root(), _blank(), _blank(guest_format="swap")]), version="2.42")
    assert response.status_int == 202, response.text
    mappings = sqlite_servers.build_request(
        response.json["server"]["id"]).block_device_mappings.objects
    assert [bdm.get("volume_size") for bdm in mappings] == [None, 2, 512]
