"""Volumes on real guests: files made with qemu-img, attached as the
built-in block storage service's connection_info says (no block storage
service needed). The tiny guest reports each volume it sees on its
console (STRATUS-GUEST-VOLUME-ADDED/-REMOVED, with the serial, the size
and, for a scratch volume, its first line, which it then overwrites
with its own name)."""
import os
import shutil
import subprocess
import time
import uuid
import xml.etree.ElementTree as ET

import pytest

from stratus import exception
from stratus.objects import fields
from stratus.objects import instance as instance_obj
from tests.functional.libvirt import conftest as guests

pytestmark = [pytest.mark.slow, pytest.mark.libvirt,
              pytest.mark.xdist_group("guests")]

PowerState = fields.PowerState
VOLUME_DIR = "/var/lib/stratus/test-volumes"
SCRATCH = b"STRATUS-SCRATCH\n"
# What the tests measured (printed at the end of the module, -s).
FIGURES = {}


@pytest.fixture(scope="module")
def volume_dir(guest_cloud):
    shutil.rmtree(VOLUME_DIR, ignore_errors=True)
    os.makedirs(VOLUME_DIR, mode=0o755)
    yield VOLUME_DIR
    shutil.rmtree(VOLUME_DIR, ignore_errors=True)
    for name, value in sorted(FIGURES.items()):
        print("FIGURE %s: %.2f s" % (name, value))


def make_volume(directory, size_mb=64, volume_format="raw", scratch=True,
                multiattach=False, access_mode="rw", source=None):
    """A volume file and the built-in service's connection_info for it."""
    volume_id = str(uuid.uuid4())
    path = os.path.join(directory, "volume-" + volume_id)
    if source:
        subprocess.run(["qemu-img", "convert", "-O", volume_format, source,
                        path], check=True, capture_output=True)
    else:
        subprocess.run(["qemu-img", "create", "-q", "-f", volume_format,
                        path, "%dM" % size_mb], check=True)
    if scratch and volume_format == "raw":
        with open(path, "r+b") as handle:
            handle.write(SCRATCH)
    return {"driver_volume_type": "file", "serial": volume_id,
            "data": {"device_path": path, "format": volume_format,
                     "access_mode": access_mode, "multiattach": multiattach,
                     "volume_id": volume_id}}


def serial(connection_info):
    # virtio-blk serials hold 20 characters.
    return connection_info["serial"][:20]


def added(connection_info):
    """What the guest prints when the volume appears (the guest names
    its disks in the order they come: not always libvirt's target)."""
    return " serial=%s size=" % serial(connection_info)


def added_line(log, connection_info):
    """The guest's line about the volume: [name, serial=, size=, ro=,
    data=...]."""
    for line in log.replace("\r", "").splitlines():
        if line.startswith("STRATUS-GUEST-VOLUME-ADDED ") and \
                added(connection_info) in line:
            return line.split(" ", 2)[1:]
    raise AssertionError("no volume %s in %s" % (serial(connection_info),
                                                 log))


def domain_disks(driver, instance, flags=0):
    xml = driver._domain(instance).XMLDesc(flags)
    return {disk.find("target").get("dev"): disk
            for disk in ET.fromstring(xml).iter("disk")}


class Guest:
    def __init__(self, cloud, server):
        self.cloud = cloud
        self.id = server["id"]
        self.hostname = server["OS-EXT-SRV-ATTR:hostname"]
        self.instance = instance_obj.Instance(uuid=server["id"])

    def wait(self, text, count=1, timeout=120):
        return self.cloud.wait_for_console(self.id, text, count, timeout)

    def wait_added(self, connection_info):
        """The guest's name of the volume, once it saw it."""
        log = self.wait(added(connection_info))
        return added_line(log, connection_info)[0]

    def removals(self, name):
        return self.cloud.console(self.id).count(
            "STRATUS-GUEST-VOLUME-REMOVED %s\r" % name)

    def wait_removed(self, name, before):
        self.wait("STRATUS-GUEST-VOLUME-REMOVED %s\r" % name, before + 1)


@pytest.fixture(scope="module")
def pair(guest_cloud, volume_dir):
    servers = [guest_cloud.boot("vol-a"), guest_cloud.boot("vol-b")]
    try:
        for server in servers:
            assert server["status"] == "ACTIVE", server.get("fault")
        pair = [Guest(guest_cloud, server) for server in servers]
        for guest in pair:
            guest.wait("STRATUS-GUEST-READY")
        yield pair
    finally:
        for server in servers:
            guest_cloud.delete(server["id"])


def _bfv_instance(name):
    return instance_obj.Instance(
        uuid=str(uuid.uuid4()), display_name=name, hostname=name,
        memory_mb=guests.GUEST_MEMORY_MB, vcpus=1, root_gb=0,
        kernel_id=None, ramdisk_id=None, config_drive="", image_ref="",
        project_id="demo", node=None)


def test_a_guest_boots_from_a_volume_made_from_the_tiny_image(
        guest_cloud, volume_dir):
    """No local disk, no image download: vda is the root volume (a raw
    copy of the self-booting tiny disk), vdb a data volume; a hard reboot
    remakes the guest with the volumes it is given."""
    artifacts = guests.build_tiny()
    root = make_volume(volume_dir, volume_format="raw", scratch=False,
                       source=artifacts.disk)
    data = make_volume(volume_dir)
    info = {"root_device_name": "/dev/vda", "block_device_mapping": [
        {"connection_info": root, "mount_device": "/dev/vda",
         "boot_index": 0, "volume_id": root["serial"]},
        {"connection_info": data, "mount_device": "/dev/vdb",
         "boot_index": None, "volume_id": data["serial"]}]}
    driver = guest_cloud.driver
    instance = _bfv_instance("bfv")
    console = guests.wait_for_log
    try:
        started = time.monotonic()
        driver.spawn(None, instance, None, [], None, [],
                     block_device_info=info)
        log = console(lambda: driver.get_console_output(None, instance),
                      "STRATUS-GUEST-READY")
        FIGURES["boot from a volume until READY"] = \
            time.monotonic() - started
        assert not os.path.exists(os.path.join(
            driver.instance_dir(instance.uuid), "disk"))
        # The self-booting disk's kernel command line names no host.
        assert "STRATUS-GUEST-DISKS vda=16 vdb=64" in log
        console(lambda: driver.get_console_output(None, instance),
                added(data))
        log = console(lambda: driver.get_console_output(None, instance),
                      added(root))
        assert added_line(log, root)[0] == "vda"
        assert added_line(log, data)[0] == "vdb"
        disks = domain_disks(driver, instance)
        assert disks["vda"].find("source").get("file") == \
            root["data"]["device_path"]
        assert disks["vda"].find("boot").get("order") == "1"

        # A hard reboot with only the root volume: vdb is gone.
        info["block_device_mapping"].pop()
        driver.reboot(None, instance, [], "HARD", block_device_info=info)
        log = console(lambda: driver.get_console_output(None, instance),
                      "STRATUS-GUEST-READY")
        console(lambda: driver.get_console_output(None, instance),
                added(root), count=2)
        assert sorted(domain_disks(driver, instance)) == ["vda"]
    finally:
        driver.destroy(None, instance)


def test_hot_attach_write_detach_and_read_in_another_guest(guest_cloud,
                                                            pair):
    first, second = pair
    driver = guest_cloud.driver
    volume = make_volume(VOLUME_DIR)

    started = time.monotonic()
    driver.attach_volume(None, first.instance, volume, "/dev/vdb")
    FIGURES["attach call"] = time.monotonic() - started
    name = first.wait_added(volume)
    FIGURES["attach until the guest sees it"] = time.monotonic() - started
    log = first.wait("STRATUS-GUEST-VOLUME-WROTE %s by=%s" % (
        name, first.hostname))
    assert added_line(log, volume)[1].endswith(
        "size=64 ro=0 data=STRATUS-SCRATCH")
    assert "vdb" in domain_disks(driver, first.instance)
    assert "vdb" in domain_disks(driver, first.instance,
                                 guests_inactive())

    before = first.removals(name)
    started = time.monotonic()
    driver.detach_volume(None, first.instance, volume, "/dev/vdb")
    FIGURES["detach (the guest released it)"] = time.monotonic() - started
    first.wait_removed(name, before)
    assert "vdb" not in domain_disks(driver, first.instance)
    assert "vdb" not in domain_disks(driver, first.instance,
                                     guests_inactive())
    # Detaching again is no error.
    driver.detach_volume(None, first.instance, volume, "/dev/vdb")

    driver.attach_volume(None, second.instance, volume, None)
    name = second.wait_added(volume)
    log = second.cloud.console(second.id)
    assert added_line(log, volume)[1].endswith(
        "data=STRATUS-SCRATCH written-by=%s" % first.hostname)
    before = second.removals(name)
    driver.detach_volume(None, second.instance, volume, "/dev/vdb")
    second.wait_removed(name, before)


def guests_inactive():
    from stratus.virt.libvirt.binding import libvirt
    return libvirt.VIR_DOMAIN_XML_INACTIVE


def test_one_multiattach_volume_in_two_running_guests(guest_cloud, pair):
    driver = guest_cloud.driver
    shared = make_volume(VOLUME_DIR, multiattach=True, scratch=False)
    plain = make_volume(VOLUME_DIR, scratch=False)
    for guest in pair:
        driver.attach_volume(None, guest.instance, shared, "/dev/vdc")
    names = []
    for guest in pair:
        names.append(guest.wait_added(shared))
        disk = domain_disks(driver, guest.instance)["vdc"]
        assert disk.find("shareable") is not None
        assert disk.find("driver").get("cache") == "none"
    # A volume that is not multiattach: QEMU's lock keeps it in one guest.
    first, second = pair
    driver.attach_volume(None, first.instance, plain, "/dev/vdd")
    with pytest.raises(exception.VolumeAttachFailed):
        driver.attach_volume(None, second.instance, plain, "/dev/vdd")
    assert "vdd" not in domain_disks(driver, second.instance)
    for guest, name in zip(pair, names):
        before = guest.removals(name)
        driver.detach_volume(None, guest.instance, shared, "/dev/vdc")
        guest.wait_removed(name, before)
    driver.detach_volume(None, first.instance, plain, "/dev/vdd")


def test_refusals_leave_nothing_attached(guest_cloud, pair):
    driver = guest_cloud.driver
    guest = pair[0]
    volume = make_volume(VOLUME_DIR, scratch=False)
    with pytest.raises(exception.VolumeDriverNotFound):
        driver.attach_volume(None, guest.instance, dict(
            volume, driver_volume_type="iscsi"), "/dev/vdb")
    missing = make_volume(VOLUME_DIR, scratch=False)
    os.unlink(missing["data"]["device_path"])
    with pytest.raises(exception.VolumeAttachFailed):
        driver.attach_volume(None, guest.instance, missing, "/dev/vdb")
    with pytest.raises(exception.VolumeAttachFailed):
        driver.attach_volume(None, guest.instance, volume, "/dev/vda")
    backed = make_volume(VOLUME_DIR, volume_format="qcow2")
    subprocess.run(["qemu-img", "rebase", "-u", "-b", "/etc/shadow", "-F",
                    "raw", backed["data"]["device_path"]], check=True)
    with pytest.raises(exception.VolumeAttachFailed):
        driver.attach_volume(None, guest.instance, backed, "/dev/vdb")
    with pytest.raises(exception.InstanceNotFound):
        driver.attach_volume(None, _bfv_instance("gone"), volume, "/dev/vdb")
    assert sorted(domain_disks(driver, guest.instance)) == ["vda"]


def test_read_only_extend_and_swap(guest_cloud, pair):
    driver = guest_cloud.driver
    guest = pair[1]
    read_only = make_volume(VOLUME_DIR, access_mode="ro")
    driver.attach_volume(None, guest.instance, read_only, "/dev/vdb")
    guest.wait_added(read_only)
    log = guest.cloud.console(guest.id)
    assert " size=64 ro=1 " in " ".join(added_line(log, read_only))

    old = make_volume(VOLUME_DIR, volume_format="qcow2", scratch=False)
    new = make_volume(VOLUME_DIR, size_mb=128, scratch=False)
    driver.attach_volume(None, guest.instance, old, "/dev/vdc")
    guest.wait_added(old)
    driver.extend_volume(None, guest.instance, old, 96 * 1024 * 1024)
    domain = driver._domain(guest.instance)
    assert domain.blockInfo("vdc")[0] == 96 * 1024 * 1024
    driver.swap_volume(None, guest.instance, old, new, "/dev/vdc", 0)
    disk = domain_disks(driver, guest.instance)["vdc"]
    assert disk.find("source").get("file") == new["data"]["device_path"]
    config = domain_disks(driver, guest.instance, guests_inactive())["vdc"]
    assert config.findtext("serial") == new["serial"]
    for volume, target in ((read_only, "vdb"), (new, "vdc")):
        driver.detach_volume(None, guest.instance, volume, target)
    assert sorted(domain_disks(driver, guest.instance)) == ["vda"]


def test_a_shut_off_guest_gets_its_volume_at_boot(guest_cloud, pair):
    driver = guest_cloud.driver
    guest = pair[0]
    volume = make_volume(VOLUME_DIR, scratch=False)
    driver.power_off(guest.instance)
    driver.attach_volume(None, guest.instance, volume, "/dev/vdb")
    driver.power_on(None, guest.instance, [])
    guest.wait_added(volume)
    driver.detach_volume(None, guest.instance, volume, "/dev/vdb")


def test_attach_detach_cycles_and_a_guest_that_cannot_answer(guest_cloud,
                                                             pair):
    """Attach and detach times over a few cycles; a paused guest cannot
    release a volume: the detach fails after [libvirt]
    device_detach_timeout, the guest keeps it, and once it runs again a
    detach takes it away."""
    driver = guest_cloud.driver
    guest = pair[1]
    attach, detach = [], []
    for _ in range(3):
        # A new volume each time: the guest reports it by its serial.
        volume = make_volume(VOLUME_DIR, scratch=False)
        started = time.monotonic()
        driver.attach_volume(None, guest.instance, volume, "/dev/vdb")
        name = guest.wait_added(volume)
        attach.append(time.monotonic() - started)
        before = guest.removals(name)
        started = time.monotonic()
        driver.detach_volume(None, guest.instance, volume, "/dev/vdb")
        detach.append(time.monotonic() - started)
        guest.wait_removed(name, before)
    FIGURES["attach until seen, 3 cycles, max"] = max(attach)
    FIGURES["detach, 3 cycles, max"] = max(detach)

    volume = make_volume(VOLUME_DIR, scratch=False)
    driver.attach_volume(None, guest.instance, volume, "/dev/vdb")
    name = guest.wait_added(volume)
    before = guest.removals(name)
    driver.pause(guest.instance)
    guest_cloud.conf.set_override("device_detach_timeout", 2,
                                  group="libvirt")
    try:
        with pytest.raises(exception.VolumeDetachFailed):
            driver.detach_volume(None, guest.instance, volume, "/dev/vdb")
        assert "vdb" in domain_disks(driver, guest.instance,
                                     guests_inactive())
    finally:
        guest_cloud.conf.clear_override("device_detach_timeout",
                                        group="libvirt")
        driver.unpause(guest.instance)
    # The guest may answer the pending unplug once it runs again.
    driver.detach_volume(None, guest.instance, volume, "/dev/vdb")
    guest.wait_removed(name, before)
    assert "vdb" not in domain_disks(driver, guest.instance,
                                     guests_inactive())
