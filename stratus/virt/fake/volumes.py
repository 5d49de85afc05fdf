"""Volumes on the fake driver's guests (VolumeAttach).

A guest holds its volumes by device name (``/dev/vdb`` ...), each a
record of the volume id, its connection_info, bus, device type and size
(read from the file a ``file`` volume names when it exists, raw or
qcow2). As on a real host: one volume per device name and a volume once
per guest; a guest that does not exist cannot get one; unknown
``driver_volume_type``s are refused (VolumeDriverNotFound). A guest made
anew with a ``block_device_info`` (spawn, hard reboot, power on, resume,
rescue, moves) has exactly its volumes; with None it keeps those it had.
A volume-backed guest's root disk is its boot_index 0 volume.

Failures: ``inject_failure`` / ``fail_operations`` of ``attach_volume``
(VolumeAttachFailed, nothing attached), ``detach_volume``
(VolumeDetachFailed, still attached), ``swap_volume`` and
``extend_volume`` (InjectedFailure, nothing changed).
"""
import copy
import os
import struct

from stratus import client_exception
from stratus import exception
from stratus.virt import block_device
from stratus.virt import driver

# The types a Nova libvirt host attaches, and the built-in service's.
KNOWN_TYPES = frozenset([block_device.FILE, "iscsi", "rbd", "nfs",
                         "fibre_channel", "local", "fake"])
_QCOW2_MAGIC = b"QFI\xfb"


def file_size(connection_info):
    """The virtual size in bytes of a file volume's file, or None."""
    data = block_device.data(connection_info)
    path = data.get("device_path")
    if block_device.driver_type(connection_info) != block_device.FILE \
            or not path:
        return None
    try:
        with open(path, "rb") as volume:
            header = volume.read(32)
            if header[:4] == _QCOW2_MAGIC and len(header) == 32:
                return struct.unpack(">Q", header[24:32])[0]
            return os.fstat(volume.fileno()).st_size
    except OSError:
        return None


def record(connection_info, mountpoint, disk_bus=None, device_type=None,
           boot_index=None):
    return {"volume_id": block_device.volume_id(connection_info),
            "connection_info": copy.deepcopy(connection_info),
            "mountpoint": mountpoint, "disk_bus": disk_bus or "virtio",
            "device_type": device_type or "disk",
            "boot_index": boot_index, "size": file_size(connection_info),
            "read_only": block_device.data(connection_info).get(
                "access_mode") == "ro"}


class VolumesMixin(driver.VolumeAttach):
    """The fake driver's volumes (FakeDriver; guests have ``volumes``)."""

    def get_volume_connector(self, instance):
        return {"host": self.host, "ip": self._host_ip,
                "initiator": "iqn.1993-08.org.debian:01:%s" % self.host,
                "platform": "x86_64", "os_type": "linux",
                "multipath": False, "do_local_attach": False}

    def attach_volume(self, ctx, instance, connection_info, mountpoint,
                      disk_bus=None, device_type=None):
        block_device.require_type(connection_info, KNOWN_TYPES)
        volume_id = block_device.volume_id(connection_info)
        guest = self._guest(instance)
        self._fail_as("attach_volume", instance,
                      exception.VolumeAttachFailed, volume_id)
        with self._lock:
            name = block_device.device_name(mountpoint) or \
                block_device.next_free(self._taken(guest))
            if name is None or name in self._taken(guest):
                raise exception.VolumeAttachFailed(
                    volume_id=volume_id,
                    reason="the guest's device %s is taken" % (
                        mountpoint or "names"))
            if any(held["volume_id"] == volume_id
                   for held in guest.volumes.values()):
                raise exception.VolumeAttachFailed(
                    volume_id=volume_id,
                    reason="the guest has this volume already")
            guest.volumes[name] = record(connection_info, name, disk_bus,
                                         device_type)
            guest.log("virtio_blk: [%s] attached volume %s" % (
                block_device.target_dev(name), volume_id))

    def detach_volume(self, ctx, instance, connection_info, mountpoint):
        guest = self._guests.get(instance.uuid)
        if guest is None:
            return
        volume_id = block_device.volume_id(connection_info)
        self._fail_as("detach_volume", instance,
                      exception.VolumeDetachFailed, volume_id)
        with self._lock:
            name = self._find(guest, connection_info, mountpoint)
            if name is not None:
                del guest.volumes[name]
                guest.log("virtio_blk: [%s] detached volume %s" % (
                    block_device.target_dev(name), volume_id))

    def swap_volume(self, ctx, instance, old_connection_info,
                    new_connection_info, mountpoint, resize_to):
        block_device.require_type(new_connection_info, KNOWN_TYPES)
        guest = self._guest(instance)
        self._maybe_fail("swap_volume", instance)
        with self._lock:
            name = self._find(guest, old_connection_info, mountpoint)
            if name is None:
                raise exception.VolumeAttachFailed(
                    volume_id=block_device.volume_id(old_connection_info),
                    reason="the guest has no such volume to swap")
            old = guest.volumes[name]
            new = record(new_connection_info, name, old["disk_bus"],
                         old["device_type"], old["boot_index"])
            if resize_to:
                new["size"] = resize_to * 1024 ** 3
            guest.volumes[name] = new
            guest.log("block-job: %s copied to volume %s" % (
                block_device.target_dev(name), new["volume_id"]))

    def extend_volume(self, ctx, instance, connection_info, requested_size):
        guest = self._guest(instance)
        self._maybe_fail("extend_volume", instance)
        volume_id = block_device.volume_id(connection_info)
        with self._lock:
            name = self._find(guest, connection_info, None)
            if name is None:
                raise client_exception.VolumeNotFound(volume_id=volume_id)
            guest.volumes[name]["size"] = requested_size
            guest.log("virtio_blk: [%s] new size: %d bytes" % (
                block_device.target_dev(name), requested_size))

    def guest_volumes(self, instance_uuid):
        """The guest's volumes (tests): {device name: record}, a copy;
        {} when there is no guest."""
        with self._lock:
            guest = self._guests.get(instance_uuid)
            if guest is None:
                return {}
            return copy.deepcopy(guest.volumes)

    # Helpers ------------------------------------------------------------

    def _fail_as(self, operation, instance, error, volume_id):
        """An injected failure of operation, as the error a driver
        raises for it."""
        try:
            self._maybe_fail(operation, instance)
        except exception.InjectedFailure as failure:
            raise error(volume_id=volume_id, reason=str(failure)) \
                from failure

    @staticmethod
    def _taken(guest):
        taken = set(guest.volumes)
        if guest.root_volume is None:
            taken.add(block_device.ROOT_DEVICE)
        return taken

    @staticmethod
    def _find(guest, connection_info, mountpoint):
        volume_id = block_device.volume_id(connection_info)
        for name, held in guest.volumes.items():
            if volume_id and held["volume_id"] == volume_id:
                return name
        name = block_device.device_name(mountpoint)
        if name in guest.volumes and not volume_id:
            return name
        return None

    @staticmethod
    def _volumes_of(block_device_info):
        """{device name: record} for a guest made with block_device_info,
        and the root volume's id (None: a local root disk).
        VolumeDriverNotFound for a type this host cannot attach."""
        volumes, root = {}, None
        for name, mapping in block_device.placed(block_device_info):
            connection_info = mapping.get("connection_info") or {}
            block_device.require_type(connection_info, KNOWN_TYPES)
            volumes[name] = record(
                connection_info, name, mapping.get("disk_bus"),
                mapping.get("device_type"), mapping.get("boot_index"))
            if volumes[name]["volume_id"] is None:
                volumes[name]["volume_id"] = mapping.get("volume_id")
            if mapping.get("boot_index") in (0, "0"):
                root = volumes[name]["volume_id"]
        return volumes, root

    def _remake(self, guest, block_device_info):
        """Give a guest made anew the volumes of block_device_info (None:
        it keeps its own)."""
        if block_device_info is None:
            return
        guest.volumes, guest.root_volume = self._volumes_of(
            block_device_info)
