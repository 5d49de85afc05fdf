"""Client side of the compute RPC API: what the control plane asks of one
compute host, on topic ``compute`` addressed to the host (the queue
``compute.<host>``).

Versions (bump the minor version for every change, add a line here):

* 1.0 - build_and_run_instance, terminate_instance, get_host_uptime
* 1.1 - server actions: reboot_instance, stop_instance, start_instance,
  pause_instance, unpause_instance, suspend_instance, resume_instance,
  rescue_instance, unrescue_instance, trigger_crash_dump,
  set_admin_password (call), inject_network_info, get_console_output
  (call), snapshot_instance, backup_instance, rebuild_instance,
  soft_delete_instance, restore_instance
* 1.2 - get_serial_console, get_vnc_console, attach_interface,
  detach_interface
* 1.3 - moves, called by the conductor one step at a time: prep_resize
  (destination), resize_instance (source), finish_resize (destination),
  confirm_resize (source), revert_resize (destination),
  finish_revert_resize (source)
* 1.4 - shelve_instance, shelve_offload_instance, unshelve_instance;
  live migration, called by the conductor one step at a time:
  check_can_live_migrate_destination, pre_live_migration,
  post_live_migration_at_destination and
  rollback_live_migration_at_destination (destination), live_migration
  (source, for as long as the copy takes); live_migration_force_complete
  and live_migration_abort (casts to the source); evacuate_instance
  (the destination rebuilds a server whose host is down, a call)
* 1.5 - cache_images: fetch images into the host's image cache (a cast,
  for an aggregate's pre-caching, 2.81)
* 1.6 - get_in_flight (call): which of these servers' work the compute
  holds (received and not finished); the conductor's check sends again
  or settles what a live compute does not hold
* 1.7 - arguments the compute never read are no longer sent:
  build_and_run_instance's selection, finish_resize's flavor,
  rebuild_instance's preserve_ephemeral, live_migration_force_complete's
  and live_migration_abort's migration (a 1.7 compute still accepts them
  from older clients; an older compute is sent None for them)
* 1.8 - get_instance_diagnostics (call): a running guest's diagnostics;
  external_instance_event (cast): events of other services
  (os-server-external-events) for servers on the host
* 1.9 - external_instance_event goes to the topic ``compute_events``
  (the host's RPC server of its own for events), so that an event
  reaches a host whose workers all wait for events (builds waiting for
  network-vif-plugged); sent on ``compute`` to older computes
* 1.10 - attach_interface takes port_id (a port of the network service
  the server takes) and fixed_ip (the address of its new port)
* 1.11 - volumes: reserve_block_device_name (call: the compute picks the
  guest's device name and stores the volume's block device mapping),
  attach_volume, detach_volume, swap_volume, extend_volume (casts)
* 1.12 - rebuild_instance takes reimage_boot_volume (2.93: a
  volume-backed server's root volume is reimaged, even with the image
  it has); a rebuild that needs it is refused (ComputeTooOld) while
  [upgrade_levels] compute caps the version below 1.12
* 1.13 - build_and_run_instance takes without_volumes (True: the server
  has no volume mapping, so the compute does not ask the conductor for
  its block device mappings: one call less per boot); not sent while
  [upgrade_levels] compute caps the version below 1.13

``[upgrade_levels] compute`` caps the version this client sends, and
back-levels the objects it sends, so a newer control plane keeps talking
to computes that are not upgraded yet (``auto``: from the computes'
service versions, see stratus/upgrade_pins.py).
"""
import logging

import oslo_messaging

from stratus import exception
from stratus import upgrade_pins

LOG = logging.getLogger(__name__)

VERSION = "1.13"
VOLUME_VERSION = "1.11"
REIMAGE_VERSION = "1.12"
WITHOUT_VOLUMES_VERSION = "1.13"
TOPIC = "compute"
EVENTS_TOPIC = "compute_events"


# In stratus.exception so that it crosses RPC as itself (a conductor's
# checks raise it to the API).
ComputeServiceUnavailable = exception.ComputeServiceUnavailable


class ComputeAPI:
    """Messages to a host go through its cell's transport (see
    stratus.rpc CellTransports) when the Messaging has its cells bound."""

    def __init__(self, messaging):
        self._messaging = messaging
        self.client, self.events_client = self._clients_on(messaging)
        # transport URL -> (client, events client) of another cell's.
        self._cell_clients = {}

    @staticmethod
    def _clients_on(messaging):
        return (messaging.client(TOPIC, VERSION, pin=upgrade_pins.COMPUTE),
                messaging.client(EVENTS_TOPIC, VERSION,
                                 pin=upgrade_pins.COMPUTE))

    def _clients_for(self, host):
        """(client, events client) on the transport of host's cell."""
        target = self._messaging.for_host(host)
        if target.url == self._messaging.url:
            return self.client, self.events_client
        clients = self._cell_clients.get(target.url)
        if clients is None:
            clients = self._cell_clients.setdefault(
                target.url, self._clients_on(target))
        return clients

    def _client(self, host, version, **options):
        return self._clients_for(host)[0].prepare(server=host,
                                                  version=version, **options)

    def _unread(self, version, **unread):
        """(the version to send, the arguments to add): 1.7 and none;
        while [upgrade_levels] compute caps the version below 1.7,
        version and the arguments unread, which computes before 1.7
        require and never read."""
        if self.client.can_send_version("1.7"):
            return "1.7", {}
        return version, unread

    def build_and_run_instance(self, ctx, host, instance, request_spec,
                               alternates, admin_password, injected_files,
                               without_volumes=False):
        """without_volumes: see 1.13 (sent when true and the compute
        takes it)."""
        version, unread = self._unread("1.0", selection=None)
        if without_volumes and self.client.can_send_version(
                WITHOUT_VOLUMES_VERSION):
            version, unread = WITHOUT_VOLUMES_VERSION, {
                "without_volumes": True}
        self._client(host, version).cast(
            ctx, "build_and_run_instance", instance=instance,
            request_spec=request_spec, alternates=alternates,
            admin_password=admin_password, injected_files=injected_files,
            **unread)

    def terminate_instance(self, ctx, instance):
        self._client(instance.host, "1.0").cast(
            ctx, "terminate_instance", instance=instance)

    def get_host_uptime(self, ctx, host):
        """The `uptime` line of the host; ComputeServiceUnavailable when
        the compute service does not answer."""
        try:
            return self._client(host, "1.0").call(ctx, "get_host_uptime")
        except oslo_messaging.MessagingTimeout:
            raise ComputeServiceUnavailable(host=host)

    def get_in_flight(self, ctx, host, instance_uuids, timeout):
        """The uuids among instance_uuids whose work (a build, a delete,
        an action) the compute of host holds; None when it cannot tell:
        it does not answer within timeout seconds, or runs a version
        older than 1.6."""
        if not self.client.can_send_version("1.6"):
            return None
        try:
            return self._client(
                host, "1.6", timeout=timeout, retry=1).call(
                ctx, "get_in_flight", instance_uuids=list(instance_uuids))
        except oslo_messaging.MessagingException as exc:
            LOG.info("Compute %s did not say what it holds: %s", host,
                     exc.__class__.__name__)
            return None

    # Server actions (1.1) ---------------------------------------------

    def check_can_send_actions(self, version="1.1"):
        """exception.ComputeTooOld (409) while [upgrade_levels] compute caps the
        version below what an action needs (the server actions' 1.1 unless
        given), checked before the action sets its task_state."""
        if not self.client.can_send_version(version):
            raise exception.ComputeTooOld(version=version)

    def _actions_client(self, host, version="1.1"):
        self.check_can_send_actions()
        return self._client(host, version)

    def _cast(self, ctx, instance, method, version="1.1", **kwargs):
        self._actions_client(instance.host, version).cast(
            ctx, method, instance=instance, **kwargs)

    def reboot_instance(self, ctx, instance, reboot_type):
        self._cast(ctx, instance, "reboot_instance", reboot_type=reboot_type)

    def stop_instance(self, ctx, instance):
        self._cast(ctx, instance, "stop_instance")

    def start_instance(self, ctx, instance):
        self._cast(ctx, instance, "start_instance")

    def pause_instance(self, ctx, instance):
        self._cast(ctx, instance, "pause_instance")

    def unpause_instance(self, ctx, instance):
        self._cast(ctx, instance, "unpause_instance")

    def suspend_instance(self, ctx, instance):
        self._cast(ctx, instance, "suspend_instance")

    def resume_instance(self, ctx, instance):
        self._cast(ctx, instance, "resume_instance")

    def rescue_instance(self, ctx, instance, rescue_password,
                        rescue_image_ref):
        self._cast(ctx, instance, "rescue_instance",
                   rescue_password=rescue_password,
                   rescue_image_ref=rescue_image_ref)

    def unrescue_instance(self, ctx, instance):
        self._cast(ctx, instance, "unrescue_instance")

    def trigger_crash_dump(self, ctx, instance):
        self._cast(ctx, instance, "trigger_crash_dump")

    def inject_network_info(self, ctx, instance):
        self._cast(ctx, instance, "inject_network_info")

    def snapshot_instance(self, ctx, instance, image_id):
        self._cast(ctx, instance, "snapshot_instance", image_id=image_id)

    def backup_instance(self, ctx, instance, image_id, backup_type,
                        rotation):
        self._cast(ctx, instance, "backup_instance", image_id=image_id,
                   backup_type=backup_type, rotation=rotation)

    def rebuild_instance(self, ctx, instance, image_ref, new_pass,
                         preserve_ephemeral, reimage_boot_volume=False):
        """preserve_ephemeral: only for computes before 1.7 (none reads
        it); reimage_boot_volume (1.12): the root volume of a
        volume-backed server is reimaged (its caller checked
        check_can_send_actions(REIMAGE_VERSION))."""
        if reimage_boot_volume:
            self.check_can_send_actions(REIMAGE_VERSION)
            self._cast(ctx, instance, "rebuild_instance", REIMAGE_VERSION,
                       image_ref=image_ref, new_pass=new_pass,
                       reimage_boot_volume=True)
            return
        version, unread = self._unread(
            "1.1", preserve_ephemeral=preserve_ephemeral)
        self._cast(ctx, instance, "rebuild_instance", version,
                   image_ref=image_ref, new_pass=new_pass, **unread)

    def soft_delete_instance(self, ctx, instance):
        self._cast(ctx, instance, "soft_delete_instance")

    def restore_instance(self, ctx, instance):
        self._cast(ctx, instance, "restore_instance")

    def _call(self, ctx, instance, method, **kwargs):
        try:
            return self._actions_client(instance.host).call(
                ctx, method, instance=instance, **kwargs)
        except oslo_messaging.MessagingTimeout:
            raise ComputeServiceUnavailable(host=instance.host)

    def set_admin_password(self, ctx, instance, new_pass):
        """Waits for the compute: InstancePasswordSetFailed or
        ActionNotSupportedByDriver come back as themselves."""
        return self._call(ctx, instance, "set_admin_password",
                          new_pass=new_pass)

    def get_console_output(self, ctx, instance, tail_length):
        return self._call(ctx, instance, "get_console_output",
                          tail_length=tail_length)

    # Consoles and interfaces (1.2) ---------------------------------

    def get_serial_console(self, ctx, instance):
        """The ConsoleConnection of the guest's serial console."""
        return self._console(ctx, instance, "get_serial_console")

    def get_vnc_console(self, ctx, instance):
        """The ConsoleConnection of the guest's VNC server."""
        return self._console(ctx, instance, "get_vnc_console")

    def _console(self, ctx, instance, method):
        try:
            return self._client(instance.host, "1.2").call(
                ctx, method, instance=instance)
        except oslo_messaging.MessagingTimeout:
            raise ComputeServiceUnavailable(host=instance.host)

    def attach_interface(self, ctx, instance, network_id=None, port_id=None,
                         fixed_ip=None):
        """Plug a new port on network_id (None: the host's network), or
        the port port_id, into the guest; the new VIF (network_info
        entry). A port or a fixed IP needs 1.10 (ComputeTooOld)."""
        version, extra = "1.2", {}
        if port_id is not None or fixed_ip is not None:
            self.check_can_send_actions("1.10")
            version, extra = "1.10", {"port_id": port_id,
                                      "fixed_ip": fixed_ip}
        return self._client(instance.host, version).call(
            ctx, "attach_interface", instance=instance,
            network_id=network_id, **extra)

    def detach_interface(self, ctx, instance, port_id):
        self._client(instance.host, "1.2").call(
            ctx, "detach_interface", instance=instance, port_id=port_id)

    # Shelve (1.4) ----------------------------------------------------

    def _cast_1_4(self, ctx, host, method, instance, version="1.4",
                  **kwargs):
        self.check_can_send_actions("1.4")
        self._client(host, version).cast(ctx, method, instance=instance,
                                         **kwargs)

    def shelve_instance(self, ctx, instance, image_id):
        """Power off, snapshot into image_id, SHELVED (and offloaded at
        once when [DEFAULT] shelved_offload_time is 0)."""
        self._cast_1_4(ctx, instance.host, "shelve_instance", instance,
                       image_id=image_id)

    def shelve_offload_instance(self, ctx, instance):
        """Remove the shelved server's guest and free its resources."""
        self._cast_1_4(ctx, instance.host, "shelve_offload_instance",
                       instance)

    def unshelve_instance(self, ctx, host, instance, image_meta,
                          request_spec):
        """Power on a SHELVED server's guest, or spawn a SHELVED_OFFLOADED
        one on host (already claimed) from image_meta (its shelved
        snapshot)."""
        self._cast_1_4(ctx, host, "unshelve_instance", instance,
                       image_meta=image_meta, request_spec=request_spec)
    # Moves (1.3) ---------------------------------------------------------
    #
    # Calls: the conductor task waits for each step, so that a failure
    # comes back to the one place that rolls the move back.

    def check_can_send_moves(self):
        """exception.ComputeTooOld (409) while [upgrade_levels] compute caps the
        version below the moves."""
        if not self.client.can_send_version("1.3"):
            raise exception.ComputeTooOld(version="1.3")

    def _move_call(self, ctx, host, method, version="1.3", **kwargs):
        try:
            return self._client(host, version).call(ctx, method, **kwargs)
        except oslo_messaging.MessagingTimeout:
            raise ComputeServiceUnavailable(host=host)

    def prep_resize(self, ctx, host, instance, migration, flavor):
        """On the destination: can it take the server with flavor."""
        return self._move_call(ctx, host, "prep_resize", instance=instance,
                               migration=migration, flavor=flavor)

    def resize_instance(self, ctx, host, instance, migration, flavor):
        """On the source: power off and hand the disk over; the
        disk_info for finish_resize."""
        return self._move_call(ctx, host, "resize_instance",
                               instance=instance, migration=migration,
                               flavor=flavor)

    def finish_resize(self, ctx, host, instance, migration, disk_info,
                      power_on):
        """On the destination: build the guest (with the new flavor
        applied to instance); its power state."""
        version, unread = self._unread("1.3", flavor=None)
        return self._move_call(ctx, host, "finish_resize", version,
                               instance=instance, migration=migration,
                               disk_info=disk_info, power_on=power_on,
                               **unread)

    def confirm_resize(self, ctx, host, instance, migration):
        """On the source: drop what it kept for a revert."""
        return self._move_call(ctx, host, "confirm_resize",
                               instance=instance, migration=migration)

    def revert_resize(self, ctx, host, instance, migration):
        """On the destination: drop the guest a move built there."""
        return self._move_call(ctx, host, "revert_resize",
                               instance=instance, migration=migration)

    def finish_revert_resize(self, ctx, host, instance, migration,
                             power_on):
        """On the source: bring the kept guest back; its power state."""
        return self._move_call(ctx, host, "finish_revert_resize",
                               instance=instance, migration=migration,
                               power_on=power_on)

    # Live migration (1.4) ----------------------------------------------

    def _live_call(self, ctx, host, method, timeout=None, **kwargs):
        self.check_can_send_actions("1.4")
        try:
            return self._client(host, "1.4").prepare(timeout=timeout).call(
                ctx, method, **kwargs)
        except oslo_messaging.MessagingTimeout:
            raise ComputeServiceUnavailable(host=host)

    def check_can_live_migrate_destination(self, ctx, host, instance,
                                           migration, block_migration):
        """On the destination: the block_migration to use (None asks for
        'auto'); MigrationPreCheckError when it cannot take the guest."""
        return self._live_call(ctx, host,
                               "check_can_live_migrate_destination",
                               instance=instance, migration=migration,
                               block_migration=block_migration)

    def pre_live_migration(self, ctx, host, instance, migration,
                           block_migration):
        return self._live_call(ctx, host, "pre_live_migration",
                               instance=instance, migration=migration,
                               block_migration=block_migration)

    def live_migration(self, ctx, instance, migration, block_migration,
                       timeout):
        """On the source: copy the guest to migration.dest_compute,
        returning once it has left (timeout: seconds to wait)."""
        return self._live_call(ctx, instance.host, "live_migration",
                               timeout=timeout, instance=instance,
                               migration=migration,
                               block_migration=block_migration)

    def post_live_migration_at_destination(self, ctx, host, instance,
                                           migration, power_state):
        """On the destination: the guest runs there; its power state."""
        return self._live_call(ctx, host,
                               "post_live_migration_at_destination",
                               instance=instance, migration=migration,
                               power_state=power_state)

    def rollback_live_migration_at_destination(self, ctx, host, instance,
                                               migration):
        return self._live_call(ctx, host,
                               "rollback_live_migration_at_destination",
                               instance=instance, migration=migration)

    def live_migration_force_complete(self, ctx, instance, migration):
        """migration: only for computes before 1.7 (the compute acts on
        the server's running copy)."""
        version, unread = self._unread("1.4", migration=migration)
        self._cast_1_4(ctx, instance.host, "live_migration_force_complete",
                       instance, version, **unread)

    def live_migration_abort(self, ctx, instance, migration):
        """migration: only for computes before 1.7 (as force complete)."""
        version, unread = self._unread("1.4", migration=migration)
        self._cast_1_4(ctx, instance.host, "live_migration_abort", instance,
                       version, **unread)

    # Evacuate (1.4) ------------------------------------------------------

    def evacuate_instance(self, ctx, host, instance, migration,
                          admin_password, power_on):
        """On the destination: build the guest of a server whose host is
        down from its image; [its power state, its network_info (JSON)]."""
        return self._live_call(ctx, host, "evacuate_instance",
                               instance=instance, migration=migration,
                               admin_password=admin_password,
                               power_on=power_on)

    def can_cache_images(self):
        return self.client.can_send_version("1.5")

    def cache_images(self, ctx, host, image_ids):
        self._client(host, "1.5").cast(ctx, "cache_images",
                                       image_ids=image_ids)

    # Diagnostics and external events (1.8) ------------------------------

    def get_instance_diagnostics(self, ctx, instance):
        """The guest's diagnostics (stratus.virt.diagnostics); the
        compute's InstanceInvalidState (a guest not running) and
        NotImplementedError (a driver without diagnostics) come back as
        themselves."""
        try:
            return self._client(instance.host, "1.8").call(
                ctx, "get_instance_diagnostics", instance=instance)
        except oslo_messaging.MessagingTimeout:
            raise ComputeServiceUnavailable(host=instance.host)

    def can_send_external_events(self):
        return self.client.can_send_version("1.8")

    def external_instance_event(self, ctx, host, instances, events):
        """Hand events (dicts: server_uuid, name, status, tag) about
        these servers to their host (1.9: on its events topic)."""
        client = (self._clients_for(host)[1].prepare(server=host,
                                                     version="1.9")
                  if self.client.can_send_version("1.9")
                  else self._client(host, "1.8"))
        client.cast(ctx, "external_instance_event", instances=instances,
                    events=events)

    # Volumes (1.11) -----------------------------------------------------

    def check_can_send_volumes(self):
        """ComputeTooOld (409) while [upgrade_levels] compute caps the
        version below 1.11."""
        self.check_can_send_actions(VOLUME_VERSION)

    def reserve_block_device_name(self, ctx, instance, device, volume_id,
                                  tag=None, multiattach=False,
                                  delete_on_termination=False):
        """Waits for the compute: it picks the guest's device name for
        volume_id (device: the one asked for, or None) and stores the
        volume's BlockDeviceMapping (no attachment yet); that mapping.
        InvalidVolume (already attached), InstanceNotFound come back as
        themselves."""
        self.check_can_send_volumes()
        try:
            return self._client(instance.host, VOLUME_VERSION).call(
                ctx, "reserve_block_device_name", instance=instance,
                device=device, volume_id=volume_id, tag=tag,
                multiattach=multiattach,
                delete_on_termination=delete_on_termination)
        except oslo_messaging.MessagingTimeout:
            raise ComputeServiceUnavailable(host=instance.host)

    def attach_volume(self, ctx, instance, bdm):
        """Connect the reserved volume of bdm (its attachment_id set) to
        the guest and complete its attachment; on failure the attachment
        is deleted and bdm destroyed."""
        self.check_can_send_volumes()
        self._client(instance.host, VOLUME_VERSION).cast(
            ctx, "attach_volume", instance=instance, bdm=bdm)

    def detach_volume(self, ctx, instance, volume_id, attachment_id=None):
        """Disconnect volume_id from the guest, delete its attachment and
        its mapping."""
        self.check_can_send_volumes()
        self._client(instance.host, VOLUME_VERSION).cast(
            ctx, "detach_volume", instance=instance, volume_id=volume_id,
            attachment_id=attachment_id)

    def swap_volume(self, ctx, instance, old_volume_id, new_volume_id,
                    new_attachment_id):
        """Move the guest's disk from old_volume_id to new_volume_id
        (new_attachment_id reserved by the API)."""
        self.check_can_send_volumes()
        self._client(instance.host, VOLUME_VERSION).cast(
            ctx, "swap_volume", instance=instance,
            old_volume_id=old_volume_id, new_volume_id=new_volume_id,
            new_attachment_id=new_attachment_id)

    def extend_volume(self, ctx, instance, volume_id):
        """Grow the guest's disk of volume_id to the volume's new size
        (the volume-extended event)."""
        self.check_can_send_volumes()
        self._client(instance.host, VOLUME_VERSION).cast(
            ctx, "extend_volume", instance=instance, volume_id=volume_id)
