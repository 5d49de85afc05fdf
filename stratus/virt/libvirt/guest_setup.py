"""How the libvirt driver sets up a guest, for a spawn, a rescue and a
move alike: its disk as a qcow2 overlay on a cached image, how it boots
(from the disk or a direct kernel boot), its GuestConfig and its config
drive."""
import dataclasses
import os
import random
import socket

from stratus.virt import configdrive
from stratus.exception import LibvirtDriverError
from stratus.virt.libvirt import guest_xml
from stratus.virt.libvirt import imagecache
from stratus import exception

DIRECT_BOOT_COMMAND_LINE = "console=ttyS0 quiet panic=-1"
GiB = 1024 ** 3


class GuestSetupMixin:
    """Methods of LibvirtDriver (they read its options and paths)."""

    def _prepare_guest(self, ctx, instance, image_meta, network_info,
                       admin_password=None, block_device_info=None):
        """A volume-backed guest (a boot_index 0 volume in
        block_device_info) gets no local disk: it boots its root volume
        (or the kernel its image names)."""
        uuid = instance.uuid
        directory = self.instance_dir(uuid)
        os.makedirs(directory, mode=0o755, exist_ok=True)
        volumes = self._volume_disks(block_device_info)
        if any(volume.boot_order for volume in volumes):
            disk = None
            properties = (image_meta.properties or {}) if image_meta \
                else instance.get("image_properties") or {}
            boot = self._boot(instance, properties,
                              lambda image: self.images.path(ctx, image))
        else:
            disk = os.path.join(directory, "disk")
            boot = self._disk_from_image(ctx, instance, image_meta, disk,
                                         grow=True)
        open(self.console_log_path(uuid), "w").close()
        config = self._guest_config(instance, boot, disk, network_info)
        config.volumes = volumes
        if self._config_drive_required(instance):
            config.config_drive = self._make_config_drive(
                instance, network_info, "disk.config", admin_password)
        return config

    def _config_drive_required(self, instance):
        return self.force_config_drive or _wants_config_drive(instance)

    def _make_config_drive(self, instance, network_info, name, admin_pass):
        path = os.path.join(self.instance_dir(instance.uuid), name)
        return configdrive.make_config_drive(instance, network_info, path,
                                             admin_pass=admin_pass)

    def _disk_from_image(self, ctx, instance, image_meta, target, grow):
        """Make target a qcow2 overlay on the image (grown to the
        flavor's root disk if grow); how the image boots, a _Boot."""
        uuid = instance.uuid
        image_id = image_meta.id if image_meta is not None \
            else instance.image_ref
        properties = (image_meta.properties or {}) if image_meta else {}
        base = self.images.path(ctx, image_id)
        info = imagecache.image_info(base)
        base_format = checked_format(uuid, image_id, image_meta, info)
        kernel_id = properties.get("kernel_id") or instance.kernel_id
        if not kernel_id and not imagecache.has_boot_sector(base,
                                                            base_format):
            raise exception.SpawnFailed(
                instance_uuid=uuid, reason="image %s is not bootable: its "
                "disk has no boot sector and the image names no kernel_id"
                % image_id)
        root_bytes = (instance.root_gb or 0) * GiB if grow else 0
        imagecache.create_overlay(
            base, base_format, target,
            root_bytes if root_bytes > info["virtual-size"] else None)
        return self._boot(instance, properties,
                          lambda image: self.images.path(ctx, image))

    @staticmethod
    def _boot(instance, properties, cached):
        """How a disk of an image with these properties boots: a direct
        kernel boot when the image (else the instance) names a kernel,
        whose files cached(image_id) gives; else from the disk."""
        kernel_id = properties.get("kernel_id") or instance.kernel_id
        ramdisk_id = properties.get("ramdisk_id") or instance.ramdisk_id
        boot = _Boot(
            guest_agent=is_true(properties.get("hw_qemu_guest_agent")))
        if kernel_id:
            boot.kernel = cached(kernel_id)
            if ramdisk_id:
                boot.ramdisk = cached(ramdisk_id)
            boot.cmdline = properties.get("os_command_line") \
                or DIRECT_BOOT_COMMAND_LINE
        return boot

    def _guest_config(self, instance, boot, disk, network_info,
                      extra_disks=()):
        uuid = instance.uuid
        # It goes on the kernel command line: nothing but a hostname.
        hostname = _hostname_word(instance.hostname or instance.display_name)
        config = guest_xml.GuestConfig(
            name=self.domain_name(uuid), uuid=uuid,
            title=instance.display_name or uuid, virt_type=self.virt_type,
            memory_mb=instance.memory_mb or instance.flavor.memory_mb,
            vcpus=instance.vcpus or instance.flavor.vcpus,
            disk_path=disk, console_log=self.console_log_path(uuid),
            vifs=list(network_info or []), root_ports=self.root_ports,
            hostname=hostname, extra_disks=list(extra_disks),
            guest_agent=boot.guest_agent)
        if self.conf.serial_console.enabled:
            address = self.conf.serial_console.proxyclient_address
            config.serial_listen = (address, _free_port(
                address, self.conf.serial_console.port_range))
        if self.conf.vnc.enabled:
            config.vnc_listen = self.conf.vnc.server_listen
        if boot.kernel:
            config.kernel, config.ramdisk = boot.kernel, boot.ramdisk
            config.cmdline = "%s stratus.hostname=%s" % (boot.cmdline,
                                                         hostname)
        return config


@dataclasses.dataclass
class _Boot:
    """How a guest's first disk boots: direct kernel boot (kernel, an
    optional ramdisk, the command line) or, without a kernel, from the
    disk's boot sector."""
    kernel: str | None = None
    ramdisk: str | None = None
    cmdline: str | None = None
    guest_agent: bool = False


def is_true(value):
    return str(value or "").strip().lower() in ("true", "1", "yes", "on",
                                                 "y", "t")


def checked_format(instance_uuid, image_id, image_meta, info):
    """The disk format of a cached image, refusing what QEMU must not
    open: a file whose content is not the format the image service
    declares (a 'raw' upload holding a qcow2 header could name a host file
    as its backing file), or a qcow2 with a backing or external data file."""
    declared = image_meta.disk_format if image_meta is not None else None
    found = info.get("format")
    reason = None
    if found not in ("raw", "qcow2"):
        reason = "its disk format %s is not raw or qcow2" % found
    elif declared in ("raw", "qcow2") and declared != found:
        reason = "it is declared %s but holds %s" % (declared, found)
    elif info.get("backing-filename") or info.get("full-backing-filename") \
            or (info.get("format-specific", {}).get("data", {})
                .get("data-file")):
        reason = "it refers to other files"
    if reason:
        raise exception.SpawnFailed(
            instance_uuid=instance_uuid,
            reason="image %s cannot be used: %s" % (image_id, reason))
    return found


def _hostname_word(name):
    cleaned = "".join(char for char in (name or "").lower()
                      if char.isascii() and (char.isalnum() or char in "-."))
    return cleaned.strip("-.")[:63] or "guest"


def _wants_config_drive(instance):
    return is_true(instance.config_drive)


def _free_port(address, port_range):
    """A port of "min:max" nobody listens on at address now (QEMU binds
    it when the guest starts)."""
    low, _, high = port_range.partition(":")
    candidates = list(range(int(low), int(high or low) + 1))
    random.shuffle(candidates)
    for port in candidates[:200]:
        with socket.socket() as probe:
            try:
                probe.bind((address, port))
            except OSError:
                continue
            return port
    raise LibvirtDriverError(reason="no free serial console port in %s"
                             % port_range)
