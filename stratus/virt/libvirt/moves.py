"""The libvirt driver's cold moves (resize, cold migration): Migratable.

Between compute services on this machine, or sharing the instances file
system. The source powers the guest off, renames its directory to
<uuid>_resize (kept until the move is confirmed or reverted) and
undefines its domain: compute services sharing a libvirtd cannot both
define a domain with the instance's UUID. The destination copies the
disk from there into its own directory, points it at its own cache of
the image, grows it to the new flavor's root disk and defines and starts
its domain with the new flavor and its own ports. A revert renames the
kept directory back and defines the domain again with the old flavor.
"""
import json
import logging
import os
import shutil
import xml.etree.ElementTree as ET

from stratus import exception
from stratus.objects import image_meta as image_meta_obj
from stratus.virt import block_device
from stratus.virt import driver
from stratus.virt.libvirt.binding import libvirt
from stratus.virt.libvirt import guest_setup
from stratus.virt.libvirt import guest_xml
from stratus.virt.libvirt import host as host_info
from stratus.virt.libvirt import imagecache
from stratus.virt.libvirt import vif as vif_plug

LOG = logging.getLogger(__name__)
RESIZE_SUFFIX = "_resize"
# What a move hands over besides the root disk (console.log starts anew).
MOVED_FILES = ("disk.config",)


class MovesMixin(driver.Migratable):
    def resize_dir(self, instance_uuid):
        """Where a move's source keeps the instance's files until the
        move is confirmed or reverted (Nova's ``<uuid>_resize``)."""
        return self.instance_dir(instance_uuid) + RESIZE_SUFFIX

    def prepare_migration_target(self, ctx, instance, flavor):
        vcpus = os.cpu_count() or 1
        memory_mb = host_info.memory_mb()
        if flavor.vcpus > vcpus or flavor.memory_mb > memory_mb:
            raise exception.MigrationError(
                reason="flavor %s (%d vCPUs, %d MB) does not fit on host %s "
                "(%d vCPUs, %d MB)" % (flavor.name, flavor.vcpus,
                                       flavor.memory_mb, self.host, vcpus,
                                       memory_mb))
        os.makedirs(self.instances_path, mode=0o755, exist_ok=True)

    def migrate_disk_and_power_off(self, ctx, instance, dest_host, flavor,
                                   network_info, block_device_info=None):
        """Power off, keep the files in <uuid>_resize, undefine the
        domain; the disk_info (JSON) names where the destination finds
        the disk and the cached image files it was made from."""
        if (flavor.root_gb or 0) < (instance.root_gb or 0):
            raise exception.ResizeError(reason="Unable to resize disk down.")
        uuid = instance.uuid
        domain = self._domain(instance)
        directory, kept = self.instance_dir(uuid), self.resize_dir(uuid)
        disk = os.path.join(directory, "disk")
        # A volume-backed guest has no local disk to hand over.
        info = imagecache.image_info(disk) if os.path.exists(disk) else {}
        cached = self._cached_files(domain, info)
        self.power_off(instance, timeout=self.shutdown_timeout)
        if os.path.exists(kept):  # left by an earlier move's failed confirm
            shutil.rmtree(kept)
        os.rename(directory, kept)
        self._undefine(instance)
        backing = info.get("full-backing-filename") \
            or info.get("backing-filename")
        base = None
        if backing:
            base = {"image_id": os.path.basename(backing),
                    "format": info.get("backing-filename-format")}
        return json.dumps({"source_host": self.host, "path": kept,
                           "base": base, "cached": cached}, sort_keys=True)

    def _cached_files(self, domain, disk_info):
        """{image id: file} of the cached images the guest uses: its
        disk's base, its kernel and ramdisk."""
        root = ET.fromstring(self._call(domain.XMLDesc,
                                        libvirt.VIR_DOMAIN_XML_INACTIVE))
        paths = [disk_info.get("full-backing-filename")
                 or disk_info.get("backing-filename")]
        paths += [element.text for element in (root.find("./os/kernel"),
                                                root.find("./os/initrd"))
                  if element is not None]
        base_dir = self.images.base_dir + os.sep
        return {os.path.basename(path): path for path in paths
                if path and path.startswith(base_dir)}

    def finish_migration(self, ctx, migration, instance, disk_info,
                         network_info, image_meta, resize_instance,
                         power_on, block_device_info=None):
        """Copy the disk the source handed over, define the domain with
        the instance's (new) flavor and these ports, start it if
        power_on. A failure leaves nothing here (the source still has
        everything)."""
        handed = json.loads(disk_info)
        try:
            self._receive_disk(ctx, instance, handed,
                               block_device_info)
            domain = self._define_moved(ctx, instance, network_info,
                                        image_meta, handed.get("cached"),
                                        block_device_info)
            if power_on:
                self._call(domain.create)
        except Exception:
            try:
                self.destroy(ctx, instance)
            except Exception:  # noqa: BLE001 - the failure itself is raised
                LOG.exception("Could not clean the failed move of %s",
                              instance.uuid)
            raise

    def _receive_disk(self, ctx, instance, handed, block_device_info=None):
        source = os.path.join(handed["path"], "disk")
        # A volume-backed guest has no local disk: only its other files.
        volume_backed = not os.path.exists(source) and \
            block_device.root_mapping(block_device_info) is not None
        if not os.path.exists(source) and not volume_backed:
            raise exception.MigrationError(
                reason="the disk of %s on %s (%s) cannot be read from host "
                "%s: the libvirt driver moves disks between compute "
                "services of one machine or sharing the instances file "
                "system" % (instance.uuid, handed.get("source_host"),
                            source, self.host))
        directory = self.instance_dir(instance.uuid)
        shutil.rmtree(directory, ignore_errors=True)  # a leftover
        os.makedirs(directory, mode=0o755)
        disk = os.path.join(directory, "disk")
        if not volume_backed:
            imagecache.copy_file(source, disk)
        for name in MOVED_FILES:
            if os.path.exists(os.path.join(handed["path"], name)):
                imagecache.copy_file(os.path.join(handed["path"], name),
                                     os.path.join(directory, name))
        base = handed.get("base")
        if base and not volume_backed:
            cached = self._cached(ctx, base["image_id"], handed.get("cached"))
            base_format = guest_setup.checked_format(
                instance.uuid, base["image_id"], None,
                imagecache.image_info(cached))
            imagecache.rebase(disk, cached, base_format)
        size = (instance.root_gb or 0) * guest_setup.GiB
        if not volume_backed and \
                size > imagecache.image_info(disk)["virtual-size"]:
            imagecache.grow(disk, size)

    def _cached(self, ctx, image_id, fallback=None):
        """This host's cached file of image_id: from the image service,
        or (as Nova falls back to the source host) a copy of the file
        fallback names for it, when the image service has it no more."""
        try:
            return self.images.path(ctx, image_id)
        except (exception.StratusException, OSError) as error:
            source = (fallback or {}).get(image_id)
            if not source or not os.path.exists(source):
                raise
            LOG.info("Image %s cannot be fetched (%s); copying %s", image_id,
                     error, source)
            return self.images.copy_in(image_id, source)

    def _define_moved(self, ctx, instance, network_info, image_meta,
                      fallback=None, block_device_info=None):
        """Define the domain of the files in the instance directory with
        the instance's flavor, network_info and the volumes of
        block_device_info."""
        directory = self.instance_dir(instance.uuid)
        disk = os.path.join(directory, "disk")
        volumes = self._volume_disks(block_device_info)
        if any(volume.boot_order for volume in volumes):
            disk = None
        elif not os.path.exists(disk):
            raise exception.InstanceNotFound(instance_id=instance.uuid)
        boot = self._boot(instance,
                          self._image_properties(ctx, instance, image_meta),
                          lambda image_id: self._cached(ctx, image_id,
                                                        fallback))
        open(self.console_log_path(instance.uuid), "a").close()
        config = self._guest_config(instance, boot, disk, network_info)
        config.volumes = volumes
        config_drive = os.path.join(directory, "disk.config")
        if os.path.exists(config_drive):
            config.config_drive = config_drive
        elif self._config_drive_required(instance):
            config.config_drive = self._make_config_drive(
                instance, network_info, "disk.config", None)
        xml = guest_xml.domain_xml(config)
        guest_xml.assert_safe(xml)
        vif_plug.ensure_bridges(network_info)
        return self._call(self.connection.defineXML, xml)

    def _image_properties(self, ctx, instance, image_meta):
        """The image properties a guest boots with: image_meta's, else
        those the instance keeps, else the image service's."""
        if image_meta is not None:
            return image_meta.properties or {}
        properties = instance.get("image_properties") or {}
        if properties or not instance.image_ref:
            return properties
        try:
            return image_meta_obj.ImageMeta.from_image_dict(
                self.image_api.get(ctx, instance.image_ref)).properties or {}
        except exception.StratusException:
            return {}

    def confirm_migration(self, ctx, migration, instance, network_info):
        """The kept files go (and, when the guest moved to another host,
        anything of it left here)."""
        if migration.dest_compute != self.host:
            self.destroy(ctx, instance)
        shutil.rmtree(self.resize_dir(instance.uuid), ignore_errors=True)

    def finish_revert_migration(self, ctx, instance, network_info,
                                migration, power_on, block_device_info=None):
        """The kept files become the instance directory again (after a
        move to this same host, its guest goes first) and the domain is
        defined with the instance's (old) flavor and these ports; a move
        that failed before the handover finds its domain still there."""
        if os.path.isdir(self.resize_dir(instance.uuid)):
            self.destroy(ctx, instance)
            os.rename(self.resize_dir(instance.uuid),
                      self.instance_dir(instance.uuid))
        try:
            domain = self._domain(instance)
        except exception.InstanceNotFound:
            domain = self._define_moved(ctx, instance, network_info, None,
                                        block_device_info=block_device_info)
        else:
            if not domain.isActive():
                self._remake_volumes(domain, block_device_info)
                domain = self._domain(instance)
        if power_on and not domain.isActive():
            self._call(domain.create)
