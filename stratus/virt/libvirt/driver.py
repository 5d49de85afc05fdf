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

This module holds the connection, the guest lifecycle and the small
capabilities; the others are one module each, as ``stratus.virt.driver``
groups them: ``power``, ``consoles``, ``diagnostics``, ``snapshots``,
``rescue``, ``moves``
(Migratable), ``volumes`` (VolumeAttach), and ``guest_setup`` makes a guest's disk and definition for
a spawn, a rescue and a move.
"""
import os
import shutil
import stat
import subprocess
import threading

from stratus import exception
from stratus.objects import fields
from stratus.virt import driver
from stratus.virt.libvirt import binding
from stratus.exception import LibvirtDriverError
from stratus.virt.libvirt.binding import libvirt
from stratus.virt.libvirt import consoles
from stratus.virt.libvirt import diagnostics
from stratus.virt.libvirt import guest_setup
from stratus.virt.libvirt import guest_xml
from stratus.virt.libvirt import host as host_info
from stratus.virt.libvirt import imagecache
from stratus.virt.libvirt import moves
from stratus.virt.libvirt import power
from stratus.virt.libvirt import rescue
from stratus.virt.libvirt import snapshots
from stratus.virt.libvirt import vif as vif_plug
from stratus.virt.libvirt import volumes

PowerState = fields.PowerState

DEFAULT_URI = "qemu:///system"
DEFAULT_INSTANCES_PATH = "/var/lib/stratus/instances"


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


class LibvirtDriver(driver.ComputeDriver, guest_setup.GuestSetupMixin,
                    power.PowerMixin, consoles.ConsolesMixin,
                    snapshots.SnapshotsMixin, rescue.RescueMixin,
                    moves.MovesMixin, driver.InterfaceHotplug,
                    driver.CrashDump, driver.NetworkInjection,
                    driver.AdminPassword, driver.HostUptime,
                    driver.ImageCache, driver.PortAgent,
                    diagnostics.DiagnosticsMixin, volumes.VolumesMixin):
    name = "libvirt"
    # What guest_setup.checked_format lets QEMU open, and the devices
    # guest_xml gives a guest (virtio disk and NICs, a SATA config drive
    # cdrom).
    image_types = frozenset(["raw", "qcow2"])
    guest_devices = frozenset([
        "COMPUTE_STORAGE_BUS_VIRTIO", "COMPUTE_STORAGE_BUS_SATA",
        "COMPUTE_NET_VIF_MODEL_VIRTIO"])
    # Raw file volumes are shareable; blockResize grows a volume in use.
    volume_multiattach = True
    volume_extend = True

    def __init__(self, conf, host, image_api=None):
        if libvirt is None:
            raise exception.DriverNotAvailable(
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

    def console_log_path(self, instance_uuid):
        return os.path.join(self.instance_dir(instance_uuid), "console.log")

    # ComputeDriver ----------------------------------------------------

    def init_host(self, host):
        if self.virt_type == "kvm":
            problem = host_info.kvm_problem()
            if problem:
                raise exception.DriverNotAvailable(
                    driver="libvirt", reason="virt_type = kvm, but %s; use "
                    "virt_type = qemu" % problem)
        if self.image_api is None:
            raise exception.DriverNotAvailable(
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
                raise exception.DriverNotAvailable(
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
              admin_password, network_info, block_device_info=None):
        try:
            config = self._prepare_guest(ctx, instance, image_meta,
                                         network_info, admin_password,
                                         block_device_info)
            xml = guest_xml.domain_xml(config)
            guest_xml.assert_safe(xml)
            vif_plug.ensure_bridges(network_info)
            domain = self.connection.defineXML(xml)
            domain.create()
        except exception.SpawnFailed:
            raise
        except libvirt.libvirtError as error:
            raise exception.SpawnFailed(instance_uuid=instance.uuid,
                                     reason=error.get_error_message()) \
                from error
        except (exception.StratusException, OSError, ValueError) as error:
            reason = (error.format_message()
                      if isinstance(error, exception.StratusException)
                      else str(error))
            raise exception.SpawnFailed(instance_uuid=instance.uuid,
                                     reason=reason) from error

    def destroy(self, ctx, instance, network_info=None,
                block_device_info=None):
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

    # The small capabilities (the others: one module each) -------------

    def plugged_ports(self, instance, network_info):
        """The guest's ports whose taps QEMU put on their bridges."""
        return vif_plug.plugged_ports(network_info)

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
        if method == "attachDeviceFlags":
            vif_plug.ensure_bridges([vif])
        self._call(getattr(domain, method), guest_xml.interface_xml(vif),
                   flags)

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
        if not guest_setup.is_true(properties.get("hw_qemu_guest_agent")):
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

    # Helpers ----------------------------------------------------------

    _call = staticmethod(binding.call)
