"""The fake driver: hypervisor nodes and guests simulated in memory.

No processes, no files: a guest is a small record holding its power state
and a console log, so one process can simulate thousands of nodes.

Node names: a service simulating one node names it after its host (a
real hypervisor's node is its host); with ``[fake_driver] nodes = N > 1``
they are ``<host>-node1`` ... ``<host>-nodeN``. Names stay unique across
compute services, as placement's resource provider names must.

Every node has ``[fake_driver] vcpus``, ``memory_mb`` and ``local_gb``.
``spawn_delay`` makes spawns take that long; servers whose name matches
``fail_spawn_name_regex`` fail to spawn with the error a real hypervisor
gives when it cannot start a guest. ``fail_operations`` (or
``inject_failure`` from a test) make named operations (``reboot``,
``power_off``, ``snapshot``, ``migrate_disk_and_power_off``, ...) fail
the same way. Networking is simulated too: a guest
gets a private IPv4 address derived from its UUID (see
``allocate_network``), with no network service behind it.
"""
import datetime
import ipaddress
import json
import os
import re
import threading
import time
import uuid

from stratus import exception
from stratus.network import model as network_model
from stratus.objects import fields
from stratus.virt import driver
from stratus.virt.fake import diagnostics as fake_diagnostics
from stratus.virt.fake import serial_console
from stratus.virt.fake import volumes as fake_volumes

PowerState = fields.PowerState

SIMULATED_NETWORK_ID = "5e0b1c3d-57a5-4e6f-9f1e-0d15ea5e0001"
SIMULATED_SUBNET = ipaddress.ip_network("10.0.0.0/8")
SIMULATED_GATEWAY = "10.0.0.1"
CONSOLE_LINES_KEPT = 200
SOURCE = "fake.FakeDriver"
CPU_FREQUENCY_MHZ = 2400


def node_names(host, count):
    if count == 1:
        return [host]
    return ["%s-node%d" % (host, index) for index in range(1, count + 1)]


class FakeGuest:
    __slots__ = ("uuid", "name", "node", "power_state", "console", "vcpus",
                 "rescued", "admin_password", "image_ref", "started",
                 "volumes", "root_volume")

    def __init__(self, instance_uuid, name, node, power_state, vcpus=0,
                 image_ref=None):
        self.uuid = instance_uuid
        self.name = name
        self.node = node
        self.power_state = power_state
        self.console = []
        self.vcpus = vcpus
        self.rescued = False
        self.admin_password = None
        self.image_ref = image_ref
        self.started = time.time()
        # device name -> volume record (fake.volumes); the root volume's
        # id when the guest boots from a volume.
        self.volumes = {}
        self.root_volume = None

    def log(self, *lines):
        self.console.extend(lines)
        del self.console[:-CONSOLE_LINES_KEPT]


class _Outgoing:
    """The control of a live migration leaving this host."""

    def __init__(self):
        self.aborted = self.forced = False
        self.wake = threading.Event()

    def force(self):
        self.forced = True
        self.wake.set()

    def abort(self):
        self.aborted = True
        self.wake.set()


# What a hypervisor says when an operation fails, by operation.
_FAILURE_REASONS = {
    "snapshot": "internal error: unable to execute QEMU command "
                "'blockdev-backup': disk is busy",
}
_DEFAULT_FAILURE_REASON = ("internal error: qemu unexpectedly closed the "
                           "monitor")


class FakeDriver(driver.ComputeDriver, driver.PowerControl, driver.Pausable,
                 driver.Suspendable, driver.ConsoleOutput, driver.Rescuable,
                 driver.CrashDump, driver.AdminPassword, driver.Snapshot,
                 driver.NetworkInjection, driver.HostUptime,
                 driver.GuestRecovery, driver.SimulatedNetworking,
                 driver.RemoteConsoles, driver.InterfaceHotplug,
                 driver.Migratable, driver.LiveMigratable,
                 driver.ImageCache, driver.PortAgent,
                 fake_diagnostics.DiagnosticsMixin,
                 fake_volumes.VolumesMixin):
    name = "fake"
    # A KVM host's formats and devices, as far as the scheduler can tell.
    image_types = frozenset(["raw", "qcow2", "iso", "aki", "ari", "ami"])
    guest_devices = frozenset([
        "COMPUTE_STORAGE_BUS_VIRTIO", "COMPUTE_STORAGE_BUS_SATA",
        "COMPUTE_STORAGE_BUS_SCSI", "COMPUTE_STORAGE_BUS_IDE",
        "COMPUTE_STORAGE_BUS_USB", "COMPUTE_NET_VIF_MODEL_VIRTIO",
        "COMPUTE_NET_VIF_MODEL_E1000", "COMPUTE_NET_VIF_MODEL_E1000E",
        "COMPUTE_NET_VIF_MODEL_RTL8139", "COMPUTE_NET_VIF_MODEL_NE2K_PCI",
        "COMPUTE_NET_VIF_MODEL_PCNET", "COMPUTE_GRAPHICS_MODEL_CIRRUS",
        "COMPUTE_GRAPHICS_MODEL_VGA", "COMPUTE_GRAPHICS_MODEL_VIRTIO",
        "COMPUTE_GRAPHICS_MODEL_QXL", "COMPUTE_GRAPHICS_MODEL_BOCHS",
        "COMPUTE_GRAPHICS_MODEL_NONE"])
    device_tagging = True
    trusted_certs = True
    volume_backed_rescue = True
    volume_multiattach = True
    volume_extend = True

    def __init__(self, conf, host):
        options = conf.fake_driver
        self.host = host
        self._nodes = node_names(host, options.nodes)
        self._node_set = frozenset(self._nodes)
        self._vcpus = options.vcpus
        self._memory_mb = options.memory_mb
        self._local_gb = options.local_gb
        self._hypervisor_type = options.hypervisor_type
        self._hypervisor_version = options.hypervisor_version
        self._host_ip = conf.my_ip
        self._serial = conf.serial_console
        # Serial consoles opened so far, by instance uuid (see
        # serial_console: started on first use).
        self._serial_consoles = {}
        # The image ids this host has cached (pre-caching, 2.81).
        self.cached_images = set()
        self._spawn_delay = options.spawn_delay
        pattern = options.fail_spawn_name_regex
        self._fail_spawn = re.compile(pattern) if pattern else None
        self._cpu_info = json.dumps({
            "arch": "x86_64", "model": "Nehalem", "vendor": "Intel",
            "topology": {"sockets": 1, "cores": self._vcpus, "threads": 1},
            "features": ["pge", "clflush", "sse2", "vmx"]})
        hv_type = self._hypervisor_type.lower()
        self._supported_instances = (("x86_64", hv_type, "hvm"),
                                     ("i686", hv_type, "hvm"))
        self._guests = {}
        # Live migrations: guests arriving here (prepared, not running
        # yet), and the control of each one leaving.
        self._incoming = {}
        self._outgoing = {}
        self._held = {}
        self._releases = {}
        self._live_migration_steps = options.live_migration_steps
        # Guests whose disk a move handed to another host (or to a new
        # guest here), kept powered off until confirm or revert.
        self._migrated_out = {}
        self._idle = None
        self._lock = threading.Lock()
        # operation -> instance uuids that fail it (None: every instance)
        self._failures = {name: {None} for name in options.fail_operations}
        self._booted_at = time.time()

    # ComputeDriver ----------------------------------------------------

    def init_host(self, host):
        self._booted_at = time.time()

    def cleanup_host(self, host):
        with self._lock:
            consoles = list(self._serial_consoles.values())
            self._serial_consoles.clear()
        for console in consoles:
            console.stop()

    def node_resources(self):
        busy = {}
        with self._lock:
            for guest in self._guests.values():
                if guest.power_state == PowerState.RUNNING:
                    busy[guest.node] = busy.get(guest.node, 0) + guest.vcpus
        # Idle nodes are the same every time: built once, so a host
        # simulating tens of thousands of nodes reports them cheaply.
        if self._idle is None:
            self._idle = [self._resources(name, 0) for name in self._nodes]
        if not busy:
            return list(self._idle)
        return [self._resources(idle.nodename, busy[idle.nodename])
                if busy.get(idle.nodename) else idle for idle in self._idle]

    def _resources(self, name, busy_vcpus):
        return driver.NodeResources(
            nodename=name, vcpus=self._vcpus, memory_mb=self._memory_mb,
            local_gb=self._local_gb, hypervisor_type=self._hypervisor_type,
            hypervisor_version=self._hypervisor_version,
            cpu_info=self._cpu_info, host_ip=self._host_ip,
            supported_instances=self._supported_instances,
            metrics=self._metrics(busy_vcpus))

    def _metrics(self, busy_vcpus):
        """Nova's CPU monitor metrics, as if every running guest kept its
        vCPUs busy (overcommitted nodes saturate at 100%)."""
        used = min(1.0, busy_vcpus / float(self._vcpus))
        return tuple({"name": name, "value": value, "source": SOURCE}
                     for name, value in (
                         ("cpu.frequency", CPU_FREQUENCY_MHZ),
                         ("cpu.percent", used),
                         ("cpu.user.percent", used),
                         ("cpu.kernel.percent", 0.0),
                         ("cpu.idle.percent", 1.0 - used),
                         ("cpu.iowait.percent", 0.0)))

    def list_instance_uuids(self):
        with self._lock:
            return list(self._guests)

    def get_power_state(self, instance):
        return self._guest(instance).power_state

    def spawn(self, ctx, instance, image_meta, injected_files,
              admin_password, network_info, block_device_info=None):
        if self._spawn_delay:
            time.sleep(self._spawn_delay)
        name = instance.display_name or ""
        if self._fail_spawn is not None and self._fail_spawn.search(name):
            raise exception.SpawnFailed(
                instance_uuid=instance.uuid,
                reason="internal error: qemu unexpectedly closed the "
                       "monitor: cannot set up guest memory 'pc.ram': "
                       "Cannot allocate memory")
        node = instance.node if instance.node in self._node_set \
            else self._nodes[0]
        self._maybe_fail("spawn", instance)
        guest = FakeGuest(instance.uuid, name, node, PowerState.RUNNING,
                          instance.get("vcpus") or 0,
                          image_ref=instance.get("image_ref"))
        guest.admin_password = admin_password
        try:
            self._remake(guest, block_device_info)
        except exception.VolumeDriverNotFound as error:
            raise exception.SpawnFailed(instance_uuid=instance.uuid,
                                        reason=str(error)) from error
        if guest.root_volume is not None:
            guest.image_ref = None
        guest.log(*self._boot_log(instance, network_info, guest))
        with self._lock:
            self._guests[instance.uuid] = guest

    def destroy(self, ctx, instance, network_info=None,
                block_device_info=None):
        self._maybe_fail("destroy", instance)
        with self._lock:
            self._guests.pop(instance.uuid, None)
        self._close_serial_console(instance.uuid)

    # Capabilities -----------------------------------------------------

    def power_off(self, instance, timeout=0):
        self._maybe_fail("power_off", instance)
        guest = self._guest(instance)
        with self._lock:
            if guest.power_state != PowerState.SHUTDOWN:
                guest.power_state = PowerState.SHUTDOWN
                guest.log("reboot: Power down")

    def power_on(self, ctx, instance, network_info, block_device_info=None):
        self._maybe_fail("power_on", instance)
        guest = self._guest(instance)
        with self._lock:
            self._remake(guest, block_device_info)
            if guest.power_state != PowerState.RUNNING:
                guest.power_state = PowerState.RUNNING
                guest.log(*self._boot_log(instance, network_info, guest))

    def reboot(self, ctx, instance, network_info, reboot_type,
               block_device_info=None):
        self._maybe_fail("reboot", instance)
        guest = self._guest(instance)
        with self._lock:
            if reboot_type != "SOFT":
                self._remake(guest, block_device_info)
            guest.power_state = PowerState.RUNNING
            guest.log("reboot: Restarting system" if reboot_type == "SOFT"
                      else "(hard reset)",
                      *self._boot_log(instance, network_info, guest))

    def pause(self, instance):
        self._maybe_fail("pause", instance)
        self._transition(instance, PowerState.RUNNING, PowerState.PAUSED,
                         "pause")

    def unpause(self, instance):
        self._maybe_fail("unpause", instance)
        self._transition(instance, PowerState.PAUSED, PowerState.RUNNING,
                         "unpause")

    def suspend(self, ctx, instance):
        self._maybe_fail("suspend", instance)
        self._transition(instance, PowerState.RUNNING, PowerState.SUSPENDED,
                         "suspend", "PM: suspend entry (deep)")

    def resume(self, ctx, instance, network_info, block_device_info=None):
        self._maybe_fail("resume", instance)
        with self._lock:
            self._remake(self._guest(instance), block_device_info)
        self._transition(instance, PowerState.SUSPENDED, PowerState.RUNNING,
                         "resume", "PM: suspend exit")

    def get_console_output(self, ctx, instance):
        self._maybe_fail("get_console_output", instance)
        guest = self._guest(instance)
        return "\n".join(guest.console) + "\n"

    def rescue(self, ctx, instance, network_info, image_meta,
               rescue_password, block_device_info=None):
        self._maybe_fail("rescue", instance)
        guest = self._guest(instance)
        with self._lock:
            self._remake(guest, block_device_info)
            guest.rescued = True
            guest.power_state = PowerState.RUNNING
            guest.admin_password = rescue_password
            guest.log("Booting the rescue image %s; the server's disk is "
                      "/dev/vdb" % (image_meta.get("id") or "(default)"),
                      *self._boot_log(instance, network_info, guest))

    def unrescue(self, ctx, instance):
        self._maybe_fail("unrescue", instance)
        guest = self._guest(instance)
        with self._lock:
            guest.rescued = False
            guest.power_state = PowerState.RUNNING
            guest.log("reboot: Restarting system from the server's disk",
                      *self._boot_log(instance, self._network(instance),
                                      guest))

    def trigger_crash_dump(self, instance):
        self._maybe_fail("trigger_crash_dump", instance)
        guest = self._guest(instance)
        with self._lock:
            guest.log("Uhhuh. NMI received for unknown reason 3d on CPU 0.",
                      "Kernel panic - not syncing: NMI: Not continuing",
                      "kdump: saving vmcore to /var/crash")

    def set_admin_password(self, instance, new_pass):
        self._maybe_fail("set_admin_password", instance)
        guest = self._guest(instance)
        with self._lock:
            if guest.power_state != PowerState.RUNNING:
                raise exception.InstanceInvalidState(
                    action="set_admin_password", instance_uuid=instance.uuid,
                    attr="power_state",
                    state=PowerState.NAMES.get(guest.power_state))
            guest.admin_password = new_pass
            guest.log("qemu-ga: guest-set-user-password: root")

    def snapshot(self, ctx, instance):
        """A small image blob that names what it is a snapshot of."""
        self._maybe_fail("snapshot", instance)
        guest = self._guest(instance)
        header = json.dumps({"fake_disk_of": instance.uuid,
                             "image_ref": guest.image_ref,
                             "console_lines": len(guest.console)},
                            sort_keys=True)
        return ("STRATUS-FAKE-DISK\n%s\n" % header).encode("utf-8")

    def inject_network_info(self, instance, network_info):
        self._maybe_fail("inject_network_info", instance)
        guest = self._guest(instance)
        with self._lock:
            guest.log(*["network: configured %s" % ip["address"]
                        for vif in network_info or ()
                        for subnet in vif["network"]["subnets"]
                        for ip in subnet["ips"]] or ["network: no ports"])

    # Live migration (LiveMigratable) -------------------------------------
    #
    # The destination prepares an incoming guest (not yet one of its
    # guests); the source copies memory (and disk for a block migration)
    # in [fake_driver] live_migration_steps steps, reporting progress
    # after each, then drops its guest; the destination's post step makes
    # the incoming guest one of its own, in the power state it had. A test
    # may hold a migration after its first step (hold_live_migration) to
    # see its progress, force it to complete or abort it.

    def check_can_live_migrate_destination(self, ctx, instance,
                                           block_migration):
        self._maybe_fail("check_can_live_migrate_destination", instance)
        if instance.uuid in self._guests:
            raise exception.MigrationPreCheckError(
                reason="the guest already runs on %s" % self.host)
        # No shared instance storage between fake hosts: 'auto' means a
        # block migration.
        return True if block_migration is None else block_migration

    def pre_live_migration(self, ctx, instance, block_migration,
                           network_info, block_device_info=None):
        if self._held.get(instance.uuid) == "pre":
            self._waiting(instance.uuid).wait(60)
        self._maybe_fail("pre_live_migration", instance)
        node = instance.node if instance.node in self._node_set \
            else self._nodes[0]
        guest = FakeGuest(instance.uuid, instance.display_name or "", node,
                          PowerState.PAUSED, instance.get("vcpus") or 0,
                          image_ref=instance.get("image_ref"))
        self._remake(guest, block_device_info)
        guest.log("migration: incoming from %s%s" % (
            instance.host, " (block migration)" if block_migration else ""))
        with self._lock:
            self._incoming[instance.uuid] = guest

    def live_migration(self, ctx, instance, dest, block_migration,
                       progress):
        self._maybe_fail("live_migration", instance)
        guest = self._guest(instance)
        control = _Outgoing()
        with self._lock:
            self._outgoing[instance.uuid] = control
        try:
            self._copy(instance, block_migration, progress, control)
            with self._lock:
                self._guests.pop(instance.uuid, None)
            self._close_serial_console(instance.uuid)
            guest.log("migration: guest sent to %s" % dest)
        finally:
            with self._lock:
                self._outgoing.pop(instance.uuid, None)

    def _copy(self, instance, block_migration, progress, control):
        steps = self._live_migration_steps
        memory = (instance.memory_mb or 0) * 1024 * 1024
        disk = ((instance.root_gb or 0) * 1024 ** 3 if block_migration
                else 0)
        for step in range(1, steps + 1):
            if control.aborted:
                raise driver.LiveMigrationAborted(
                    instance_uuid=instance.uuid)
            if control.forced:
                step = steps
            progress(memory, memory * step // steps,
                     memory - memory * step // steps, disk,
                     disk * step // steps, disk - disk * step // steps)
            if step == steps:
                return
            if step == 1 and self._held.get(instance.uuid) == "copy":
                # Held for a test: until it is released, forced or
                # aborted (at most a minute).
                control.wake.wait(60)
            self._maybe_fail("live_migration_step", instance)

    def live_migration_force_complete(self, instance):
        self._maybe_fail("live_migration_force_complete", instance)
        self._control(instance).force()

    def live_migration_abort(self, instance):
        self._maybe_fail("live_migration_abort", instance)
        self._control(instance).abort()

    def _control(self, instance):
        control = self._outgoing.get(instance.uuid)
        if control is None:
            raise exception.MigrationError(
                reason="no live migration of %s runs on %s"
                % (instance.uuid, self.host))
        return control

    def post_live_migration_at_destination(self, ctx, instance,
                                           network_info, power_state,
                                           block_device_info=None):
        self._maybe_fail("post_live_migration_at_destination", instance)
        with self._lock:
            guest = self._incoming.pop(instance.uuid, None)
            if guest is None:
                raise exception.InstanceNotFound(instance_id=instance.uuid)
            self._remake(guest, block_device_info)
            guest.power_state = power_state
            guest.log("migration: running on %s" % self.host)
            self._guests[instance.uuid] = guest

    def rollback_live_migration_at_destination(self, ctx, instance,
                                               network_info):
        with self._lock:
            self._incoming.pop(instance.uuid, None)

    def hold_live_migration(self, instance_uuid, stage="copy"):
        """Stop live migrations of the guest until release_live_migration
        (tests): at "copy", after the source's first step (a force
        complete or an abort also ends the wait); at "pre", before the
        destination prepares."""
        with self._lock:
            self._held[instance_uuid] = stage
            self._releases.setdefault(instance_uuid, threading.Event())

    def release_live_migration(self, instance_uuid):
        with self._lock:
            self._held.pop(instance_uuid, None)
            control = self._outgoing.get(instance_uuid)
            release = self._releases.pop(instance_uuid, None)
        if control is not None:
            control.wake.set()
        if release is not None:
            release.set()

    def _waiting(self, instance_uuid):
        with self._lock:
            return self._releases.setdefault(instance_uuid,
                                             threading.Event())

    def incoming_guest(self, instance_uuid):
        """A guest a live migration is bringing here (tests), or None."""
        return self._incoming.get(instance_uuid)
    # Moves (Migratable) ---------------------------------------------------
    #
    # The source powers its guest off and sets it aside (no longer one of
    # the host's guests, as a real hypervisor's resized-away domain) until
    # confirm drops it or a revert brings it back; the "disk" handed over
    # is a JSON document naming what the guest was, from which the
    # destination builds its guest.

    def prepare_migration_target(self, ctx, instance, flavor):
        self._maybe_fail("prepare_migration_target", instance)
        if flavor.vcpus > self._vcpus or flavor.memory_mb > self._memory_mb:
            raise exception.MigrationError(
                reason="flavor %s does not fit on host %s" % (
                    flavor.name, self.host))

    def migrate_disk_and_power_off(self, ctx, instance, dest_host, flavor,
                                   network_info, block_device_info=None):
        self._maybe_fail("migrate_disk_and_power_off", instance)
        guest = self._guest(instance)
        if flavor.root_gb < (instance.root_gb or 0):
            raise exception.ResizeError(reason="Unable to resize disk down.")
        with self._lock:
            guest.power_state = PowerState.SHUTDOWN
            guest.log("reboot: Power down",
                      "migration: disk sent to %s" % dest_host)
            self._migrated_out[instance.uuid] = self._guests.pop(
                instance.uuid)
        self._close_serial_console(instance.uuid)
        return json.dumps({"image_ref": guest.image_ref,
                           "admin_password": guest.admin_password,
                           "source": self.host, "root_gb": flavor.root_gb,
                           "console": guest.console[-20:]}, sort_keys=True)

    def finish_migration(self, ctx, migration, instance, disk_info,
                         network_info, image_meta, resize_instance,
                         power_on, block_device_info=None):
        self._maybe_fail("finish_migration", instance)
        disk = json.loads(disk_info)
        node = instance.node if instance.node in self._node_set \
            else self._nodes[0]
        guest = FakeGuest(instance.uuid, instance.display_name or "", node,
                          PowerState.RUNNING if power_on
                          else PowerState.SHUTDOWN,
                          instance.get("vcpus") or 0,
                          image_ref=disk.get("image_ref"))
        guest.admin_password = disk.get("admin_password")
        self._remake(guest, block_device_info)
        guest.log(*disk.get("console", []))
        guest.log("migration: disk received from %s%s" % (
            disk.get("source"), " (resized to %s GB)" % disk.get("root_gb")
            if resize_instance else ""))
        if power_on:
            guest.log(*self._boot_log(instance, network_info, guest))
        with self._lock:
            self._guests[instance.uuid] = guest

    def confirm_migration(self, ctx, migration, instance, network_info):
        self._maybe_fail("confirm_migration", instance)
        with self._lock:
            self._migrated_out.pop(instance.uuid, None)

    def finish_revert_migration(self, ctx, instance, network_info,
                                migration, power_on, block_device_info=None):
        self._maybe_fail("finish_revert_migration", instance)
        with self._lock:
            guest = self._migrated_out.pop(instance.uuid, None)
            if guest is None:
                # The move failed before the disk went: still here.
                guest = self._guests.get(instance.uuid)
            if guest is None:
                raise exception.InstanceNotFound(instance_id=instance.uuid)
            self._guests[instance.uuid] = guest
            self._remake(guest, block_device_info)
            guest.vcpus = instance.get("vcpus") or guest.vcpus
            guest.log("migration: back on %s" % self.host)
            if power_on and guest.power_state != PowerState.RUNNING:
                guest.power_state = PowerState.RUNNING
                guest.log(*self._boot_log(instance, network_info, guest))

    def migrated_guest(self, instance_uuid):
        """A guest set aside by a move (for tests), or None."""
        return self._migrated_out.get(instance_uuid)

    # Failure injection and simulated guest behaviour --------------------

    def inject_failure(self, operation, instance_uuid=None):
        """Make operation fail, for one instance or (None) all of them."""
        with self._lock:
            self._failures.setdefault(operation, set()).add(instance_uuid)

    def clear_failures(self):
        with self._lock:
            self._failures = {}
            held, self._held = list(self._held), {}
        for instance_uuid in held:
            self.release_live_migration(instance_uuid)

    def guest_shuts_down(self, instance_uuid):
        """The guest powers itself off (a shutdown inside it)."""
        with self._lock:
            guest = self._guests[instance_uuid]
            guest.power_state = PowerState.SHUTDOWN
            guest.log("reboot: Power down")

    def guest(self, instance_uuid):
        """The simulated guest (for tests), or None."""
        return self._guests.get(instance_uuid)

    def cache_image(self, ctx, image_id):
        with self._lock:
            fetched = image_id not in self.cached_images
            self.cached_images.add(image_id)
        return fetched

    def get_host_uptime(self):
        now = time.time()
        up = datetime.timedelta(seconds=int(now - self._booted_at))
        hours, rest = divmod(up.seconds, 3600)
        minutes = rest // 60
        if up.days:
            since = "%d day%s, %2d:%02d" % (
                up.days, "" if up.days == 1 else "s", hours, minutes)
        elif hours:
            since = "%2d:%02d" % (hours, minutes)
        else:
            since = "%d min" % minutes
        load = os.getloadavg()
        return " %s up %s,  0 users,  load average: %.2f, %.2f, %.2f" % (
            time.strftime("%H:%M:%S", time.localtime(now)), since, *load)

    def recover_guests(self, instances):
        with self._lock:
            for instance in instances:
                if instance.uuid in self._guests or not instance.power_state:
                    continue
                node = instance.node if instance.node in self._node_set \
                    else self._nodes[0]
                self._guests[instance.uuid] = FakeGuest(
                    instance.uuid, instance.display_name or "", node,
                    instance.power_state, instance.get("vcpus") or 0)

    def allocate_network(self, instance):
        """One port on the simulated network 'private', its address and MAC
        derived from the instance UUID: stable across restarts, and two
        servers sharing an address is improbable and harmless."""
        return self._simulated_vif(instance, instance.uuid)

    def allocate_port(self, instance):
        return self._simulated_vif(instance, str(uuid.uuid4()))[0]

    def plugged_ports(self, instance, network_info):
        """Every port, as an agent would plug it at once; none when the
        failure ``plug_vifs`` is injected (the ports are never plugged,
        so the build waits out vif_plugging_timeout)."""
        failing = self._failures.get("plug_vifs")
        if failing and (None in failing or instance.uuid in failing):
            return []
        return [vif["id"] for vif in network_info or ()]

    def attach_interface(self, instance, vif):
        self._guest(instance).log("eth: %s attached" % vif["address"])

    def detach_interface(self, instance, vif):
        self._guest(instance).log("eth: %s detached" % vif["address"])

    def _simulated_vif(self, instance, seed):
        number = uuid.UUID(seed).int
        offset = 2 + number % (SIMULATED_SUBNET.num_addresses - 3)
        address = str(SIMULATED_SUBNET.network_address + offset)
        mac = "fa:16:3e:%02x:%02x:%02x" % tuple(
            (number >> shift) & 0xFF for shift in (16, 8, 0))
        port_id = str(uuid.uuid5(uuid.UUID(seed), "port"))
        return [network_model.bridge_vif(
            port_id, mac, address, SIMULATED_NETWORK_ID, "br-fake",
            "private", str(SIMULATED_SUBNET), SIMULATED_GATEWAY,
            instance.project_id)]

    def get_serial_console(self, instance):
        """The guest's simulated serial port (serial_console), opened on
        first use on [serial_console] proxyclient_address."""
        from stratus.objects import console_connection
        guest = self._guest(instance)
        with self._lock:
            console = self._serial_consoles.get(instance.uuid)
            if console is None:
                console = serial_console.SerialConsole(
                    self._serial.proxyclient_address,
                    self._serial.port_range, uuid.UUID(instance.uuid).int,
                    instance.hostname or guest.name or "guest",
                    self._console_logger(guest))
                self._serial_consoles[instance.uuid] = console
        return console_connection.ConsoleConnection(
            console_type="serial", host=console.host, port=console.port,
            internal_access_path=None)

    def _console_logger(self, guest):
        def log(*lines):
            with self._lock:
                guest.log(*lines)
        return log

    def _close_serial_console(self, instance_uuid):
        with self._lock:
            console = self._serial_consoles.pop(instance_uuid, None)
        if console is not None:
            console.stop()

    def get_vnc_console(self, instance):
        return self._console(instance, "novnc", 5900)

    def _console(self, instance, console_type, base_port):
        """A well-formed connection nothing listens on (no simulated VNC
        display): the port is derived from the guest's UUID."""
        from stratus.objects import console_connection
        self._guest(instance)
        return console_connection.ConsoleConnection(
            console_type=console_type, host="127.0.0.1",
            port=base_port + uuid.UUID(instance.uuid).int % 1000,
            internal_access_path=None)

    # Helpers ----------------------------------------------------------

    def _maybe_fail(self, operation, instance):
        failing = self._failures.get(operation)
        if failing and (None in failing or instance.uuid in failing):
            raise exception.InjectedFailure(operation=operation, reason=_FAILURE_REASONS
                                  .get(operation, _DEFAULT_FAILURE_REASON))

    @staticmethod
    def _network(instance):
        return json.loads(instance.get("info_cache") or "[]")

    def _guest(self, instance):
        guest = self._guests.get(instance.uuid)
        if guest is None:
            raise exception.InstanceNotFound(instance_id=instance.uuid)
        return guest

    def _transition(self, instance, from_state, to_state, action, *lines):
        guest = self._guest(instance)
        with self._lock:
            if guest.power_state != from_state:
                raise exception.InstanceInvalidState(
                    action=action, instance_uuid=instance.uuid,
                    attr="power_state",
                    state=PowerState.NAMES.get(guest.power_state))
            guest.power_state = to_state
            guest.log(*lines)

    @staticmethod
    def _boot_log(instance, network_info, guest=None):
        hostname = instance.hostname or instance.display_name or "guest"
        lines = ["[    0.000000] Linux version 6.1.0-fake (stratus fake "
                 "driver)",
                 "[    0.412345] Run /init as init process"]
        for name, volume in sorted((guest.volumes if guest else {}).items()):
            lines.append("virtio_blk: [%s] volume %s" % (
                name.rsplit("/", 1)[-1], volume["volume_id"]))
        for vif in network_info or ():
            for subnet in vif["network"]["subnets"]:
                for ip in subnet["ips"]:
                    lines.append("udhcpc: lease of %s obtained" % ip["address"])
        lines.append("%s login: " % hostname)
        return lines
