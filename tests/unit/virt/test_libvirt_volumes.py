"""The libvirt driver's volume disks, without libvirt: the XML a volume
gets and the volumes refused before QEMU sees them."""
import struct
import uuid
import xml.etree.ElementTree as ET

import pytest

from stratus import exception
from stratus.virt import block_device
from stratus.virt.libvirt import guest_xml
from stratus.virt.libvirt import volumes


def connection(path, volume_format="raw", **data):
    volume_id = str(uuid.uuid4())
    info = {"device_path": str(path), "format": volume_format,
            "access_mode": "rw", "multiattach": False,
            "volume_id": volume_id}
    info.update(data)
    return {"driver_volume_type": "file", "data": info}


@pytest.fixture
def raw(tmp_path):
    path = tmp_path / "raw"
    path.write_bytes(b"\0" * 1024)
    return path


def test_a_volume_is_a_virtio_file_disk_with_its_id_as_serial(raw):
    info = connection(raw)
    disk = ET.fromstring(guest_xml.volume_xml(volumes.volume_disk(info,
                                                                  "vdb")))
    assert (disk.get("type"), disk.get("device")) == ("file", "disk")
    assert disk.find("driver").attrib == {"name": "qemu", "type": "raw"}
    assert disk.find("source").get("file") == str(raw)
    assert disk.find("target").attrib == {"dev": "vdb", "bus": "virtio"}
    assert disk.findtext("serial") == info["data"]["volume_id"]
    assert disk.find("readonly") is None
    assert disk.find("shareable") is None


def test_multiattach_is_shareable_without_cache_and_ro_is_readonly(raw):
    disk = ET.fromstring(guest_xml.volume_xml(volumes.volume_disk(
        connection(raw, multiattach=True, access_mode="ro"), "vdc")))
    assert disk.find("driver").get("cache") == "none"
    assert disk.find("shareable") is not None
    assert disk.find("readonly") is not None


def test_other_volume_types_are_refused(raw):
    info = dict(connection(raw), driver_volume_type="iscsi")
    with pytest.raises(exception.VolumeDriverNotFound):
        volumes.volume_disk(info, "vdb")


@pytest.mark.parametrize("change", ["relative", "missing", "vmdk",
                                    "shared qcow2", "backing file"])
def test_volumes_qemu_must_not_open_are_refused(tmp_path, change):
    qcow2 = tmp_path / "qcow2"
    # A qcow2 v3 header naming a backing file at offset 512.
    header = b"QFI\xfb" + struct.pack(">IQ", 3, 512) + b"\0" * 88
    qcow2.write_bytes(header)
    info = {"relative": connection("volume"),
            "missing": connection(tmp_path / "missing"),
            "vmdk": connection(qcow2, "vmdk"),
            "shared qcow2": connection(qcow2, "qcow2", multiattach=True),
            "backing file": connection(qcow2, "qcow2")}[change]
    with pytest.raises(exception.VolumeAttachFailed):
        volumes.volume_disk(info, "vdb")


def test_a_volume_backed_guest_boots_its_root_volume(raw):
    root, data = connection(raw), connection(raw)
    info = {"root_device_name": "/dev/vda", "block_device_mapping": [
        {"connection_info": data, "mount_device": "vdb", "boot_index": None},
        {"connection_info": root, "mount_device": None, "boot_index": 0}]}
    placed = block_device.placed(info)
    assert [name for name, _ in placed] == ["/dev/vda", "/dev/vdb"]
    config = guest_xml.GuestConfig(
        name="g", uuid=str(uuid.uuid4()), title="g", virt_type="qemu",
        memory_mb=128, vcpus=1, disk_path=None, console_log="/dev/null",
        volumes=[volumes.volume_disk(mapping["connection_info"],
                                     block_device.target_dev(name),
                                     boot_order=1 if name == "/dev/vda"
                                     else None)
                 for name, mapping in placed])
    domain = ET.fromstring(guest_xml.domain_xml(config))
    assert domain.find("./os/boot") is None
    disks = domain.findall("./devices/disk")
    assert [disk.find("target").get("dev") for disk in disks] == ["vda",
                                                                  "vdb"]
    assert disks[0].find("boot").get("order") == "1"
    assert disks[0].findtext("serial") == root["data"]["volume_id"]


def test_device_names():
    assert block_device.device_name("vdb") == "/dev/vdb"
    assert block_device.target_dev("/dev/vdc") == "vdc"
    assert block_device.next_free(["/dev/vda", "vdb"]) == "/dev/vdc"
    assert block_device.next_free(
        ["vd" + chr(letter) for letter in range(ord("a"), ord("z") + 1)]) \
        is None
