"""The libvirt driver: real QEMU guests (compute_driver = libvirt).

A guest is a persistent libvirt domain named ``<domain_prefix><uuid>``
whose files live in ``<instances_path>/<uuid>/``: ``disk`` (a qcow2
overlay on the image cached in ``_base``), ``console.log`` (the serial
console, written by virtlogd), ``disk.config`` (the config drive) and,
for direct kernel boot, the kernel and ramdisk are read from ``_base``.
Domains outlive the compute service and libvirtd, so a restarted compute
finds its guests with ``list_instance_uuids``.

Under ``virt_type = qemu`` guests run under TCG with QEMU's default CPU
model; ``kvm`` is refused where KVM would not boot a stock kernel (see
``host.kvm_problem``).
"""
import dataclasses
import json
import logging
import os
import random
import shutil
import socket
import stat
import subprocess
import threading
import time
import xml.etree.ElementTree as ET

from stratus import exception
from stratus.objects import console_connection
from stratus.objects import fields
from stratus.objects import image_meta as image_meta_obj
from stratus.virt import driver
from stratus.virt.libvirt import guest_xml
from stratus.virt.libvirt import host as host_info
from stratus.virt.libvirt import imagecache

LOG = logging.getLogger(__name__)
PowerState = fields.PowerState

DEFAULT_URI = "qemu:///system"
DEFAULT_INSTANCES_PATH = "/var/lib/stratus/instances"
CONSOLE_BYTES_SHOWN = 100 * 1024
DIRECT_BOOT_COMMAND_LINE = "console=ttyS0 quiet panic=-1"
# In an instance directory while it is rescued: the rescue image's
# overlay, the rescue config drive, the original domain XML (last).
RESCUE_FILES = ("disk.rescue", "disk.config.rescue", "unrescue.xml")
RESIZE_SUFFIX = "_resize"
# What a move hands over besides the root disk (console.log starts anew).
MOVED_FILES = ("disk.config",)
GiB = 1024 ** 3

try:
    import libvirt
except ImportError:  # the extra is not installed: the driver says so
    libvirt = None


class LibvirtDriverError(exception.StratusException):
    msg_fmt = "libvirt error: %(reason)s"


def _power_state(state, managed_save):
    if libvirt is None:
        return PowerState.NOSTATE
    if state in (libvirt.VIR_DOMAIN_RUNNING, libvirt.VIR_DOMAIN_BLOCKED):
        return PowerState.RUNNING
    if state == libvirt.VIR_DOMAIN_PAUSED:
        return PowerState.PAUSED
    if state == libvirt.VIR_DOMAIN_SHUTOFF:
        return PowerState.SUSPENDED if managed_save else PowerState.SHUTDOWN
    if state == libvirt.VIR_DOMAIN_SHUTDOWN:
        return PowerState.SHUTDOWN
    if state == libvirt.VIR_DOMAIN_CRASHED:
        return PowerState.CRASHED
    if state == libvirt.VIR_DOMAIN_PMSUSPENDED:
        return PowerState.SUSPENDED
    return PowerState.NOSTATE


class LibvirtDriver(driver.ComputeDriver, driver.PowerControl,
                    driver.Pausable, driver.Suspendable,
                    driver.ConsoleOutput, driver.RemoteConsoles,
                    driver.InterfaceHotplug, driver.Snapshot,
                    driver.Rescuable, driver.CrashDump,
                    driver.NetworkInjection, driver.AdminPassword,
                    driver.HostUptime, driver.Migratable,
                    driver.ImageCache):
    name = "libvirt"
    # What _checked_format lets QEMU open, and the devices guest_xml
    # gives a guest (virtio disk and NICs, a SATA config drive cdrom).
    image_types = frozenset(["raw", "qcow2"])
    guest_devices = frozenset([
        "COMPUTE_STORAGE_BUS_VIRTIO", "COMPUTE_STORAGE_BUS_SATA",
        "COMPUTE_NET_VIF_MODEL_VIRTIO"])

    def __init__(self, conf, host, image_api=None):
        if libvirt is None:
            raise driver.DriverNotAvailable(
                driver="libvirt", reason="the libvirt-python binding is not "
                "installed (run tools/install-virt.sh, or pip install "
                "'stratus[libvirt]')")
        options = conf.libvirt
        self.conf = conf
        self.host = host
        self.virt_type = options.virt_type
        self.uri = options.connection_uri or DEFAULT_URI
        self.instances_path = os.path.abspath(
            options.instances_path or DEFAULT_INSTANCES_PATH)
        self.prefix = options.domain_prefix
        self.root_ports = options.pcie_root_ports
        self.shutdown_timeout = options.shutdown_timeout
        self.force_config_drive = options.force_config_drive
        if image_api is None and conf.glance.api_servers:
            from stratus.image import client as image_client
            image_api = image_client.ImageAPI.from_conf(conf)
        self.image_api = image_api
        self.images = imagecache.ImageCache(
            os.path.join(self.instances_path, "_base"), image_api)
        self._connection = None
        self._connect_lock = threading.Lock()

    # Connection ------------------------------------------------------

    @property
    def connection(self):
        with self._connect_lock:
            if self._connection is None or not self._alive():
                try:
                    self._connection = libvirt.open(self.uri)
                except libvirt.libvirtError as error:
                    raise LibvirtDriverError(
                        reason="cannot connect to %s: %s"
                        % (self.uri, error.get_error_message())) from error
            return self._connection

    def _alive(self):
        try:
            return self._connection.isAlive() == 1
        except libvirt.libvirtError:
            return False

    def _domain(self, instance):
        """This host's domain of the instance. By name, not by UUID:
        compute services sharing one libvirtd see each other's domains,
        and during a move the instance's domain may be another host's."""
        try:
            return self.connection.lookupByName(
                self.domain_name(instance.uuid))
        except libvirt.libvirtError as error:
            if error.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN:
                raise exception.InstanceNotFound(
                    instance_id=instance.uuid) from error
            raise

    def domain_name(self, instance_uuid):
        return self.prefix + instance_uuid

    def instance_dir(self, instance_uuid):
        return os.path.join(self.instances_path, instance_uuid)

    def resize_dir(self, instance_uuid):
        """Where a move's source keeps the instance's files until the
        move is confirmed or reverted (Nova's ``<uuid>_resize``)."""
        return self.instance_dir(instance_uuid) + RESIZE_SUFFIX

    def console_log_path(self, instance_uuid):
        return os.path.join(self.instance_dir(instance_uuid), "console.log")

    # ComputeDriver ----------------------------------------------------

    def init_host(self, host):
        if self.virt_type == "kvm":
            problem = host_info.kvm_problem()
            if problem:
                raise driver.DriverNotAvailable(
                    driver="libvirt", reason="virt_type = kvm, but %s; use "
                    "virt_type = qemu" % problem)
        if self.image_api is None:
            raise driver.DriverNotAvailable(
                driver="libvirt", reason="no image service: set [glance] "
                "api_servers")
        os.makedirs(self.instances_path, mode=0o755, exist_ok=True)
        self._check_traversable(self.instances_path)
        self.connection  # noqa: B018 - fail at start, not at the first boot

    @staticmethod
    def _check_traversable(path):
        """QEMU runs as libvirt-qemu: every parent of the instance
        directories must let others through."""
        current = path
        while True:
            mode = os.stat(current).st_mode
            if not mode & stat.S_IXOTH:
                raise driver.DriverNotAvailable(
                    driver="libvirt", reason="%s is not traversable by "
                    "others, so QEMU (user libvirt-qemu) cannot reach %s; "
                    "choose another [libvirt] instances_path"
                    % (current, path))
            parent = os.path.dirname(current)
            if parent == current:
                return
            current = parent

    def node_resources(self):
        return [driver.NodeResources(
            nodename=self.host, vcpus=os.cpu_count() or 1,
            memory_mb=host_info.memory_mb(),
            local_gb=host_info.disk_gb(self.instances_path),
            hypervisor_type="QEMU",
            hypervisor_version=self.connection.getVersion(),
            cpu_info=host_info.cpu_info(), host_ip=self.conf.my_ip)]

    def list_instance_uuids(self):
        return [domain.UUIDString()
                for domain in self.connection.listAllDomains()
                if domain.name().startswith(self.prefix)]

    def get_power_state(self, instance):
        domain = self._domain(instance)
        state, _reason = domain.state()
        return _power_state(state, domain.hasManagedSaveImage() == 1)

    def spawn(self, ctx, instance, image_meta, injected_files,
              admin_password, network_info):
        try:
            config = self._prepare_guest(ctx, instance, image_meta,
                                         network_info, admin_password)
            xml = guest_xml.domain_xml(config)
            guest_xml.assert_safe(xml)
            domain = self.connection.defineXML(xml)
            domain.create()
        except driver.SpawnFailed:
            raise
        except libvirt.libvirtError as error:
            raise driver.SpawnFailed(instance_uuid=instance.uuid,
                                     reason=error.get_error_message()) \
                from error
        except (exception.StratusException, OSError, ValueError) as error:
            reason = (error.format_message()
                      if isinstance(error, exception.StratusException)
                      else str(error))
            raise driver.SpawnFailed(instance_uuid=instance.uuid,
                                     reason=reason) from error

    def _prepare_guest(self, ctx, instance, image_meta, network_info,
                       admin_password=None):
        uuid = instance.uuid
        directory = self.instance_dir(uuid)
        os.makedirs(directory, mode=0o755, exist_ok=True)
        disk = os.path.join(directory, "disk")
        boot = self._disk_from_image(ctx, instance, image_meta, disk,
                                     grow=True)
        open(self.console_log_path(uuid), "w").close()
        config = self._guest_config(instance, boot, disk, network_info)
        if self._config_drive_required(instance):
            config.config_drive = self._make_config_drive(
                instance, network_info, "disk.config", admin_password)
        return config

    def _config_drive_required(self, instance):
        return self.force_config_drive or _wants_config_drive(instance)

    def _make_config_drive(self, instance, network_info, name, admin_pass):
        from stratus.virt import configdrive
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
        base_format = _checked_format(uuid, image_id, image_meta, info)
        kernel_id = properties.get("kernel_id") or instance.kernel_id
        if not kernel_id and not imagecache.has_boot_sector(base,
                                                            base_format):
            raise driver.SpawnFailed(
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
        boot = _Boot(guest_agent=_true(properties.get("hw_qemu_guest_agent")))
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

    def destroy(self, ctx, instance, network_info=None):
        """The domain and the instance directory go (not a move's kept
        ``_resize`` directory: a revert to this host still needs it)."""
        self._undefine(instance)
        shutil.rmtree(self.instance_dir(instance.uuid), ignore_errors=True)

    def _undefine(self, instance):
        """Stop and undefine this host's domain of the instance, if any."""
        try:
            domain = self._domain(instance)
        except exception.InstanceNotFound:
            return
        try:
            if domain.isActive():
                domain.destroy()
            flags = 0
            if domain.hasManagedSaveImage():
                flags |= libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE
            domain.undefineFlags(flags)
        except libvirt.libvirtError as error:
            if error.get_error_code() != libvirt.VIR_ERR_NO_DOMAIN:
                raise LibvirtDriverError(
                    reason=error.get_error_message()) from error

    # Capabilities -----------------------------------------------------

    def power_off(self, instance, timeout=0):
        domain = self._domain(instance)
        if not domain.isActive():
            return
        if timeout > 0 and self._shutdown(domain, timeout):
            return
        self._call(domain.destroy)

    def _shutdown(self, domain, timeout):
        """Press the ACPI power button; whether the guest was off within
        timeout seconds."""
        self._call(domain.shutdown)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not domain.isActive():
                return True
            time.sleep(0.2)
        return False

    def power_on(self, ctx, instance, network_info):
        domain = self._domain(instance)
        if not domain.isActive():
            self._call(domain.create)

    def reboot(self, ctx, instance, network_info, reboot_type):
        domain = self._domain(instance)
        if not domain.isActive():
            self._call(domain.create)
        elif reboot_type == "SOFT":
            # libvirt presses the power button and restarts QEMU's guest
            # once it has powered off.
            self._call(domain.reboot, libvirt.VIR_DOMAIN_REBOOT_ACPI_POWER_BTN)
        else:
            self._call(domain.reset, 0)

    def pause(self, instance):
        self._require(instance, PowerState.RUNNING, "pause")
        self._call(self._domain(instance).suspend)

    def unpause(self, instance):
        self._require(instance, PowerState.PAUSED, "unpause")
        self._call(self._domain(instance).resume)

    def suspend(self, ctx, instance):
        self._require(instance, PowerState.RUNNING, "suspend")
        self._call(self._domain(instance).managedSave, 0)

    def resume(self, ctx, instance, network_info):
        self._require(instance, PowerState.SUSPENDED, "resume")
        self._call(self._domain(instance).create)

    def get_console_output(self, ctx, instance):
        self._domain(instance)
        try:
            with open(self.console_log_path(instance.uuid), "rb") as handle:
                handle.seek(0, os.SEEK_END)
                handle.seek(max(0, handle.tell() - CONSOLE_BYTES_SHOWN))
                data = handle.read()
        except FileNotFoundError:
            return ""
        return data.decode("utf-8", "replace")

    def snapshot(self, ctx, instance):
        """The guest's root disk as standalone qcow2 data (an iterator of
        bytes). A running guest is paused while the disk is copied, so
        the copy is consistent, and runs on right after."""
        domain = self._domain(instance)
        disk = os.path.join(self.instance_dir(instance.uuid), "disk")
        directory = os.path.join(self.instances_path, "snapshots")
        os.makedirs(directory, mode=0o700, exist_ok=True)
        target = os.path.join(directory, "%s-%s.qcow2" % (
            instance.uuid, os.urandom(4).hex()))
        paused = self.get_power_state(instance) == PowerState.RUNNING
        if paused:
            self._call(domain.suspend)
        try:
            imagecache.convert_to_qcow2(disk, target)
        except Exception:
            if os.path.exists(target):
                os.unlink(target)
            raise
        finally:
            if paused:
                self._call(domain.resume)
        return _read_and_remove(target)

    def attach_interface(self, instance, vif):
        self._change_interface(instance, vif, "attachDeviceFlags")

    def detach_interface(self, instance, vif):
        self._change_interface(instance, vif, "detachDeviceFlags")

    def _change_interface(self, instance, vif, method):
        """On the persistent definition and, if it runs, the live guest
        (a live detach completes when the guest releases the device)."""
        domain = self._domain(instance)
        flags = libvirt.VIR_DOMAIN_AFFECT_CONFIG
        if domain.isActive():
            flags |= libvirt.VIR_DOMAIN_AFFECT_LIVE
        self._call(getattr(domain, method), guest_xml.interface_xml(vif),
                   flags)

    def get_serial_console(self, instance):
        root = ET.fromstring(self._call(self._domain(instance).XMLDesc, 0))
        for source in root.findall("./devices/serial[@type='tcp']/source"):
            if source.get("mode") == "bind":
                return console_connection.ConsoleConnection(
                    console_type="serial", host=source.get("host"),
                    port=int(source.get("service")))
        raise exception.ConsoleTypeUnavailable(console_type="serial")

    def get_vnc_console(self, instance):
        root = ET.fromstring(self._call(self._domain(instance).XMLDesc, 0))
        graphics = root.find("./devices/graphics[@type='vnc']")
        if graphics is None or int(graphics.get("port") or -1) <= 0:
            raise exception.ConsoleTypeUnavailable(console_type="novnc")
        return console_connection.ConsoleConnection(
            console_type="novnc",
            host=self.conf.vnc.server_proxyclient_address,
            port=int(graphics.get("port")))

    def rescue(self, ctx, instance, network_info, image_meta,
               rescue_password):
        """Boot the rescue image (image_meta's id, else the instance's
        image) as the first disk with the guest's own disk second (vdb),
        as Nova's libvirt driver does: the domain is defined again with
        that XML; unrescue.xml keeps the original definition. A server
        with a config drive gets a rescue one whose meta_data.json has the
        rescue password as admin_pass. A rescue that cannot start leaves
        the original definition and no rescue files."""
        domain = self._domain(instance)
        directory = self.instance_dir(instance.uuid)
        original_path = os.path.join(directory, RESCUE_FILES[-1])
        if os.path.exists(original_path):  # left by an interrupted rescue
            with open(original_path) as handle:
                original = handle.read()
        else:
            original = self._call(domain.XMLDesc,
                                  libvirt.VIR_DOMAIN_XML_INACTIVE)
        image_id = (image_meta or {}).get("id") or instance.image_ref
        rescue_disk = os.path.join(directory, RESCUE_FILES[0])
        try:
            rescue_meta = image_meta_obj.ImageMeta.from_image_dict(
                self.image_api.get(ctx, image_id))
            if os.path.exists(rescue_disk):
                os.unlink(rescue_disk)
            boot = self._disk_from_image(ctx, instance, rescue_meta,
                                         rescue_disk, grow=False)
            config = self._guest_config(
                instance, boot, rescue_disk, network_info,
                extra_disks=[os.path.join(directory, "disk")])
            if self._config_drive_required(instance):
                # As Nova: a rescue config drive with the rescue password.
                config.config_drive = self._make_config_drive(
                    instance, network_info, RESCUE_FILES[1],
                    rescue_password)
        except (exception.StratusException, OSError) as error:
            self._remove_rescue_files(instance)
            reason = (error.kwargs.get("reason") or error.format_message()
                      if isinstance(error, exception.StratusException)
                      else str(error))
            raise exception.InstanceNotRescuable(
                instance_id=instance.uuid, reason=reason) from error
        xml = guest_xml.domain_xml(config)
        guest_xml.assert_safe(xml)
        with open(original_path + ".part", "w") as handle:
            handle.write(original)
        os.replace(original_path + ".part", original_path)
        try:
            self._redefine_and_start(instance, domain, xml)
        except Exception:
            try:
                self.connection.defineXML(original)
            except libvirt.libvirtError:
                LOG.exception("Could not restore the definition of %s",
                              instance.uuid)
            else:
                self._remove_rescue_files(instance)
            raise

    def unrescue(self, ctx, instance):
        """Boot the guest from its own disk again (the definition saved
        in unrescue.xml) and remove the rescue files."""
        domain = self._domain(instance)
        original_path = os.path.join(self.instance_dir(instance.uuid),
                                     RESCUE_FILES[-1])
        try:
            with open(original_path) as handle:
                original = handle.read()
        except FileNotFoundError as error:
            raise exception.InstanceInvalidState(
                action="unrescue", instance_uuid=instance.uuid,
                attr="rescue definition", state="missing") from error
        self._redefine_and_start(instance, domain, original)
        self._remove_rescue_files(instance)

    def _remove_rescue_files(self, instance):
        for name in RESCUE_FILES:
            path = os.path.join(self.instance_dir(instance.uuid), name)
            if os.path.exists(path):
                os.unlink(path)

    def _redefine_and_start(self, instance, domain, xml):
        """Stop the guest, define the domain with xml and start it."""
        if domain.isActive():
            self._call(domain.destroy)
        self._call(self.connection.defineXML, xml)
        self._call(self._domain(instance).create)

    def trigger_crash_dump(self, instance):
        """An NMI to the guest (libvirt's injectNMI): a Linux guest logs
        it, or panics and dumps where it is configured to."""
        domain = self._domain(instance)
        try:
            domain.injectNMI(0)
        except libvirt.libvirtError as error:
            code = error.get_error_code()
            if code == libvirt.VIR_ERR_NO_SUPPORT:
                raise exception.TriggerCrashDumpNotSupported() from error
            if code == libvirt.VIR_ERR_OPERATION_INVALID:
                raise exception.InstanceNotRunning(
                    instance_id=instance.uuid) from error
            raise LibvirtDriverError(reason=error.get_error_message()) \
                from error

    def inject_network_info(self, instance, network_info):
        """Nothing to write, as in Nova's libvirt driver: guests configure
        their network by DHCP (each port has a fixed lease) and read the
        rest from the metadata service or the config drive."""
        self._domain(instance)

    def set_admin_password(self, instance, new_pass):
        """Through the QEMU guest agent, as Nova's libvirt driver does:
        only for images with hw_qemu_guest_agent (whose guests get the
        agent's channel), else QemuGuestAgentNotEnabled (409)."""
        if self.virt_type not in ("qemu", "kvm"):
            raise exception.SetAdminPasswdNotSupported()
        properties = instance.get("image_properties") or {}
        if not _true(properties.get("hw_qemu_guest_agent")):
            raise exception.QemuGuestAgentNotEnabled()
        user = properties.get("os_admin_user") or (
            "Administrator" if instance.get("os_type") == "windows"
            else "root")
        self._call(self._domain(instance).setUserPassword, user, new_pass,
                   0)

    def cache_image(self, ctx, image_id):
        """Fetch the image into <instances_path>/_base, where spawns find
        it."""
        return self.images.fetch(ctx, image_id)[1]

    def get_host_uptime(self):
        """The `uptime` command's line, as Nova's libvirt driver answers."""
        try:
            return subprocess.run(
                ["uptime"], check=True, capture_output=True, text=True,
                env=dict(os.environ, LANG="C")).stdout.strip()
        except (OSError, subprocess.CalledProcessError) as error:
            raise LibvirtDriverError(reason="uptime failed: %s" % error) \
                from error

    # Moves (Migratable) -----------------------------------------------
    #
    # Cold moves (resize, cold migration) between compute services on
    # this machine, or sharing the instances file system. The source
    # powers the guest off, renames its directory to <uuid>_resize (kept
    # until the move is confirmed or reverted) and undefines its domain:
    # compute services sharing a libvirtd cannot both define a domain
    # with the instance's UUID. The destination copies the disk from
    # there into its own directory, points it at its own cache of the
    # image, grows it to the new flavor's root disk and defines and
    # starts its domain with the new flavor and its own ports. A revert
    # renames the kept directory back and defines the domain again with
    # the old flavor.

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
                                   network_info):
        """Power off, keep the files in <uuid>_resize, undefine the
        domain; the disk_info (JSON) names where the destination finds
        the disk and the cached image files it was made from."""
        if (flavor.root_gb or 0) < (instance.root_gb or 0):
            raise exception.ResizeError(reason="Unable to resize disk down.")
        uuid = instance.uuid
        domain = self._domain(instance)
        directory, kept = self.instance_dir(uuid), self.resize_dir(uuid)
        info = imagecache.image_info(os.path.join(directory, "disk"))
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
                         power_on):
        """Copy the disk the source handed over, define the domain with
        the instance's (new) flavor and these ports, start it if
        power_on. A failure leaves nothing here (the source still has
        everything)."""
        handed = json.loads(disk_info)
        try:
            self._receive_disk(ctx, instance, handed)
            domain = self._define_moved(ctx, instance, network_info,
                                        image_meta, handed.get("cached"))
            if power_on:
                self._call(domain.create)
        except Exception:
            try:
                self.destroy(ctx, instance)
            except Exception:  # noqa: BLE001 - the failure itself is raised
                LOG.exception("Could not clean the failed move of %s",
                              instance.uuid)
            raise

    def _receive_disk(self, ctx, instance, handed):
        source = os.path.join(handed["path"], "disk")
        if not os.path.exists(source):
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
        imagecache.copy_file(source, disk)
        for name in MOVED_FILES:
            if os.path.exists(os.path.join(handed["path"], name)):
                imagecache.copy_file(os.path.join(handed["path"], name),
                                     os.path.join(directory, name))
        base = handed.get("base")
        if base:
            cached = self._cached(ctx, base["image_id"], handed.get("cached"))
            base_format = _checked_format(
                instance.uuid, base["image_id"], None,
                imagecache.image_info(cached))
            imagecache.rebase(disk, cached, base_format)
        size = (instance.root_gb or 0) * GiB
        if size > imagecache.image_info(disk)["virtual-size"]:
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
                      fallback=None):
        """Define the domain of the files in the instance directory with
        the instance's flavor and network_info."""
        directory = self.instance_dir(instance.uuid)
        disk = os.path.join(directory, "disk")
        if not os.path.exists(disk):
            raise exception.InstanceNotFound(instance_id=instance.uuid)
        boot = self._boot(instance,
                          self._image_properties(ctx, instance, image_meta),
                          lambda image_id: self._cached(ctx, image_id,
                                                        fallback))
        open(self.console_log_path(instance.uuid), "a").close()
        config = self._guest_config(instance, boot, disk, network_info)
        config_drive = os.path.join(directory, "disk.config")
        if os.path.exists(config_drive):
            config.config_drive = config_drive
        elif self._config_drive_required(instance):
            config.config_drive = self._make_config_drive(
                instance, network_info, "disk.config", None)
        xml = guest_xml.domain_xml(config)
        guest_xml.assert_safe(xml)
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
                                migration, power_on):
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
            domain = self._define_moved(ctx, instance, network_info, None)
        if power_on and not domain.isActive():
            self._call(domain.create)

    # Helpers ----------------------------------------------------------

    def _require(self, instance, power_state, action):
        current = self.get_power_state(instance)
        if current != power_state:
            raise exception.InstanceInvalidState(
                action=action, instance_uuid=instance.uuid,
                attr="power_state", state=PowerState.NAMES.get(current))

    @staticmethod
    def _call(method, *args):
        try:
            return method(*args)
        except libvirt.libvirtError as error:
            raise LibvirtDriverError(reason=error.get_error_message()) \
                from error


@dataclasses.dataclass
class _Boot:
    """How a guest's first disk boots: direct kernel boot (kernel, an
    optional ramdisk, the command line) or, without a kernel, from the
    disk's boot sector."""
    kernel: str | None = None
    ramdisk: str | None = None
    cmdline: str | None = None
    guest_agent: bool = False


def _true(value):
    return str(value or "").strip().lower() in ("true", "1", "yes", "on",
                                                 "y", "t")


def _checked_format(instance_uuid, image_id, image_meta, info):
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
        raise driver.SpawnFailed(
            instance_uuid=instance_uuid,
            reason="image %s cannot be used: %s" % (image_id, reason))
    return found


def _hostname_word(name):
    cleaned = "".join(char for char in (name or "").lower()
                      if char.isascii() and (char.isalnum() or char in "-."))
    return cleaned.strip("-.")[:63] or "guest"


def _wants_config_drive(instance):
    return _true(instance.config_drive)


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


SNAPSHOT_CHUNK_BYTES = 1 << 20


def _read_and_remove(path):
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(SNAPSHOT_CHUNK_BYTES):
                yield chunk
    finally:
        os.unlink(path)
