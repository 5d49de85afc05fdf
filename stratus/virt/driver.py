"""The virt driver interface, as small capability interfaces.

Every driver derives from ``ComputeDriver``: it names the hypervisor nodes
it manages, reports their resources, and starts (``spawn``) and removes
(``destroy``) guests. Everything else is a capability a driver declares
by also deriving from its interface (``PowerControl``, ``Pausable``,
``Suspendable``, ``ConsoleOutput``, ``Rescuable``, ``CrashDump``,
``AdminPassword``, ``Snapshot``, ``NetworkInjection``, ``Migratable``,
``LiveMigratable``, ``HostUptime``, ``Diagnostics``,
``GuestRecovery``, ``SimulatedNetworking``). A rebuild is a destroy and
a spawn, which every driver has. The compute manager asks ``supports(driver,
Interface)`` before using one.

``load_driver(conf, host)`` builds the driver named by
``[DEFAULT] compute_driver``.
"""
import abc
import dataclasses

from stratus import exception


@dataclasses.dataclass(frozen=True, slots=True)
class NodeResources:
    """What one hypervisor node has, as the driver sees it."""
    nodename: str
    vcpus: int
    memory_mb: int
    local_gb: int
    hypervisor_type: str
    hypervisor_version: int
    cpu_info: str
    host_ip: str | None
    # (architecture, hypervisor type, vm mode) guests this node can run.
    supported_instances: tuple = ()
    # Nova's monitor metrics: ({"name", "value", "source"}, ...), e.g.
    # cpu.percent as a fraction of the node's CPU time in use.
    metrics: tuple = ()


class ComputeDriver(abc.ABC):
    """What every driver does: nodes, resources, guest lifecycle."""

    name = None
    # Guest features without operations of their own, reported to
    # placement as traits with the capability interfaces'
    # (stratus.compute.capability_traits): disk formats the driver boots
    # (COMPUTE_IMAGE_TYPE_*), buses and device models guests can have
    # (os-traits names), tags on a guest's devices, trusted image
    # certificates, rescue of volume-backed servers.
    image_types = frozenset()
    guest_devices = frozenset()
    device_tagging = False
    trusted_certs = False
    volume_backed_rescue = False
    # With VolumeAttach: one volume attached to several guests at once
    # (COMPUTE_VOLUME_MULTI_ATTACH), a volume grown while attached
    # (COMPUTE_VOLUME_EXTEND).
    volume_multiattach = False
    volume_extend = False

    @abc.abstractmethod
    def init_host(self, host):
        """Prepare the hypervisor connection when the service starts."""

    def cleanup_host(self, host):  # noqa: B027 - optional, a no-op by default
        """Release what the driver holds when the service stops (guests
        keep running, as when a real compute service stops)."""

    @abc.abstractmethod
    def node_resources(self):
        """A NodeResources per hypervisor node this service manages."""

    @abc.abstractmethod
    def list_instance_uuids(self):
        """UUIDs of the guests that exist on this host."""

    @abc.abstractmethod
    def get_power_state(self, instance):
        """The guest's PowerState; InstanceNotFound if it has no guest."""

    @abc.abstractmethod
    def spawn(self, ctx, instance, image_meta, injected_files,
              admin_password, network_info, block_device_info=None):
        """Create and start the guest; exception.SpawnFailed when it cannot.
        block_device_info: its volumes (VolumeAttach), None for none."""

    @abc.abstractmethod
    def destroy(self, ctx, instance, network_info=None,
                block_device_info=None):
        """Remove the guest. Removing a guest that is gone is not an
        error, so cleanups may call this more than once. The volumes of
        block_device_info are let go (their files stay)."""


class PowerControl(abc.ABC):
    @abc.abstractmethod
    def power_off(self, instance, timeout=0):
        """Stop the guest (gracefully within timeout seconds, if > 0)."""

    @abc.abstractmethod
    def power_on(self, ctx, instance, network_info, block_device_info=None):
        """Start a stopped guest (with the volumes of block_device_info;
        None: those it had)."""

    @abc.abstractmethod
    def reboot(self, ctx, instance, network_info, reboot_type,
               block_device_info=None):
        """Restart the guest; reboot_type is 'SOFT' or 'HARD' (a HARD
        reboot remakes it with the volumes of block_device_info)."""


class Pausable(abc.ABC):
    @abc.abstractmethod
    def pause(self, instance):
        """Freeze the guest in memory."""

    @abc.abstractmethod
    def unpause(self, instance):
        """Let a paused guest run again."""


class Suspendable(abc.ABC):
    @abc.abstractmethod
    def suspend(self, ctx, instance):
        """Save the guest's memory to disk and stop it."""

    @abc.abstractmethod
    def resume(self, ctx, instance, network_info, block_device_info=None):
        """Bring a suspended guest back."""


class ConsoleOutput(abc.ABC):
    @abc.abstractmethod
    def get_console_output(self, ctx, instance):
        """The guest's serial console log, as text."""


class Rescuable(abc.ABC):
    @abc.abstractmethod
    def rescue(self, ctx, instance, network_info, image_meta,
               rescue_password, block_device_info=None):
        """Boot the guest from a rescue image, its own disk attached."""

    @abc.abstractmethod
    def unrescue(self, ctx, instance):
        """Boot the guest from its own disk again."""


class CrashDump(abc.ABC):
    @abc.abstractmethod
    def trigger_crash_dump(self, instance):
        """Send the guest a non-maskable interrupt (it may dump and
        reboot)."""


class AdminPassword(abc.ABC):
    @abc.abstractmethod
    def set_admin_password(self, instance, new_pass):
        """Set the administrator password inside the running guest."""


class Snapshot(abc.ABC):
    @abc.abstractmethod
    def snapshot(self, ctx, instance):
        """The guest's root disk as image data (bytes, or an iterable of
        bytes)."""


class NetworkInjection(abc.ABC):
    @abc.abstractmethod
    def inject_network_info(self, instance, network_info):
        """Write the network configuration into the guest again."""


class RemoteConsoles(abc.ABC):
    """Consoles reachable over TCP on the compute host, for the console
    proxies. Both answer a ConsoleConnection, or raise
    ConsoleTypeUnavailable when the guest has no such console."""

    @abc.abstractmethod
    def get_serial_console(self, instance):
        """Where the guest's serial console listens (raw TCP)."""

    @abc.abstractmethod
    def get_vnc_console(self, instance):
        """Where the guest's VNC server listens."""


class InterfaceHotplug(abc.ABC):
    @abc.abstractmethod
    def attach_interface(self, instance, vif):
        """Plug one more NIC (a network_info VIF) into the running guest."""

    @abc.abstractmethod
    def detach_interface(self, instance, vif):
        """Unplug one of the guest's NICs."""


class VolumeAttach(abc.ABC):
    """Volumes of the block storage service on the host (docs/volumes.md).

    ``connection_info`` is what the block storage service's attachment
    update answered for this host's connector: ``{"driver_volume_type":
    ..., "data": {...}}``. The built-in service answers
    ``driver_volume_type`` ``file`` with ``data`` ``{"device_path": <an
    absolute path on this host>, "format": "raw" | "qcow2", "access_mode":
    "rw" | "ro", "multiattach": bool, "volume_id": ...}``; a driver refuses
    a type it cannot attach with exception.VolumeDriverNotFound.

    ``block_device_info`` (spawn and the calls that make a guest anew take
    it as a keyword, None for none) is Nova's: ``{"root_device_name",
    "block_device_mapping": [{"connection_info", "mount_device",
    "boot_index", "disk_bus", "device_type", "delete_on_termination",
    "attachment_id", "volume_id"}]}``; a mapping with boot_index 0 is the
    guest's root disk (a volume-backed server has no local root disk).

    Mountpoints are ``/dev/vdX`` (``vdX`` is taken too); the device name
    a guest's kernel gives a hot-plugged disk may differ (identify a
    volume in the guest by its serial, the volume id). Drivers that
    attach volumes set ``volume_multiattach`` / ``volume_extend`` when
    they can (placement traits).
    """

    @abc.abstractmethod
    def get_volume_connector(self, instance):
        """This host's connector for attachment updates: ``{"host",
        "ip", "platform", "os_type", "multipath", "do_local_attach"}``,
        plus ``"initiator"`` where the host has an iSCSI initiator (the
        fake driver simulates one; libvirt's file volumes need none)."""

    @abc.abstractmethod
    def attach_volume(self, ctx, instance, connection_info, mountpoint,
                      disk_bus=None, device_type=None):
        """Plug the volume into the guest at mountpoint (/dev/vdb ...),
        hot when it runs; exception.VolumeAttachFailed when it cannot
        (nothing is left plugged)."""

    @abc.abstractmethod
    def detach_volume(self, ctx, instance, connection_info, mountpoint):
        """Unplug the volume; a volume the guest does not have is not an
        error. exception.VolumeDetachFailed when the guest keeps it."""

    @abc.abstractmethod
    def swap_volume(self, ctx, instance, old_connection_info,
                    new_connection_info, mountpoint, resize_to):
        """Copy the guest's disk at mountpoint to the new volume and go on
        with the new one (resize_to: its size in GiB, 0 to keep)."""

    @abc.abstractmethod
    def extend_volume(self, ctx, instance, connection_info, requested_size):
        """Tell the guest its volume grew to requested_size bytes."""


LiveMigrationAborted = exception.LiveMigrationAborted


class LiveMigratable(abc.ABC):
    """Live migration: the guest keeps running while its memory (and, for
    a block migration, its disk) is copied to another host. The conductor
    drives the calls (stratus/conductor/tasks/live_migrate.py): the
    destination's check and preparation, the source's copy, then the
    destination's post step, or its rollback after a failure."""

    @abc.abstractmethod
    def check_can_live_migrate_destination(self, ctx, instance,
                                           block_migration):
        """On the destination: raise MigrationPreCheckError when this
        host cannot take the guest; the block_migration to use (None
        asks for Nova's 'auto': a block migration unless the hosts share
        the instance storage)."""

    @abc.abstractmethod
    def pre_live_migration(self, ctx, instance, block_migration,
                           network_info, block_device_info=None):
        """On the destination: prepare to receive the guest (and its
        volumes, block_device_info)."""

    @abc.abstractmethod
    def live_migration(self, ctx, instance, dest, block_migration,
                       progress):
        """On the source: copy the running guest to dest, calling
        progress(memory_total, memory_processed, memory_remaining,
        disk_total, disk_processed, disk_remaining) (bytes) as it goes.
        When it returns the guest has left this host. LiveMigrationAborted
        after live_migration_abort; any failure leaves the guest here."""

    @abc.abstractmethod
    def live_migration_force_complete(self, instance):
        """Finish the running live migration of the guest now (Nova
        pauses the guest so that its memory stops changing)."""

    @abc.abstractmethod
    def live_migration_abort(self, instance):
        """Stop the running live migration of the guest; it stays here."""

    @abc.abstractmethod
    def post_live_migration_at_destination(self, ctx, instance,
                                           network_info, power_state,
                                           block_device_info=None):
        """On the destination: the arrived guest runs on (in power_state,
        the one it had on the source)."""

    @abc.abstractmethod
    def rollback_live_migration_at_destination(self, ctx, instance,
                                               network_info):
        """On the destination after a failure: drop what
        pre_live_migration prepared (and any part of the guest that
        arrived)."""
class Migratable(abc.ABC):
    """Cold moves (resize, cold migration): the source hands the guest's
    disk over powered off and keeps it until the move is confirmed (or
    restarts from it on a revert); the destination builds the guest from
    what the source handed over. The conductor drives the calls
    (stratus/conductor/tasks/migrate.py)."""

    @abc.abstractmethod
    def prepare_migration_target(self, ctx, instance, flavor):
        """On the destination, before anything moves: raise if this host
        cannot take the guest with flavor."""

    @abc.abstractmethod
    def migrate_disk_and_power_off(self, ctx, instance, dest_host, flavor,
                                   network_info, block_device_info=None):
        """On the source: power the guest off and hand its disk to
        dest_host (resized to flavor); the disk_info (a string) the
        destination's finish_migration gets. The source keeps what a
        revert needs. Raises ResizeError when the disk cannot be resized
        (Nova's drivers cannot shrink one)."""

    @abc.abstractmethod
    def finish_migration(self, ctx, migration, instance, disk_info,
                         network_info, image_meta, resize_instance,
                         power_on, block_device_info=None):
        """On the destination: build the guest from disk_info with the
        instance's (new) flavor, running if power_on."""

    @abc.abstractmethod
    def confirm_migration(self, ctx, migration, instance, network_info):
        """On the source, once the move is confirmed: drop what it kept."""

    @abc.abstractmethod
    def finish_revert_migration(self, ctx, instance, network_info,
                                migration, power_on, block_device_info=None):
        """On the source, when the move is reverted or rolled back: bring
        back the guest it kept (with the instance's old flavor), running
        if power_on."""


class HostUptime(abc.ABC):
    @abc.abstractmethod
    def get_host_uptime(self):
        """The host's uptime in the format of the `uptime` command."""


class Diagnostics(abc.ABC):
    """Drivers that can measure a running guest (server diagnostics)."""

    @abc.abstractmethod
    def get_instance_diagnostics(self, instance):
        """The running guest's figures, as stratus.virt.diagnostics.build
        makes them (Nova's standard diagnostics, and the device names
        the 2.1 shape keys its figures by)."""


class ImageCache(abc.ABC):
    """Drivers that keep images on the host for their spawns: they can
    fetch one ahead of time (an aggregate's pre-caching, 2.81)."""

    @abc.abstractmethod
    def cache_image(self, ctx, image_id):
        """Have image_id in the host's cache: True if it was fetched now,
        False if it was there already."""


class GuestRecovery(abc.ABC):
    """For drivers whose guests live only in the compute process (the
    fake driver): after a restart they rebuild their guests from the
    instances the database places on this host, as a real hypervisor's
    guests would have outlived the compute service."""

    @abc.abstractmethod
    def recover_guests(self, instances):
        """Recreate the guests of these instances, in their power state."""


class SimulatedNetworking(abc.ABC):
    """For drivers that simulate a network (the fake driver): they give a
    guest an address in Nova's network_info shape without any network
    service behind it."""

    @abc.abstractmethod
    def allocate_network(self, instance):
        """The network_info (a list of VIF dicts) for a new guest."""

    @abc.abstractmethod
    def allocate_port(self, instance):
        """One more VIF for a guest's interface attach."""


class PortAgent(abc.ABC):
    """For drivers that plug the network service's ports on their host
    themselves, as a Neutron L2 agent does (the fake driver simulates
    it): the compute reports the ports they plugged to the built-in
    network service, which sends network-vif-plugged."""

    @abc.abstractmethod
    def plugged_ports(self, instance, network_info):
        """Ids of the guest's ports that are plugged on this host."""


CAPABILITIES = {
    "power": PowerControl,
    "pause": Pausable,
    "suspend": Suspendable,
    "console": ConsoleOutput,
    "rescue": Rescuable,
    "crash_dump": CrashDump,
    "admin_password": AdminPassword,
    "snapshot": Snapshot,
    "network_injection": NetworkInjection,
    "remote_consoles": RemoteConsoles,
    "interface_hotplug": InterfaceHotplug,
    "live_migration": LiveMigratable,
    "migrate": Migratable,
    "uptime": HostUptime,
    "diagnostics": Diagnostics,
    "image_cache": ImageCache,
    "guest_recovery": GuestRecovery,
    "simulated_networking": SimulatedNetworking,
    "port_agent": PortAgent,
    "volume_attach": VolumeAttach,
}

def capabilities(driver):
    """The names of the capability interfaces a driver implements."""
    return sorted(name for name, interface in CAPABILITIES.items()
                  if isinstance(driver, interface))


def supports(driver, interface):
    return isinstance(driver, interface)
