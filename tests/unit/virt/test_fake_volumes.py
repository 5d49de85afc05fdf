"""Volumes on the fake driver's guests (VolumeAttach)."""
import struct
import uuid

import pytest

from stratus import client_exception
from stratus import exception
from stratus.compute import capability_traits
from stratus.objects import fields
from stratus.objects import instance as instance_obj
from stratus.virt import driver as virt_driver
from stratus.virt import loader as virt_loader

PowerState = fields.PowerState


def make_instance(name="vm"):
    return instance_obj.Instance(
        uuid=str(uuid.uuid4()), display_name=name, hostname=name,
        node=None, project_id="demo", power_state=None)


def connection(volume_id=None, path="/nonexistent/volume", kind="file",
               **data):
    volume_id = volume_id or str(uuid.uuid4())
    info = {"device_path": path, "format": "raw", "access_mode": "rw",
            "multiattach": False, "volume_id": volume_id}
    info.update(data)
    return {"driver_volume_type": kind, "data": info}


@pytest.fixture
def fake(conf):
    conf.set_override("nodes", 1, group="fake_driver")
    return virt_loader.load_driver(conf, "cmp1")


@pytest.fixture
def running(fake):
    instance = make_instance()
    fake.spawn(None, instance, None, [], "pw", [])
    return instance


def test_the_fake_driver_attaches_volumes_and_reports_the_traits(fake):
    assert virt_driver.supports(fake, virt_driver.VolumeAttach)
    assert "volume_attach" in virt_driver.capabilities(fake)
    traits = capability_traits.driver_traits(fake)
    for trait in ("COMPUTE_VOLUME_ATTACH_WITH_TAG",
                  "COMPUTE_VOLUME_MULTI_ATTACH", "COMPUTE_VOLUME_EXTEND"):
        assert trait in traits
        assert capability_traits.owned(trait)


def test_the_connector_names_the_host(fake, running, conf):
    connector = fake.get_volume_connector(running)
    assert connector["host"] == "cmp1"
    assert connector["ip"] == conf.my_ip
    assert connector["initiator"].startswith("iqn.")
    assert connector["multipath"] is False
    assert {"platform", "os_type"} <= set(connector)


def test_attach_records_the_volume_and_detach_removes_it(fake, running):
    info = connection()
    volume_id = info["data"]["volume_id"]
    fake.attach_volume(None, running, info, "/dev/vdb")
    volumes = fake.guest_volumes(running.uuid)
    assert list(volumes) == ["/dev/vdb"]
    assert volumes["/dev/vdb"]["volume_id"] == volume_id
    assert volumes["/dev/vdb"]["connection_info"] == info
    assert "attached volume %s" % volume_id in fake.get_console_output(
        None, running)
    fake.detach_volume(None, running, info, "/dev/vdb")
    assert fake.guest_volumes(running.uuid) == {}
    # Detaching again, or from a guest that is gone, is no error.
    fake.detach_volume(None, running, info, "/dev/vdb")
    fake.detach_volume(None, make_instance(), info, "/dev/vdb")


def test_a_mountpoint_without_dev_and_no_mountpoint_get_a_device(fake,
                                                                 running):
    fake.attach_volume(None, running, connection(), "vdc")
    fake.attach_volume(None, running, connection(), None)
    assert sorted(fake.guest_volumes(running.uuid)) == ["/dev/vdb",
                                                        "/dev/vdc"]


def test_a_taken_mountpoint_or_the_same_volume_twice_fails(fake, running):
    first = connection()
    fake.attach_volume(None, running, first, "/dev/vdb")
    with pytest.raises(exception.VolumeAttachFailed):
        fake.attach_volume(None, running, connection(), "/dev/vdb")
    with pytest.raises(exception.VolumeAttachFailed):
        fake.attach_volume(None, running, connection(), "/dev/vda")
    with pytest.raises(exception.VolumeAttachFailed):
        fake.attach_volume(None, running, first, "/dev/vdc")
    assert list(fake.guest_volumes(running.uuid)) == ["/dev/vdb"]


def test_attach_to_a_guest_that_does_not_exist_fails(fake):
    with pytest.raises(exception.InstanceNotFound):
        fake.attach_volume(None, make_instance(), connection(), "/dev/vdb")


def test_unknown_volume_types_are_refused(fake, running):
    with pytest.raises(exception.VolumeDriverNotFound):
        fake.attach_volume(None, running, connection(kind="vmdk"),
                           "/dev/vdb")
    assert fake.guest_volumes(running.uuid) == {}
    fake.attach_volume(None, running, connection(kind="iscsi"), "/dev/vdb")


@pytest.mark.parametrize("operation", ["attach_volume", "detach_volume",
                                       "swap_volume", "extend_volume"])
def test_injected_volume_failures_change_nothing(fake, running, operation):
    info = connection()
    if operation != "attach_volume":
        fake.attach_volume(None, running, info, "/dev/vdb")
    before = fake.guest_volumes(running.uuid)
    fake.inject_failure(operation, running.uuid)
    expected = {"attach_volume": exception.VolumeAttachFailed,
                "detach_volume": exception.VolumeDetachFailed}.get(
        operation, exception.InjectedFailure)
    with pytest.raises(expected):
        if operation == "attach_volume":
            fake.attach_volume(None, running, info, "/dev/vdb")
        elif operation == "detach_volume":
            fake.detach_volume(None, running, info, "/dev/vdb")
        elif operation == "swap_volume":
            fake.swap_volume(None, running, info, connection(), "/dev/vdb",
                             0)
        else:
            fake.extend_volume(None, running, info, 2 * 1024 ** 3)
    assert fake.guest_volumes(running.uuid) == before


def test_failures_from_the_configuration(conf):
    conf.set_override("fail_operations", ["attach_volume"],
                      group="fake_driver")
    fake = virt_loader.load_driver(conf, "cmp1")
    instance = make_instance()
    fake.spawn(None, instance, None, [], "pw", [])
    with pytest.raises(exception.VolumeAttachFailed):
        fake.attach_volume(None, instance, connection(), "/dev/vdb")
    assert fake.guest_volumes(instance.uuid) == {}


def test_swap_puts_the_new_volume_at_the_same_device(fake, running):
    old, new = connection(), connection()
    fake.attach_volume(None, running, old, "/dev/vdb", disk_bus="scsi")
    fake.swap_volume(None, running, old, new, "/dev/vdb", 3)
    held = fake.guest_volumes(running.uuid)["/dev/vdb"]
    assert held["volume_id"] == new["data"]["volume_id"]
    assert held["disk_bus"] == "scsi"
    assert held["size"] == 3 * 1024 ** 3
    with pytest.raises(exception.VolumeAttachFailed):
        fake.swap_volume(None, running, old, connection(), "/dev/vdc", 0)


def test_extend_tells_the_guest_the_new_size(fake, running):
    info = connection()
    fake.attach_volume(None, running, info, "/dev/vdb")
    fake.extend_volume(None, running, info, 5 * 1024 ** 3)
    assert fake.guest_volumes(running.uuid)["/dev/vdb"]["size"] == \
        5 * 1024 ** 3
    with pytest.raises(client_exception.VolumeNotFound):
        fake.extend_volume(None, running, connection(), 1)


def test_sizes_are_read_from_raw_and_qcow2_files(fake, running, tmp_path):
    raw = tmp_path / "raw"
    raw.write_bytes(b"\0" * 4096)
    qcow2 = tmp_path / "qcow2"
    qcow2.write_bytes(b"QFI\xfb" + b"\0" * 20 + struct.pack(">Q", 1 << 30))
    fake.attach_volume(None, running, connection(path=str(raw)), "/dev/vdb")
    fake.attach_volume(None, running, connection(path=str(qcow2),
                                                 format="qcow2"), "/dev/vdc")
    volumes = fake.guest_volumes(running.uuid)
    assert volumes["/dev/vdb"]["size"] == 4096
    assert volumes["/dev/vdc"]["size"] == 1 << 30


def bdi(*mappings, root_device_name="/dev/vda"):
    return {"root_device_name": root_device_name,
            "block_device_mapping": list(mappings)}


def mapping(info, mount_device, boot_index=None):
    return {"connection_info": info, "mount_device": mount_device,
            "boot_index": boot_index, "disk_bus": "virtio",
            "device_type": "disk", "delete_on_termination": False,
            "attachment_id": str(uuid.uuid4()),
            "volume_id": info["data"]["volume_id"]}


def test_spawn_with_volumes_and_a_volume_root(fake):
    instance = make_instance()
    root, data = connection(), connection()
    fake.spawn(None, instance, None, [], "pw", [], block_device_info=bdi(
        mapping(root, "/dev/vda", 0), mapping(data, "vdb")))
    volumes = fake.guest_volumes(instance.uuid)
    assert sorted(volumes) == ["/dev/vda", "/dev/vdb"]
    assert volumes["/dev/vda"]["volume_id"] == root["data"]["volume_id"]
    assert fake.guest(instance.uuid).root_volume == \
        root["data"]["volume_id"]
    console = fake.get_console_output(None, instance)
    assert "[vda] volume %s" % root["data"]["volume_id"] in console
    # The root volume's device is taken; the next free one is vdc.
    fake.attach_volume(None, instance, connection(), None)
    assert "/dev/vdc" in fake.guest_volumes(instance.uuid)


def test_spawn_refuses_a_volume_type_it_cannot_attach(fake):
    instance = make_instance()
    with pytest.raises(exception.SpawnFailed):
        fake.spawn(None, instance, None, [], "pw", [],
                   block_device_info=bdi(mapping(connection(kind="vmdk"),
                                                 "/dev/vdb")))
    assert fake.guest(instance.uuid) is None


def test_a_remade_guest_has_the_volumes_of_its_block_device_info(fake,
                                                                 running):
    kept, gone, new = connection(), connection(), connection()
    fake.attach_volume(None, running, kept, "/dev/vdb")
    fake.attach_volume(None, running, gone, "/dev/vdc")
    # None: the guest keeps what it has; a soft reboot keeps it too.
    fake.reboot(None, running, [], "HARD")
    fake.reboot(None, running, [], "SOFT",
                block_device_info=bdi(mapping(new, "/dev/vdd")))
    assert sorted(fake.guest_volumes(running.uuid)) == ["/dev/vdb",
                                                        "/dev/vdc"]
    fake.reboot(None, running, [], "HARD", block_device_info=bdi(
        mapping(kept, "/dev/vdb"), mapping(new, "/dev/vdd")))
    assert sorted(fake.guest_volumes(running.uuid)) == ["/dev/vdb",
                                                        "/dev/vdd"]
    fake.power_off(running)
    fake.power_on(None, running, [], block_device_info=bdi(
        mapping(kept, "/dev/vdb")))
    assert list(fake.guest_volumes(running.uuid)) == ["/dev/vdb"]
    fake.suspend(None, running)
    fake.resume(None, running, [], block_device_info=bdi())
    assert fake.guest_volumes(running.uuid) == {}


def test_moves_carry_the_volumes_of_block_device_info(conf):
    conf.set_override("nodes", 1, group="fake_driver")
    source = virt_loader.load_driver(conf, "src")
    dest = virt_loader.load_driver(conf, "dst")
    instance = make_instance()
    instance.update(dict(memory_mb=512, root_gb=1, vcpus=1, host="src"))
    info = connection()
    source.spawn(None, instance, None, [], "pw", [])
    source.attach_volume(None, instance, info, "/dev/vdb")
    volumes = bdi(mapping(info, "/dev/vdb"))
    dest.pre_live_migration(None, instance, True, [],
                            block_device_info=volumes)
    source.live_migration(None, instance, "dst", True,
                          lambda *figures: None)
    dest.post_live_migration_at_destination(
        None, instance, [], PowerState.RUNNING, block_device_info=volumes)
    assert list(dest.guest_volumes(instance.uuid)) == ["/dev/vdb"]
    assert source.guest_volumes(instance.uuid) == {}
