"""The volumes of a build on the host (stratus/compute/tasks/
block_devices.py) and of a create at the API (stratus/compute_api/
block_device_volumes.py), against a small stand-in of the block storage
service: what the service holds after each step is what is asserted."""
import json
import types
import uuid

import pytest

from stratus.compute.tasks import block_devices
from stratus.compute_api import block_device
from stratus.compute_api import block_device_volumes
from stratus import client_exception
from stratus import exception
from stratus.objects import block_device_mapping as bdm_obj

SERVER = str(uuid.uuid4())


class FakeCinder:
    """Volumes, snapshots and attachments in dicts, with Cinder's rules
    that matter here."""

    def __init__(self):
        self.volumes, self.snapshots, self.attachments = {}, {}, {}

    def add_volume(self, size=1, status="available", multiattach=False,
                   zone="nova", bootable=True, image_meta=None):
        volume_id = str(uuid.uuid4())
        self.volumes[volume_id] = {
            "id": volume_id, "size": size, "status": status,
            "multiattach": multiattach, "availability_zone": zone,
            "bootable": "true" if bootable else "false",
            "volume_image_metadata": image_meta or {}}
        return volume_id

    def get(self, ctx, volume_id):
        if volume_id not in self.volumes:
            raise client_exception.VolumeNotFound(volume_id=volume_id)
        volume = self.volumes[volume_id]
        if volume["status"] == "creating":
            # Made by the time it is looked at again.
            volume["status"] = "available"
            return dict(volume, status="creating")
        return dict(volume)

    def get_snapshot(self, ctx, snapshot_id):
        if snapshot_id not in self.snapshots:
            raise client_exception.SnapshotNotFound(snapshot_id=snapshot_id)
        return dict(self.snapshots[snapshot_id])

    def create(self, ctx, size, name, description, snapshot_id=None,
               image_id=None, volume_type=None, metadata=None,
               availability_zone=None):
        volume_id = self.add_volume(size=size, status="creating")
        self.volumes[volume_id].update(name=name, image_id=image_id,
                                       snapshot_id=snapshot_id)
        return dict(self.volumes[volume_id])

    def delete(self, ctx, volume_id):
        if any(a["volume_id"] == volume_id
               for a in self.attachments.values()):
            raise client_exception.VolumeServiceBadRequest(reason="in use")
        del self.volumes[volume_id]

    def attachment_create(self, ctx, volume_id, instance_id,
                          connector=None, mountpoint=None, mode=None):
        volume = self.get(ctx, volume_id)
        others = [a for a in self.attachments.values()
                  if a["volume_id"] == volume_id]
        if others and not volume["multiattach"]:
            raise client_exception.VolumeServiceBadRequest(
                reason="volume %s is in use" % volume_id)
        attachment_id = str(uuid.uuid4())
        self.attachments[attachment_id] = {
            "id": attachment_id, "volume_id": volume_id,
            "instance": instance_id, "connector": connector,
            "status": "reserved"}
        return dict(self.attachments[attachment_id])

    def attachment_update(self, ctx, attachment_id, connector,
                          mountpoint=None):
        attachment = self.attachments[attachment_id]
        attachment.update(connector=connector, status="attaching")
        return dict(attachment, connection_info={
            "driver_volume_type": "file",
            "data": {"volume_id": attachment["volume_id"],
                     "device_path": "/v/" + attachment["volume_id"]}})

    def attachment_complete(self, ctx, attachment_id):
        self.attachments[attachment_id]["status"] = "attached"

    def attachment_delete(self, ctx, attachment_id):
        if attachment_id not in self.attachments:
            raise client_exception.VolumeAttachmentNotFound(
                attachment_id=attachment_id)
        del self.attachments[attachment_id]


class FakeConductor:
    def __init__(self, bdms):
        self.bdms = bdms
        self.saved = []

    def block_device_mappings(self, ctx, instance_uuid):
        return self.bdms

    def bdm_save(self, ctx, bdm):
        self.saved.append(bdm.obj_get_changes())


class Host(block_devices.BlockDevicesMixin):
    def __init__(self, cinder, bdms):
        self.volume_api = cinder
        self.conductor = FakeConductor(bdms)
        self.driver = types.SimpleNamespace(
            get_volume_connector=lambda instance: {"host": "h1"})
        self.conf = types.SimpleNamespace(
            block_device_allocate_retries=2,
            block_device_allocate_retries_interval=0,
            cinder=types.SimpleNamespace(cross_az_attach=True))


def _bdm(**values):
    values.setdefault("destination_type", "volume")
    values.setdefault("uuid", str(uuid.uuid4()))
    values.setdefault("instance_uuid", SERVER)
    return bdm_obj.BlockDeviceMapping(**values)


INSTANCE = types.SimpleNamespace(uuid=SERVER, availability_zone=None,
                                 get=lambda name, default=None: None)


def _prepared(cinder, bdms):
    host = Host(cinder, bdms)
    info = host._prepare_volumes(None, INSTANCE, bdms)
    return host, info


def test_each_source_becomes_an_attached_volume():
    cinder = FakeCinder()
    existing = cinder.add_volume(size=2)
    reservation = cinder.attachment_create(None, existing, SERVER)["id"]
    bdms = [
        _bdm(source_type="volume", volume_id=existing, boot_index=0,
             attachment_id=reservation),
        _bdm(source_type="blank", volume_size=1, boot_index=-1),
        _bdm(source_type="image", image_id=str(uuid.uuid4()),
             volume_size=3, boot_index=-1, device_name="/dev/vdd"),
    ]
    host, info = _prepared(cinder, bdms)
    assert len(cinder.volumes) == 3
    assert [m["mount_device"] for m in info["block_device_mapping"]] == [
        "/dev/vda", "/dev/vdb", "/dev/vdd"]
    assert {a["connector"]["host"] for a in cinder.attachments.values()} \
        == {"h1"}
    assert json.loads(bdms[1].connection_info)["data"]["volume_id"] == (
        bdms[1].volume_id)
    assert block_devices.is_volume_backed(bdms)
    host._complete_volumes(None, bdms)
    assert {a["status"] for a in cinder.attachments.values()} == {
        "attached"}


@pytest.mark.parametrize("reschedule", [False, True])
def test_a_failed_build_leaves_no_attachment_or_made_volume(reschedule):
    cinder = FakeCinder()
    existing = cinder.add_volume()
    reservation = cinder.attachment_create(None, existing, SERVER)["id"]
    bdms = [
        _bdm(source_type="volume", volume_id=existing, boot_index=0,
             attachment_id=reservation, delete_on_termination=True),
        _bdm(source_type="blank", volume_size=1, boot_index=-1,
             delete_on_termination=True),
        _bdm(source_type="blank", volume_size=1, boot_index=-1,
             delete_on_termination=False),
    ]
    host, _ = _prepared(cinder, bdms)
    host._undo_volumes(None, INSTANCE, bdms, reschedule=reschedule)
    kept = bdms[2].volume_id
    # The existing volume and the one made without delete_on_termination
    # stay; the other made one is gone.
    assert set(cinder.volumes) == {existing, kept}
    assert bdms[1].get("volume_id") is None
    if reschedule:
        # Reserved again (no connector) for the next host.
        assert sorted((a["volume_id"], a["connector"])
                      for a in cinder.attachments.values()) == sorted(
            [(existing, None), (kept, None)])
    else:
        assert cinder.attachments == {}


def _checked(cinder, mappings, image_id=None, zone=None, multiattach=True,
             cross_az=True, image_api=None):
    flavor = types.SimpleNamespace(swap=0, ephemeral_gb=0, memory_mb=512,
                                   root_gb=0)
    bdms = block_device.from_api(mappings, image_id, flavor, 3)
    api = types.SimpleNamespace(
        volume_api=cinder, image_api=image_api,
        conf=types.SimpleNamespace(
            cinder=types.SimpleNamespace(cross_az_attach=cross_az)))
    return bdms, block_device_volumes.check(api, None, bdms, flavor, zone,
                                            multiattach)


def _volume_root(volume_id, **extra):
    return dict(source_type="volume", destination_type="volume",
                uuid=volume_id, boot_index=0, **extra)


def test_boot_volume_gives_its_image_metadata_and_size():
    cinder = FakeCinder()
    image = str(uuid.uuid4())
    volume = cinder.add_volume(size=4, image_meta={
        "image_id": image, "min_disk": "1", "os_distro": "cirros"})
    bdms, checked = _checked(cinder, [_volume_root(volume)])
    assert checked.image["id"] == image
    assert checked.image["os_distro"] == "cirros"
    assert bdms[0].volume_size == 4


@pytest.mark.parametrize("volume,extra,error,message", [
    (dict(status="in-use"), {}, exception.InvalidVolume,
     "status must be 'available'. Currently in 'in-use'"),
    (dict(multiattach=True), {"multiattach": False},
     exception.MultiattachNotSupportedOldMicroversion, "2.60"),
    (dict(bootable=False), {}, exception.InvalidBDM,
     "is not bootable"),
    (dict(size=1, image_meta={"image_id": str(uuid.uuid4()),
                              "min_disk": "2"}), {},
     exception.Invalid, "Volume is smaller"),
    (dict(zone="az2"), {"zone": "az1", "cross_az": False},
     exception.Invalid, "Server is in: az1"),
])
def test_volumes_refused_as_nova(volume, extra, error, message):
    cinder = FakeCinder()
    volume_id = cinder.add_volume(**volume)
    with pytest.raises(error) as raised:
        _checked(cinder, [_volume_root(volume_id)], **extra)
    assert message in raised.value.format_message()
    assert raised.value.code == 400


def test_unknown_volume_and_snapshot():
    cinder = FakeCinder()
    missing = str(uuid.uuid4())
    with pytest.raises(exception.InvalidBDM) as raised:
        _checked(cinder, [_volume_root(missing)])
    assert raised.value.format_message() == (
        "Block Device Mapping is Invalid: failed to get volume %s."
        % missing)
    with pytest.raises(exception.InvalidBDM):
        _checked(cinder, [dict(source_type="snapshot", uuid=missing,
                               destination_type="volume", boot_index=0)])


def test_volume_zone_pins_the_server_without_cross_az_attach():
    cinder = FakeCinder()
    volume = cinder.add_volume(zone="az2")
    _, checked = _checked(cinder, [_volume_root(volume)], cross_az=False)
    assert checked.availability_zone == "az2"
    _, checked = _checked(cinder, [_volume_root(volume)], cross_az=True)
    assert checked.availability_zone is None


def test_reservations_taken_back_when_one_fails():
    cinder = FakeCinder()
    free = cinder.add_volume()
    taken = cinder.add_volume()
    cinder.attachment_create(None, taken, "someone-else")
    bdms = [_bdm(source_type="volume", volume_id=free, boot_index=0),
            _bdm(source_type="volume", volume_id=taken, boot_index=-1)]
    with pytest.raises(exception.InvalidVolume):
        block_device_volumes.reserve(cinder, None, SERVER, bdms)
    assert [a["instance"] for a in cinder.attachments.values()] == [
        "someone-else"]
