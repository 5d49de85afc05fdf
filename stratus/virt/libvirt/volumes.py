"""The libvirt driver's volumes (VolumeAttach).

Only ``driver_volume_type`` ``file`` (the built-in block storage
service's volumes: a file on this host, raw or qcow2) is attached; any
other type is refused with VolumeDriverNotFound. A volume is a virtio
``<disk type='file'>`` (``type='block'`` for a host block device) with
the format's driver type, the volume id as ``<serial>`` (the guest's
``/dev/disk/by-id/virtio-<first 20 characters>``), ``<readonly/>`` for
access_mode ro, and ``<shareable/>`` with ``cache='none'`` when it is
multiattach (raw only: two QEMUs writing one qcow2 would corrupt it).
A qcow2 volume naming a backing or data file is refused (QEMU would open
a file of the host).

Attach hot-plugs into a running guest and its definition
(attachDeviceFlags LIVE|CONFIG; CONFIG only when it is shut off) at the
requested vdX (or the first free one). Detach unplugs from the running
guest first and waits until the guest released the device (PCIe
hot-unplug needs the guest's answer: about 5 s), repeating the request,
at most ``[libvirt] device_detach_timeout`` seconds, then
VolumeDetachFailed with the definition unchanged; then from the
definition. Swap copies a running guest's disk to the new volume with a
block copy job and pivots to it (a shut-off guest's with ``qemu-img
convert``); multiattach volumes are not swapped. Extend is blockResize
on a running guest (a shut-off guest sees the file's size at boot).

QEMU runs as libvirt-qemu:kvm: libvirt (dynamic_ownership, its default)
gives it the file while attached; every directory above the file must
be traversable by others.
"""
import json
import os
import platform
import stat
import struct
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

from stratus import client_exception
from stratus import exception
from stratus.virt import block_device
from stratus.virt import driver
from stratus.virt.libvirt.binding import libvirt
from stratus.virt.libvirt import guest_xml

SUPPORTED_TYPES = frozenset([block_device.FILE])
FORMATS = ("raw", "qcow2")
_QCOW2_MAGIC = b"QFI\xfb"
# qcow2 incompatible feature: an external data file.
_QCOW2_DATA_FILE = 1 << 2
DETACH_RETRY_SECONDS = 5
COPY_TIMEOUT_SECONDS = 120
_POLL = 0.2


def _qcow2_refers_to_files(path):
    """Whether a qcow2 file's header names a backing or data file."""
    with open(path, "rb") as handle:
        header = handle.read(104)
    if header[:4] != _QCOW2_MAGIC or len(header) < 16:
        return False
    version, backing_offset = struct.unpack(">IQ", header[4:16])
    if backing_offset:
        return True
    if version >= 3 and len(header) >= 80:
        incompatible = struct.unpack(">Q", header[72:80])[0]
        return bool(incompatible & _QCOW2_DATA_FILE)
    return False


def volume_disk(connection_info, target, boot_order=None):
    """The guest_xml.VolumeDisk of connection_info at target (vdb ...);
    VolumeDriverNotFound for a type other than file, VolumeAttachFailed
    for a volume QEMU must not or cannot open."""
    block_device.require_type(connection_info, SUPPORTED_TYPES)
    volume_id = block_device.volume_id(connection_info)
    data = block_device.data(connection_info)
    path = data.get("device_path") or ""
    volume_format = data.get("format") or "raw"
    shareable = bool(data.get("multiattach"))

    def refuse(reason):
        raise exception.VolumeAttachFailed(volume_id=volume_id,
                                           reason=reason)
    if not os.path.isabs(path):
        refuse("its device_path %r is not an absolute path" % path)
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        refuse("%s cannot be opened on this host: %s" % (path,
                                                          error.strerror))
    if volume_format not in FORMATS:
        refuse("its format %s is not raw or qcow2" % volume_format)
    if shareable and volume_format != "raw":
        refuse("a multiattach volume must be raw (two guests writing one "
               "qcow2 would corrupt it)")
    if volume_format == "qcow2" and _qcow2_refers_to_files(path):
        refuse("the qcow2 file refers to other files")
    return guest_xml.VolumeDisk(
        path=path, format=volume_format, target=target,
        serial=volume_id or "", read_only=data.get("access_mode") == "ro",
        shareable=shareable, block=stat.S_ISBLK(mode),
        boot_order=boot_order)


def _virtual_size(disk):
    """The size in bytes a VolumeDisk's file holds for the guest."""
    result = subprocess.run(
        ["qemu-img", "info", "--output", "json", "-f", disk.format,
         disk.path], capture_output=True, text=True)
    if result.returncode:
        raise exception.VolumeAttachFailed(
            volume_id=disk.serial, reason="qemu-img info failed: %s"
            % result.stderr.strip())
    return json.loads(result.stdout)["virtual-size"]


def _resize_file(disk, size):
    result = subprocess.run(
        ["qemu-img", "resize", "-q", "--shrink", "-f", disk.format,
         disk.path, str(size)], capture_output=True, text=True)
    if result.returncode:
        raise exception.VolumeAttachFailed(
            volume_id=disk.serial, reason="qemu-img resize failed: %s"
            % result.stderr.strip())


def _disks(xml):
    """{target dev: <disk> element} of a domain XML."""
    root = ET.fromstring(xml)
    return {disk.find("target").get("dev"): disk
            for disk in root.iter("disk") if disk.find("target") is not None}


def _find(disks, volume_id, mountpoint, path=None):
    """The target of the volume's disk among disks: by serial or by its
    file (a running guest keeps the old serial after a swap), else (no
    volume id) by mountpoint."""
    for target, disk in disks.items():
        serial = disk.findtext("serial")
        source = disk.find("source")
        source = {} if source is None else source.attrib
        if volume_id and serial == volume_id:
            return target
        if path and path in (source.get("file"), source.get("dev")):
            return target
    target = block_device.target_dev(mountpoint)
    if not volume_id and target in disks:
        return target
    return None


class VolumesMixin(driver.VolumeAttach):
    """Methods of LibvirtDriver."""

    def get_volume_connector(self, instance):
        """No initiator: file volumes need none (an iSCSI block storage
        service would, and is not supported)."""
        return {"host": self.host, "ip": self.conf.my_ip,
                "platform": platform.machine(), "os_type": sys.platform,
                "multipath": False, "do_local_attach": False}

    def attach_volume(self, ctx, instance, connection_info, mountpoint,
                      disk_bus=None, device_type=None):
        block_device.require_type(connection_info, SUPPORTED_TYPES)
        volume_id = block_device.volume_id(connection_info)
        if disk_bus not in (None, "virtio") or device_type not in (
                None, "disk"):
            raise exception.VolumeAttachFailed(
                volume_id=volume_id, reason="only virtio disks are "
                "hot-plugged (asked for %s %s)" % (disk_bus, device_type))
        domain = self._domain(instance)
        active = domain.isActive()
        disks = self._all_disks(domain, active)
        if _find(disks, volume_id, None):
            raise exception.VolumeAttachFailed(
                volume_id=volume_id, reason="the guest has it already")
        target = block_device.target_dev(mountpoint)
        if target and target in disks:
            raise exception.VolumeAttachFailed(
                volume_id=volume_id,
                reason="the guest's device %s is taken" % mountpoint)
        if not target or not target.startswith("vd"):
            target = block_device.target_dev(block_device.next_free(disks))
        if target is None:
            raise exception.VolumeAttachFailed(
                volume_id=volume_id, reason="no free device name")
        disk = volume_disk(connection_info, target)
        flags = libvirt.VIR_DOMAIN_AFFECT_CONFIG
        if active:
            flags |= libvirt.VIR_DOMAIN_AFFECT_LIVE
        try:
            domain.attachDeviceFlags(guest_xml.volume_xml(disk), flags)
        except libvirt.libvirtError as error:
            raise exception.VolumeAttachFailed(
                volume_id=volume_id, reason=error.get_error_message()) \
                from error

    def detach_volume(self, ctx, instance, connection_info, mountpoint):
        volume_id = block_device.volume_id(connection_info)
        try:
            domain = self._domain(instance)
        except exception.InstanceNotFound:
            return
        if domain.isActive():
            live = _disks(self._call(domain.XMLDesc, 0))
            target = _find(live, volume_id, mountpoint, block_device.data(
                connection_info).get("device_path"))
            if target is not None:
                self._unplug(domain, volume_id, target,
                             ET.tostring(live[target], encoding="unicode"))
        config = _disks(self._call(domain.XMLDesc,
                                   libvirt.VIR_DOMAIN_XML_INACTIVE))
        target = _find(config, volume_id, mountpoint)
        if target is not None:
            try:
                domain.detachDeviceFlags(
                    ET.tostring(config[target], encoding="unicode"),
                    libvirt.VIR_DOMAIN_AFFECT_CONFIG)
            except libvirt.libvirtError as error:
                raise exception.VolumeDetachFailed(
                    volume_id=volume_id,
                    reason=error.get_error_message()) from error

    def _unplug(self, domain, volume_id, target, xml):
        """Ask the running guest to release target until it did, at most
        [libvirt] device_detach_timeout seconds."""
        deadline = time.monotonic() + self.conf.libvirt.device_detach_timeout
        asked = None
        while True:
            if asked is None or time.monotonic() - asked > \
                    DETACH_RETRY_SECONDS:
                asked = time.monotonic()
                try:
                    domain.detachDeviceFlags(xml,
                                             libvirt.VIR_DOMAIN_AFFECT_LIVE)
                except libvirt.libvirtError as error:
                    # Gone already, or an unplug is in progress.
                    if error.get_error_code() not in (
                            libvirt.VIR_ERR_DEVICE_MISSING,
                            libvirt.VIR_ERR_OPERATION_FAILED,
                            libvirt.VIR_ERR_OPERATION_INVALID):
                        raise exception.VolumeDetachFailed(
                            volume_id=volume_id,
                            reason=error.get_error_message()) from error
            if target not in _disks(self._call(domain.XMLDesc, 0)):
                return
            if time.monotonic() > deadline:
                raise exception.VolumeDetachFailed(
                    volume_id=volume_id, reason="the guest did not release "
                    "%s within %d s" % (
                        target, self.conf.libvirt.device_detach_timeout))
            time.sleep(_POLL)

    def swap_volume(self, ctx, instance, old_connection_info,
                    new_connection_info, mountpoint, resize_to):
        block_device.require_type(new_connection_info, SUPPORTED_TYPES)
        old_id = block_device.volume_id(old_connection_info)
        new_id = block_device.volume_id(new_connection_info)
        domain = self._domain(instance)
        active = domain.isActive()
        disks = self._all_disks(domain, active)
        target = _find(disks, old_id, mountpoint)
        if target is None:
            raise exception.VolumeAttachFailed(
                volume_id=new_id, reason="the guest has no volume %s to "
                "swap" % old_id)
        old = disks[target]
        new = volume_disk(new_connection_info, target)
        if new.shareable or old.find("shareable") is not None:
            raise exception.VolumeAttachFailed(
                volume_id=new_id, reason="multiattach volumes are not "
                "swapped")
        if active:
            size = max(_virtual_size(new), resize_to * 1024 ** 3)
            old_size = domain.blockInfo(target)[0]
            if size < old_size:
                raise exception.VolumeAttachFailed(
                    volume_id=new_id, reason="the new volume (%d bytes) is "
                    "smaller than the old (%d bytes)" % (size, old_size))
            # QEMU mirrors only to a disk of the same size: the new
            # volume (all of it overwritten by the copy) is cut to the
            # old one's size and grown back after the pivot.
            if size != old_size:
                _resize_file(new, old_size)
            self._block_copy(domain, target, new)
            if size != old_size:
                self._call(domain.blockResize, target, size,
                           libvirt.VIR_DOMAIN_BLOCK_RESIZE_BYTES)
        else:
            self._copy_file(old, new)
        self._redefine_disk(domain, target, new)

    def _block_copy(self, domain, target, new):
        """Mirror the running guest's disk target into the new file and
        pivot to it."""
        destination = ET.Element("disk", type="block" if new.block
                                 else "file")
        ET.SubElement(destination, "source",
                      {"dev" if new.block else "file": new.path})
        ET.SubElement(destination, "driver", name="qemu", type=new.format)
        try:
            domain.blockCopy(
                target, ET.tostring(destination, encoding="unicode"), None,
                libvirt.VIR_DOMAIN_BLOCK_COPY_REUSE_EXT
                | libvirt.VIR_DOMAIN_BLOCK_COPY_TRANSIENT_JOB)
            self._pivot(domain, target, new)
        except (libvirt.libvirtError, exception.VolumeAttachFailed) as error:
            try:
                domain.blockJobAbort(target, 0)
            except libvirt.libvirtError:
                pass
            if isinstance(error, exception.VolumeAttachFailed):
                raise
            raise exception.VolumeAttachFailed(
                volume_id=new.serial, reason=error.get_error_message()) \
                from error

    @staticmethod
    def _pivot(domain, target, new):
        """Pivot to the copy once it is ready (libvirt refuses until the
        mirror caught up)."""
        deadline = time.monotonic() + COPY_TIMEOUT_SECONDS
        while True:
            job = domain.blockJobInfo(target, 0)
            if not job:
                raise exception.VolumeAttachFailed(
                    volume_id=new.serial, reason="the block copy job ended "
                    "without a pivot")
            if job["cur"] != job["end"] and \
                    time.monotonic() < deadline:
                time.sleep(_POLL)
                continue
            try:
                domain.blockJobAbort(target,
                                     libvirt.VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT)
                return
            except libvirt.libvirtError as error:
                if time.monotonic() > deadline:
                    raise exception.VolumeAttachFailed(
                        volume_id=new.serial, reason="the block copy was "
                        "not ready in %d s (%s): %s" % (
                            COPY_TIMEOUT_SECONDS, job,
                            error.get_error_message())) from error
            time.sleep(_POLL)

    @staticmethod
    def _copy_file(old, new):
        source = old.find("source")
        path = source.get("file") or source.get("dev")
        old_format = old.find("driver").get("type")
        result = subprocess.run(
            ["qemu-img", "convert", "-n", "-f", old_format, "-O",
             new.format, path, new.path], capture_output=True, text=True)
        if result.returncode:
            raise exception.VolumeAttachFailed(
                volume_id=new.serial, reason="qemu-img convert failed: %s"
                % result.stderr.strip())

    def _redefine_disk(self, domain, target, new):
        """The definition with new at target (a live copy's pivot changes
        the running guest only)."""
        root = ET.fromstring(self._call(domain.XMLDesc,
                                        libvirt.VIR_DOMAIN_XML_INACTIVE))
        devices = root.find("devices")
        for index, disk in enumerate(list(devices)):
            target_element = disk.find("target")
            if disk.tag == "disk" and target_element is not None and \
                    target_element.get("dev") == target:
                boot = disk.find("boot")
                if boot is not None:
                    new.boot_order = int(boot.get("order"))
                devices.remove(disk)
                devices.insert(index, guest_xml.volume_element(new))
                break
        self._call(self.connection.defineXML,
                   ET.tostring(root, encoding="unicode"))

    def extend_volume(self, ctx, instance, connection_info, requested_size):
        volume_id = block_device.volume_id(connection_info)
        domain = self._domain(instance)
        active = domain.isActive()
        target = _find(self._all_disks(domain, active), volume_id, None)
        if target is None:
            raise client_exception.VolumeNotFound(volume_id=volume_id)
        if active:
            self._call(domain.blockResize, target, requested_size,
                       libvirt.VIR_DOMAIN_BLOCK_RESIZE_BYTES)

    # Guests made with their volumes ------------------------------------

    def _volume_disks(self, block_device_info):
        """VolumeDisks of block_device_info: the root volume (boot_index
        0) at vda, booted first, the others at their devices."""
        result = []
        for name, mapping in block_device.placed(block_device_info):
            connection_info = dict(mapping.get("connection_info") or {})
            if not block_device.volume_id(connection_info):
                connection_info["serial"] = mapping.get("volume_id")
            root = mapping.get("boot_index") in (0, "0")
            result.append(volume_disk(connection_info,
                                      block_device.target_dev(name),
                                      boot_order=1 if root else None))
        return result

    def _remake_volumes(self, domain, block_device_info):
        """Define the (shut off) domain with the volumes of
        block_device_info in place of those it had (None: as it is)."""
        if block_device_info is None:
            return
        volumes = self._volume_disks(block_device_info)
        root = ET.fromstring(self._call(domain.XMLDesc,
                                        libvirt.VIR_DOMAIN_XML_INACTIVE))
        devices = root.find("devices")
        for disk in list(devices.findall("disk")):
            if disk.find("serial") is not None:
                devices.remove(disk)
        if any(volume.boot_order for volume in volumes):
            for boot in root.find("os").findall("boot"):
                root.find("os").remove(boot)
        position = len(devices.findall("disk"))
        for volume in volumes:
            devices.insert(position, guest_xml.volume_element(volume))
            position += 1
        self._call(self.connection.defineXML,
                   ET.tostring(root, encoding="unicode"))

    def _all_disks(self, domain, active):
        """The guest's disks, running and defined."""
        disks = _disks(self._call(domain.XMLDesc,
                                  libvirt.VIR_DOMAIN_XML_INACTIVE))
        if active:
            disks.update(_disks(self._call(domain.XMLDesc, 0)))
        return disks
