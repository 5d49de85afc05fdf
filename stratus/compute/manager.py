"""The compute manager: runs one host's guests through its virt driver.

It has no database: instances arrive as objects over RPC, and every
change goes back through ``ConductorAPI``. Operations on one instance
(build, terminate) run one at a time, so a delete that arrives while its
build is still spawning waits for the build and then removes the guest.

On start (``init_host``) it reconciles: an instance a crash left in a
transitional state is finished or failed, never left stuck.
"""
import contextlib
import datetime
import json
import logging
import threading
import traceback

import oslo_messaging

from stratus.compute import resource_tracker
from stratus.compute import states
from stratus.conductor import rpcapi as conductor_rpcapi
from stratus import context as stratus_context
from stratus import exception
from stratus.network import api as network_api
from stratus import notifications
from stratus.objects import base as objects_base
from stratus.objects import fields
from stratus.objects import image_meta as image_meta_obj
from stratus.objects import instance as instance_obj
from stratus.objects import instance_fault as instance_fault_obj
from stratus.objects import migration as migration_obj
from stratus.virt import driver as virt_driver

LOG = logging.getLogger(__name__)

VMState = fields.VMState
TaskState = fields.TaskState
PowerState = fields.PowerState

BUILD_EVENT = "compute_build_and_run_instance"
TERMINATE_EVENT = "compute_terminate_instance"
SUCCESS = "Success"
ERROR = "Error"
NO_NETWORKS = "none"

# Most seconds between looks for resizes to confirm automatically.
UNCONFIRMED_RESIZES_INTERVAL = 60
# Seconds between reports of the nodes whose usage builds and deletes
# changed since the last report.
CHANGED_NODES_INTERVAL = 2

BUILD_TASK_STATES = frozenset([TaskState.SCHEDULING,
                               TaskState.BLOCK_DEVICE_MAPPING,
                               TaskState.NETWORKING, TaskState.SPAWNING])
RUNNING_TASK_STATES = frozenset([TaskState.POWERING_ON, TaskState.REBOOTING,
                                 TaskState.REBOOTING_HARD,
                                 TaskState.RESTORING])
MOVE_TASK_STATES = frozenset([
    TaskState.RESIZE_PREP, TaskState.RESIZE_MIGRATING,
    TaskState.RESIZE_MIGRATED, TaskState.RESIZE_FINISH,
    TaskState.RESIZE_REVERTING, TaskState.RESIZE_CONFIRMING])
# Each move step's versioned notifications, as Nova sends them: (the
# action, the phases this step sends; ERROR goes with any of them).
_BOTH = (notifications.START, notifications.END)
MOVE_NOTIFICATIONS = {
    "compute_prep_resize": ("resize_prep", _BOTH),
    "compute_resize_instance": ("resize", _BOTH),
    "compute_finish_resize": ("resize_finish", _BOTH),
    "compute_confirm_resize": ("confirmResize", _BOTH),
    "compute_revert_resize": ("revertResize", (notifications.START,)),
    "compute_finish_revert_resize": ("revertResize", (notifications.END,)),
    # Live migration and evacuation (the conductor sends
    # instance.live_migration.* and instance.evacuate.* around them).
    "compute_check_can_live_migrate_destination": ("liveMigrate", ()),
    "compute_pre_live_migration": ("live_migration_pre", _BOTH),
    "compute_live_migration": ("liveMigrate", ()),
    "compute_post_live_migration_at_destination": (
        "live_migration_post_dest", _BOTH),
    "compute_rollback_live_migration_at_destination": (
        "live_migration_rollback_dest", _BOTH),
    "compute_rebuild_instance": ("rebuild", _BOTH),
}
STOPPING_TASK_STATES = frozenset([TaskState.POWERING_OFF,
                                  TaskState.SOFT_DELETING])
VM_STATE_BY_POWER_STATE = states.VM_STATE_BY_POWER_STATE
_GONE = (exception.InstanceNotFound,
         exception.UnexpectedDeletingTaskStateError)


class InstanceLocks:
    """One lock per instance uuid, dropped when nobody holds it."""

    def __init__(self):
        self._locks = {}
        self._guard = threading.Lock()

    @contextlib.contextmanager
    def __call__(self, instance_uuid):
        with self._guard:
            lock, users = self._locks.get(instance_uuid, (None, 0))
            lock = lock or threading.Lock()
            self._locks[instance_uuid] = (lock, users + 1)
        try:
            with lock:
                yield
        finally:
            with self._guard:
                lock, users = self._locks[instance_uuid]
                if users == 1:
                    del self._locks[instance_uuid]
                else:
                    self._locks[instance_uuid] = (lock, users - 1)

    def held(self, instance_uuid):
        return instance_uuid in self._locks


class ComputeManager:
    target = oslo_messaging.Target(version="1.6")

    def __init__(self, conf, messaging, host, driver, image_api=None):
        self.conf = conf
        self.host = host
        self.driver = driver
        # Snapshots and backups go to the image service; built on first
        # use unless given (the all-in-one hands over its in-process one).
        self.image_api = image_api
        self.network = network_api.load_network_api(conf, host)
        self.conductor = conductor_rpcapi.ConductorAPI(
            messaging, db_retry_seconds=conf.conductor.db_retry_seconds)
        self.tracker = resource_tracker.ResourceTracker(
            conf, host, driver, self.conductor)
        self._locks = InstanceLocks()
        self.notifier = notifications.Notifier(conf, messaging,
                                               "nova-compute", host)
        # Servers a move on this host is handling: their guests are not
        # orphans even while the database places them elsewhere.
        self._moving = set()
        # Set when the service stops: builds not started yet go back.
        self._stopping = threading.Event()

    # Service hooks ----------------------------------------------------

    def init_host(self):
        ctx = stratus_context.get_admin_context()
        self.driver.init_host(self.host)
        if self.network is not None:
            self.network.setup()
        self._clean_evacuated(ctx)
        instances = self.conductor.instances_on_host(ctx, self.host)
        if self.network is not None:
            self.network.deallocate_others(
                [instance.uuid for instance in instances])
        if virt_driver.supports(self.driver, virt_driver.GuestRecovery):
            self.driver.recover_guests([
                instance for instance in instances
                if instance.vm_state != VMState.BUILDING])
        for instance in instances:
            try:
                with self._locks(instance.uuid):
                    self._reconcile(ctx, instance)
            except Exception:  # noqa: BLE001 - one instance must not stop the rest
                LOG.exception("Could not reconcile instance %s on start",
                              instance.uuid)
        self.tracker.update_available_resource(ctx)

    def periodic_tasks(self):
        tasks = [(self.conf.update_resources_interval,
                  self.update_available_resource),
                 (CHANGED_NODES_INTERVAL, self.tracker.report_changed_nodes)]
        if self.conf.sync_power_state_interval > 0:
            tasks.append((self.conf.sync_power_state_interval,
                          self.sync_power_states))
        if self.conf.reclaim_instance_interval > 0:
            tasks.append((self.conf.reclaim_instance_interval,
                          self.reclaim_queued_deletes))
        if self.conf.shelved_offload_time > 0 \
                and self.conf.shelved_poll_interval > 0:
            tasks.append((self.conf.shelved_poll_interval,
                          self.offload_shelved_instances))
        if self.conf.resize_confirm_window > 0:
            tasks.append((min(self.conf.resize_confirm_window,
                              UNCONFIRMED_RESIZES_INTERVAL),
                          self.poll_unconfirmed_resizes))
        return tasks

    def poll_unconfirmed_resizes(self, ctx):
        """Have the conductor confirm the resizes to this host that
        waited longer than [DEFAULT] resize_confirm_window."""
        self.conductor.confirm_stale_resizes(
            ctx, self.host, self.conf.resize_confirm_window)

    def update_available_resource(self, ctx):
        self.tracker.update_available_resource(ctx)

    # RPC endpoints (version 1.0) ---------------------------------------

    def prepare_stop(self):
        """The service stops (Service.stop): a build that has not started
        yet is handed back to the conductor, which sends it to one of its
        alternates, instead of keeping the shutdown waiting."""
        self._stopping.set()

    def build_and_run_instance(self, ctx, instance, request_spec, selection,
                               alternates, admin_password, injected_files):
        with self._locks(instance.uuid):
            if self._stopping.is_set() and alternates:
                LOG.info("Handing the build of %s back: %s is stopping",
                         instance.uuid, self.host)
                self.conductor.reschedule_build(
                    ctx, instance, request_spec, alternates,
                    "The compute service on %s stopped before the build "
                    "started" % self.host, admin_password, injected_files)
                return
            self._build_and_run(ctx, instance, request_spec, alternates,
                                admin_password, injected_files)

    def terminate_instance(self, ctx, instance):
        with self._locks(instance.uuid):
            self._terminate(ctx, instance)

    def get_in_flight(self, ctx, instance_uuids):
        """(1.6) The servers among these whose work this compute holds."""
        return [uuid for uuid in instance_uuids if self._locks.held(uuid)]

    def get_host_uptime(self, ctx):
        if not virt_driver.supports(self.driver, virt_driver.HostUptime):
            raise NotImplementedError(
                "The %s driver does not report uptime." % self.driver.name)
        return self.driver.get_host_uptime()

    def cache_images(self, ctx, image_ids):
        """Fetch images into the driver's image cache (an aggregate's
        pre-caching): each is cached, already there, or failed (logged)."""
        if not virt_driver.supports(self.driver, virt_driver.ImageCache):
            LOG.info("The %s driver has no image cache; not caching %s",
                     self.driver.name, ", ".join(image_ids))
            return
        outcome = {"cached": 0, "existing": 0, "error": 0}
        for image_id in image_ids:
            try:
                fetched = self.driver.cache_image(ctx, image_id)
            except Exception:  # noqa: BLE001 - the other images go on
                LOG.exception("Caching image %s failed", image_id)
                outcome["error"] += 1
                continue
            outcome["cached" if fetched else "existing"] += 1
        LOG.info("Image pre-caching on %s: %s", self.host, outcome)

    def get_serial_console(self, ctx, instance):
        if not self.conf.serial_console.enabled:
            raise exception.ConsoleTypeUnavailable(console_type="serial")
        return self._remote_console(instance).get_serial_console(instance)

    def get_vnc_console(self, ctx, instance):
        if not self.conf.vnc.enabled:
            raise exception.ConsoleTypeUnavailable(console_type="novnc")
        return self._remote_console(instance).get_vnc_console(instance)

    def _remote_console(self, instance):
        if not virt_driver.supports(self.driver, virt_driver.RemoteConsoles):
            raise exception.ConsoleTypeUnavailable(
                console_type="remote (driver %s)" % self.driver.name)
        if self.driver.get_power_state(instance) != PowerState.RUNNING:
            raise exception.InstanceNotReady(instance_id=instance.uuid)
        return self.driver

    def attach_interface(self, ctx, instance, network_id=None):
        with self._locks(instance.uuid):
            self._check_hotplug(instance, "attach_interface")
            vifs = self._network_info(instance)
            known = {vif["network"]["id"] for vif in vifs}
            if self.network is not None:
                known.add(self.network.network_id)
            if network_id is not None and network_id not in known:
                raise exception.AttachNetworkNotFound(network_id=network_id)
            if self.network is not None:
                vif = self.network.allocate_port(instance)
            elif virt_driver.supports(self.driver,
                                      virt_driver.SimulatedNetworking):
                vif = self.driver.allocate_port(instance)
            else:
                raise exception.AttachNetworkNotFound(network_id=network_id)
            try:
                self.driver.attach_interface(instance, vif)
            except Exception:
                if self.network is not None:
                    self.network.deallocate_port(vif["id"])
                raise
            instance.info_cache = json.dumps(vifs + [vif])
            self.conductor.instance_save(ctx, instance)
            return vif

    def detach_interface(self, ctx, instance, port_id):
        with self._locks(instance.uuid):
            self._check_hotplug(instance, "detach_interface")
            vifs = self._network_info(instance)
            found = [vif for vif in vifs if vif["id"] == port_id]
            if not found:
                raise exception.AttachPortNotFound(port_id=port_id)
            self.driver.detach_interface(instance, found[0])
            if self.network is not None:
                self.network.deallocate_port(port_id)
            instance.info_cache = json.dumps(
                [vif for vif in vifs if vif["id"] != port_id])
            self.conductor.instance_save(ctx, instance)

    def _check_hotplug(self, instance, action):
        if not virt_driver.supports(self.driver,
                                    virt_driver.InterfaceHotplug):
            raise exception.InterfaceHotplugNotSupported(
                action=action, instance_uuid=instance.uuid,
                driver=self.driver.name)

    # Build ------------------------------------------------------------

    def _build_and_run(self, ctx, instance, request_spec, alternates,
                       admin_password, injected_files):
        uuid = instance.uuid
        instance.task_state = TaskState.SPAWNING
        instance.launched_on = self.host
        # The event's start is recorded with the save (one conductor
        # call, one transaction); when the save fails, on its own.
        try:
            instance = self.conductor.instance_save(
                ctx, instance, expected_task_state=TaskState.SCHEDULING,
                action_event=(BUILD_EVENT, conductor_rpcapi.EVENT_START,
                              self.host, None, None))
        except _GONE:
            LOG.debug("Instance %s was deleted before it was built", uuid)
            self._start_event_quietly(ctx, uuid, BUILD_EVENT)
            self._finish_event_quietly(ctx, uuid, BUILD_EVENT, ERROR)
            return
        except exception.UnexpectedTaskStateError as exc:
            LOG.warning("Not building instance %s: %s", uuid, exc)
            trace = traceback.format_exc()
            self._start_event_quietly(ctx, uuid, BUILD_EVENT)
            self._finish_event_quietly(ctx, uuid, BUILD_EVENT, ERROR, trace)
            return
        self.tracker.update_usage(instance)
        self.notifier.instance_action(ctx, instance, "create",
                                      notifications.START)

        try:
            network_info = self._allocate_network(instance, request_spec)
            self.driver.spawn(ctx, instance, request_spec.image,
                              injected_files, admin_password, network_info)
        except Exception as exc:  # noqa: BLE001 - any driver failure reschedules
            self._spawn_failed(ctx, instance, request_spec, alternates,
                               admin_password, injected_files, exc,
                               traceback.format_exc())
            return

        self.tracker.build_succeeded(instance.node)
        instance.vm_state = VMState.ACTIVE
        instance.power_state = self.driver.get_power_state(instance)
        instance.task_state = None
        instance.launched_at = objects_base.utcnow()
        instance.info_cache = json.dumps(network_info)
        try:
            self.conductor.instance_save(
                ctx, instance, expected_task_state=TaskState.SPAWNING,
                action_event=(BUILD_EVENT, conductor_rpcapi.EVENT_FINISH,
                              self.host, SUCCESS, None))
        except _GONE:
            LOG.debug("Instance %s was deleted while it spawned", uuid)
            self._destroy_guest_quietly(ctx, instance)
            self.tracker.remove_usage(instance)
            self._finish_event_quietly(ctx, uuid, BUILD_EVENT, ERROR)
            return
        self.tracker.update_usage(instance)
        self.notifier.instance_action(ctx, instance, "create",
                                      notifications.END)

    def _allocate_network(self, instance, request_spec):
        """network_info for a new guest: none when the request said
        networks 'none'; otherwise, until Stratus has a network service,
        a simulated address from drivers that simulate networking."""
        requested = request_spec.get("requested_networks") or []
        if [item.get("network_id") for item in requested] == [NO_NETWORKS]:
            return []
        return self._ports_here(instance)

    def _ports_here(self, instance):
        """Ports of this host's network for the guest (a simulated
        address with drivers that simulate networking)."""
        if self.network is not None:
            return self.network.allocate_for_instance(instance)
        if virt_driver.supports(self.driver, virt_driver.SimulatedNetworking):
            return self.driver.allocate_network(instance)
        return []

    def _network_again(self, instance):
        """The network_info of a server built again on this host: ports
        of this host's network (a simulated address with the fake
        driver), none when it had none."""
        if not self._network_info(instance):
            return []
        return self._ports_here(instance)

    def _spawn_failed(self, ctx, instance, request_spec, alternates,
                      admin_password, injected_files, exc, trace):
        reason = (exc.format_message()
                  if isinstance(exc, exception.StratusException) else str(exc))
        LOG.info("Spawn of instance %s on %s failed: %s", instance.uuid,
                 self.host, reason)
        self.notifier.instance_action(ctx, instance, "create",
                                      notifications.ERROR, exc)
        self._destroy_guest_quietly(ctx, instance)
        self.tracker.remove_usage(instance)
        self.tracker.build_failed(instance.node)
        self._finish_event_quietly(ctx, instance.uuid, BUILD_EVENT, ERROR,
                                   trace)
        self.conductor.reschedule_build(
            ctx, instance, request_spec, alternates, reason, admin_password,
            injected_files)

    # Terminate --------------------------------------------------------

    def _terminate(self, ctx, instance):
        uuid = instance.uuid
        self._start_event_quietly(ctx, uuid, TERMINATE_EVENT)
        self.notifier.instance_action(ctx, instance, "delete",
                                      notifications.START)
        try:
            self.driver.destroy(ctx, instance)
        except Exception:  # noqa: BLE001 - the instance must show the failure
            trace = traceback.format_exc()
            LOG.exception("Could not destroy the guest of instance %s", uuid)
            self._set_error(ctx, instance, TaskState.DELETING)
            self._finish_event_quietly(ctx, uuid, TERMINATE_EVENT, ERROR,
                                       trace)
            return
        self._deallocate_network_quietly(instance)
        self.tracker.remove_usage(instance)
        try:
            self.conductor.instance_destroy(ctx, instance)
        except exception.InstanceNotFound:
            LOG.debug("Instance %s was already deleted", uuid)
        self._finish_event_quietly(ctx, uuid, TERMINATE_EVENT, SUCCESS)
        if self.notifier.wanted():
            # What the conductor left in the database.
            instance.update(dict(
                vm_state=VMState.DELETED, task_state=None,
                power_state=PowerState.NOSTATE,
                terminated_at=objects_base.utcnow(),
                deleted_at=objects_base.utcnow()))
            self.notifier.instance_action(ctx, instance, "delete",
                                          notifications.END)

    # Reconciliation ---------------------------------------------------

    def _reconcile(self, ctx, instance):
        task_state = instance.task_state
        if task_state == TaskState.DELETING \
                or instance.vm_state == VMState.DELETED:
            self._terminate(ctx, instance)
        elif task_state is not None and instance.vm_state in (
                VMState.SHELVED, VMState.SHELVED_OFFLOADED):
            self._settle_shelved(ctx, instance)
        elif task_state == TaskState.SCHEDULING:
            # Never started here: its build message may still be queued
            # for this host; if it was lost, the conductor's check sends
            # it again ([conductor] build_timeout).
            LOG.info("Instance %s waits for its build", instance.uuid)
        elif instance.vm_state == VMState.BUILDING \
                or task_state in BUILD_TASK_STATES:
            self._interrupted_build(ctx, instance)
        elif task_state in MOVE_TASK_STATES:
            # The conductor task drives the move and owns its state (and
            # its allocations): it rolls back or recovers it, not us.
            LOG.info("Instance %s is being moved (%s); its conductor "
                     "settles it", instance.uuid, task_state)
            self._moving.add(instance.uuid)
        elif task_state is not None:
            self._finish_power_operation(ctx, instance)
            self._settle(ctx, instance, task_state)
        else:
            self._sync_power_state(ctx, instance)

    def _settle_shelved(self, ctx, instance):
        """Finish or undo what a restart cut short of a shelved server: an
        offload is finished; an unshelve that was spawning here is undone
        (the server offloaded again, its claim freed, with a fault); a
        SHELVED server being powered on ends as its guest is."""
        expected = [instance.task_state]
        release = False
        fault = None
        if instance.task_state == TaskState.SHELVING_OFFLOADING:
            try:
                self._offload(ctx, instance)
            except Exception as exc:  # noqa: BLE001 - stays shelved, fault
                LOG.exception("Could not offload instance %s", instance.uuid)
                fault = exc
            else:
                instance.vm_state = VMState.SHELVED_OFFLOADED
                release = True
        elif instance.vm_state == VMState.SHELVED_OFFLOADED:
            self._destroy_guest_quietly(ctx, instance)
            self.tracker.remove_usage(instance)
            instance.host = instance.node = instance.compute_id = None
            release = True
            fault = exception.StratusException(
                "Unshelve of instance %s interrupted by a restart of the "
                "compute service on %s" % (instance.uuid, self.host))
        elif self._power_state(instance) == PowerState.RUNNING:
            instance.vm_state = VMState.ACTIVE
        instance.task_state = None
        instance.power_state = self._power_state(instance)
        extra = {}
        if fault is not None:
            extra["fault"] = instance_fault_obj.InstanceFault.from_exception(
                instance.uuid, fault, host=self.host)
        self._save_quietly(ctx, instance, expected,
                           remove_allocations=release, **extra)

    def _interrupted_build(self, ctx, instance):
        """A build the restart cut short is not a failure of the build:
        the guest goes and the conductor sends the build here again (its
        claim kept); a server BUILDING with no build task ends ERROR."""
        reason = ("Build of instance %s interrupted by a restart of the "
                  "compute service on %s" % (instance.uuid, self.host))
        LOG.warning(reason)
        self._destroy_guest_quietly(ctx, instance)
        if instance.task_state in BUILD_TASK_STATES:
            self.conductor.build_interrupted(ctx, instance, reason)
        else:
            self._set_error(ctx, instance, [instance.task_state])

    def _finish_power_operation(self, ctx, instance):
        """Power the guest off or on as the interrupted operation meant
        to; other operations end in whatever state the guest is in."""
        if not virt_driver.supports(self.driver, virt_driver.PowerControl):
            return
        try:
            if instance.task_state in STOPPING_TASK_STATES:
                self.driver.power_off(instance)
            elif instance.task_state in RUNNING_TASK_STATES:
                self.driver.power_on(ctx, instance,
                                     self._network_info(instance))
        except exception.InstanceNotFound:
            LOG.warning("Instance %s has no guest on %s", instance.uuid,
                        self.host)

    def _settle(self, ctx, instance, expected_task_state):
        """End an interrupted operation in the state the guest is in."""
        power_state = self._power_state(instance)
        instance.power_state = power_state
        instance.vm_state = VM_STATE_BY_POWER_STATE.get(power_state,
                                                        VMState.ERROR)
        if expected_task_state == TaskState.SOFT_DELETING \
                and power_state == PowerState.SHUTDOWN:
            instance.vm_state = VMState.SOFT_DELETED
        instance.task_state = None
        self._save_quietly(ctx, instance, expected_task_state)

    # Power state sync -------------------------------------------------

    def sync_power_states(self, ctx):
        """Align the database with the guests, and remove guests whose
        instance is gone from this host."""
        guests = set(self.driver.list_instance_uuids())
        instances = self.conductor.instances_on_host(ctx, self.host)
        for orphan in guests - {instance.uuid for instance in instances}:
            if not self._locks.held(orphan) and orphan not in self._moving:
                LOG.info("Removing guest %s: no instance on %s owns it",
                         orphan, self.host)
                self._destroy_orphan(ctx, orphan)
        for instance in instances:
            if instance.task_state is None \
                    and not self._locks.held(instance.uuid):
                self._sync_power_state(ctx, instance)

    def _sync_power_state(self, ctx, instance):
        power_state = self._power_state(instance)
        vm_state = instance.vm_state
        if vm_state in (VMState.ACTIVE, VMState.PAUSED) \
                and power_state in (PowerState.SHUTDOWN, PowerState.CRASHED):
            LOG.info("Instance %s stopped outside Stratus", instance.uuid)
            instance.vm_state = VMState.STOPPED
        elif vm_state in (VMState.STOPPED, VMState.SOFT_DELETED) \
                and power_state in (
                PowerState.RUNNING, PowerState.PAUSED, PowerState.SUSPENDED):
            LOG.info("Instance %s runs while stopped; powering it off",
                     instance.uuid)
            self.driver.power_off(instance)
            power_state = self._power_state(instance)
        if power_state != instance.power_state:
            instance.power_state = power_state
        if instance.obj_what_changed():
            self._save_quietly(ctx, instance, [None])

    # Server actions (1.1) ---------------------------------------------
    #
    # The API checked the state and set the action's task_state; each
    # action runs the driver under the instance's lock, then saves the end
    # state from stratus.compute.states with the finished event, or on a
    # driver failure the state Nova leaves with a fault (one conductor
    # call either way).

    def reboot_instance(self, ctx, instance, reboot_type):
        self._perform(ctx, instance, "reboot" if reboot_type == "SOFT"
                      else "reboot_hard", virt_driver.PowerControl,
                      lambda: self.driver.reboot(
                          ctx, instance, self._network_info(instance),
                          reboot_type))

    def stop_instance(self, ctx, instance):
        self._perform(ctx, instance, "stop", virt_driver.PowerControl,
                      lambda: self.driver.power_off(instance))

    def start_instance(self, ctx, instance):
        self._perform(ctx, instance, "start", virt_driver.PowerControl,
                      lambda: self.driver.power_on(
                          ctx, instance, self._network_info(instance)))

    def pause_instance(self, ctx, instance):
        self._perform(ctx, instance, "pause", virt_driver.Pausable,
                      lambda: self.driver.pause(instance))

    def unpause_instance(self, ctx, instance):
        self._perform(ctx, instance, "unpause", virt_driver.Pausable,
                      lambda: self.driver.unpause(instance))

    def suspend_instance(self, ctx, instance):
        self._perform(ctx, instance, "suspend", virt_driver.Suspendable,
                      lambda: self.driver.suspend(ctx, instance))

    def resume_instance(self, ctx, instance):
        self._perform(ctx, instance, "resume", virt_driver.Suspendable,
                      lambda: self.driver.resume(
                          ctx, instance, self._network_info(instance)))

    def rescue_instance(self, ctx, instance, rescue_password,
                        rescue_image_ref):
        image_meta = {"id": rescue_image_ref or instance.image_ref}
        self._perform(ctx, instance, "rescue", virt_driver.Rescuable,
                      lambda: self.driver.rescue(
                          ctx, instance, self._network_info(instance),
                          image_meta, rescue_password))

    def unrescue_instance(self, ctx, instance):
        self._perform(ctx, instance, "unrescue", virt_driver.Rescuable,
                      lambda: self.driver.unrescue(ctx, instance))

    def trigger_crash_dump(self, ctx, instance):
        self._perform(ctx, instance, "trigger_crash_dump",
                      virt_driver.CrashDump,
                      lambda: self.driver.trigger_crash_dump(instance))

    def inject_network_info(self, ctx, instance):
        self._perform(ctx, instance, "injectNetworkInfo",
                      virt_driver.NetworkInjection,
                      lambda: self.driver.inject_network_info(
                          instance, self._network_info(instance)))

    def set_admin_password(self, ctx, instance, new_pass):
        def failed(exc):
            if isinstance(exc, (exception.ActionNotSupportedByDriver,
                                exception.InstanceAgentNotEnabled,
                                exception.SetAdminPasswdNotSupported)):
                return exc
            # Nova's wording: the driver's own error may quote the
            # password, so the caller never sees it.
            return exception.InstancePasswordSetFailed(
                instance=instance.uuid, reason="error setting admin password")
        self._perform(ctx, instance, "changePassword",
                      virt_driver.AdminPassword,
                      lambda: self.driver.set_admin_password(instance,
                                                             new_pass),
                      raise_failure=failed)

    def get_console_output(self, ctx, instance, tail_length):
        self._require(virt_driver.ConsoleOutput, "console output")
        try:
            output = self.driver.get_console_output(ctx, instance)
        except Exception:  # noqa: BLE001 - the caller gets Nova's 404
            LOG.exception("No console output of instance %s", instance.uuid)
            raise exception.ConsoleNotAvailable()
        if tail_length is None:
            return output
        if int(tail_length) == 0:
            return ""
        return "\n".join(output.split("\n")[-int(tail_length):])

    def snapshot_instance(self, ctx, instance, image_id):
        self._perform(ctx, instance, "createImage", virt_driver.Snapshot,
                      lambda: self._upload_snapshot(ctx, instance, image_id),
                      cleanup=lambda: self._delete_image_quietly(ctx,
                                                                 image_id))

    def backup_instance(self, ctx, instance, image_id, backup_type,
                        rotation):
        def backup():
            self._upload_snapshot(ctx, instance, image_id)
            self._rotate_backups(ctx, instance, backup_type, rotation)
        self._perform(ctx, instance, "createBackup", virt_driver.Snapshot,
                      backup, cleanup=lambda: self._delete_image_quietly(
                          ctx, image_id))

    def rebuild_instance(self, ctx, instance, image_ref, new_pass,
                         preserve_ephemeral):
        was_stopped = instance.vm_state == VMState.STOPPED

        def rebuild():
            network_info = self._network_info(instance)
            image_meta = image_meta_obj.ImageMeta.from_image_dict(
                self._images().get(ctx, image_ref))
            self._step(ctx, instance, TaskState.REBUILD_BLOCK_DEVICE_MAPPING)
            self.driver.destroy(ctx, instance, network_info)
            self._step(ctx, instance, TaskState.REBUILD_SPAWNING)
            self.driver.spawn(ctx, instance, image_meta, [], new_pass,
                              network_info)
            instance.launched_at = objects_base.utcnow()
            if was_stopped:
                self.driver.power_off(instance)
        self._perform(ctx, instance, "rebuild", None, rebuild,
                      end_vm_state=VMState.STOPPED if was_stopped
                      else VMState.ACTIVE)

    def soft_delete_instance(self, ctx, instance):
        self._perform(ctx, instance, "softDelete", virt_driver.PowerControl,
                      lambda: self.driver.power_off(instance))

    def restore_instance(self, ctx, instance):
        def restore():
            self.driver.power_on(ctx, instance, self._network_info(instance))
            instance.deleted_at = None
        self._perform(ctx, instance, "restore", virt_driver.PowerControl,
                      restore)

    # Shelve (1.4) -------------------------------------------------------

    def shelve_instance(self, ctx, instance, image_id):
        """Power off, snapshot into image_id, SHELVED; offloaded at once
        when [DEFAULT] shelved_offload_time is 0. A failure deletes the
        snapshot and leaves the guest as it was."""
        offload = self.conf.shelved_offload_time == 0
        started_in = instance.vm_state

        def shelve():
            self.driver.power_off(instance)
            self._step(ctx, instance, TaskState.SHELVING_IMAGE_PENDING_UPLOAD)
            data = self.driver.snapshot(ctx, instance)
            self._step(ctx, instance, TaskState.SHELVING_IMAGE_UPLOADING)
            self._images().upload(ctx, image_id, data)
            instance.system_metadata = dict(
                instance.system_metadata, shelved_image_id=image_id,
                shelved_host=self.host,
                shelved_at=objects_base.utcnow().isoformat())
            if offload:
                # Shelved from here on: an offload that fails leaves it
                # SHELVED with its snapshot.
                instance.vm_state = VMState.SHELVED
                self._step(ctx, instance, TaskState.SHELVING_OFFLOADING)
                self._offload(ctx, instance)

        def undo():
            if instance.vm_state != VMState.SHELVED:
                self._delete_image_quietly(ctx, image_id)
                self._restore_power_quietly(ctx, instance, started_in)
        self._perform(ctx, instance, "shelve", virt_driver.Snapshot, shelve,
                      end_vm_state=(VMState.SHELVED_OFFLOADED if offload
                                    else VMState.SHELVED),
                      cleanup=undo, release=(SUCCESS,) if offload else ())

    def shelve_offload_instance(self, ctx, instance):
        """Remove a SHELVED server's guest; its resources on this host
        go from placement with the save (SHELVED_OFFLOADED, no host)."""
        self._perform(ctx, instance, "shelveOffload", None,
                      lambda: self._offload(ctx, instance),
                      release=(SUCCESS,))

    def _offload(self, ctx, instance):
        if virt_driver.supports(self.driver, virt_driver.PowerControl):
            try:
                self.driver.power_off(instance)
            except exception.InstanceNotFound:
                pass
        self.driver.destroy(ctx, instance, self._network_info(instance))
        self._deallocate_network_quietly(instance)
        self.tracker.remove_usage(instance)
        instance.host = instance.node = instance.compute_id = None

    def unshelve_instance(self, ctx, instance, image_meta, request_spec):
        """Power a SHELVED server's guest on, or spawn a SHELVED_OFFLOADED
        one here (the scheduler claimed this host) from its snapshot. A
        failed spawn leaves it offloaded with a fault, its claim freed."""
        if instance.vm_state == VMState.SHELVED:
            def power_on():
                self.driver.power_on(ctx, instance,
                                     self._network_info(instance))
                self._forget_shelved(ctx, instance)
            self._perform(ctx, instance, "unshelve",
                          virt_driver.PowerControl, power_on)
            return

        def spawn():
            self._step(ctx, instance, TaskState.SPAWNING)
            self.tracker.update_usage(instance)
            network_info = self._allocate_network(instance, request_spec)
            self.driver.spawn(ctx, instance, image_meta, [], None,
                              network_info)
            instance.info_cache = json.dumps(network_info)
            instance.launched_at = objects_base.utcnow()
            self._forget_shelved(ctx, instance)

        def undo():
            self._destroy_guest_quietly(ctx, instance)
            self.tracker.remove_usage(instance)
            instance.host = instance.node = instance.compute_id = None
        self._perform(ctx, instance, "unshelve", None, spawn, cleanup=undo,
                      release=(ERROR,))

    def _forget_shelved(self, ctx, instance):
        """An unshelved server's snapshot and shelve records go."""
        metadata = dict(instance.system_metadata)
        image_id = metadata.pop("shelved_image_id", None)
        for key in ("shelved_at", "shelved_host"):
            metadata.pop(key, None)
        instance.system_metadata = metadata
        if image_id:
            self._delete_image_quietly(ctx, image_id)

    def _restore_power_quietly(self, ctx, instance, vm_state):
        """Bring a guest a failed action powered off back to vm_state."""
        try:
            if self._power_state(instance) != PowerState.SHUTDOWN \
                    or vm_state == VMState.STOPPED:
                return
            self.driver.power_on(ctx, instance, self._network_info(instance))
            if vm_state == VMState.PAUSED:
                self.driver.pause(instance)
            elif vm_state == VMState.SUSPENDED:
                self.driver.suspend(ctx, instance)
        except Exception:  # noqa: BLE001 - cleanup after a failure
            LOG.exception("Could not bring instance %s back to %s",
                          instance.uuid, vm_state)

    def offload_shelved_instances(self, ctx):
        """Offload the servers shelved longer than [DEFAULT]
        shelved_offload_time ago (Nova's _poll_shelved_instances)."""
        wait = self.conf.shelved_offload_time
        if wait <= 0:
            return
        now = objects_base.utcnow()
        for instance in self.conductor.instances_on_host(ctx, self.host):
            if instance.vm_state != VMState.SHELVED \
                    or instance.task_state is not None \
                    or self._locks.held(instance.uuid):
                continue
            since = _shelved_at(instance)
            if since is not None and (now - since).total_seconds() < wait:
                continue
            instance.task_state = TaskState.SHELVING_OFFLOADING
            saved = self._save_quietly(ctx, instance, [None])
            if saved is None:
                continue
            LOG.info("Offloading instance %s, shelved since %s",
                     instance.uuid, since)
            self.shelve_offload_instance(ctx, saved)

    def reclaim_queued_deletes(self, ctx):
        """Delete the servers soft-deleted longer than
        [DEFAULT] reclaim_instance_interval ago."""
        interval = self.conf.reclaim_instance_interval
        now = objects_base.utcnow()
        for instance in self.conductor.instances_on_host(ctx, self.host):
            if instance.vm_state != VMState.SOFT_DELETED \
                    or instance.task_state is not None \
                    or self._locks.held(instance.uuid):
                continue
            since = instance.deleted_at or instance.updated_at
            if since is not None and (now - since).total_seconds() < interval:
                continue
            LOG.info("Reclaiming soft-deleted instance %s", instance.uuid)
            with self._locks(instance.uuid):
                self._terminate(ctx, instance)

    def _perform(self, ctx, instance, action, capability, work,
                 end_vm_state=None, cleanup=None, raise_failure=None,
                 release=()):
        """Run one action's work (a callable using the driver) and save
        where it ends; whether it succeeded. cleanup runs after a
        failure; raise_failure(exc) -> the exception to raise to an RPC
        caller after the failure is saved. release: the outcomes
        (SUCCESS, ERROR) after which the server's placement allocations
        go with the save (it left this host)."""
        rule = states.transition(action)
        with self._locks(instance.uuid):
            self._start_event_quietly(ctx, instance.uuid, rule.event)
            self.notifier.instance_action(ctx, instance, action,
                                          notifications.START)
            try:
                self._require(capability, action)
                work()
            except Exception as exc:  # noqa: BLE001 - every failure is saved
                trace = traceback.format_exc()
                LOG.info("%s of instance %s failed: %s", action,
                         instance.uuid, exc)
                if cleanup is not None:
                    cleanup()
                self._action_failed(ctx, instance, rule, exc, trace,
                                    remove_allocations=ERROR in release)
                self.notifier.instance_action(ctx, instance, action,
                                              notifications.ERROR, exc)
                if raise_failure is not None:
                    raise raise_failure(exc)
                return False
            expected = self._settle_action(instance, rule, end_vm_state)
            self._save_quietly(ctx, instance, expected, action_event=(
                rule.event, conductor_rpcapi.EVENT_FINISH, self.host,
                SUCCESS, None), remove_allocations=SUCCESS in release)
            self.notifier.instance_action(ctx, instance, action,
                                          notifications.END)
            return True

    def _settle_action(self, instance, rule, end_vm_state):
        """Set the end state; the task_state the save expects (None: no
        check, for actions that run without a task)."""
        instance.power_state = self._power_state(instance)
        if rule.task_state is None:
            return None
        expected = instance.task_state
        instance.task_state = None
        if end_vm_state is not None:
            instance.vm_state = end_vm_state
        elif rule.end_vm_state != states.KEEP:
            instance.vm_state = rule.end_vm_state
        return [expected]

    def _action_failed(self, ctx, instance, rule, exc, trace,
                       remove_allocations=False):
        expected = None
        if rule.task_state is not None:
            expected = [instance.task_state]
            instance.task_state = None
            if rule.on_failure == states.ERROR:
                instance.vm_state = VMState.ERROR
        instance.power_state = self._power_state(instance)
        fault = instance_fault_obj.InstanceFault.from_exception(
            instance.uuid, exc, trace, host=self.host)
        self._save_quietly(ctx, instance, expected, action_event=(
            rule.event, conductor_rpcapi.EVENT_FINISH, self.host, ERROR,
            trace), fault=fault, remove_allocations=remove_allocations)

    def _step(self, ctx, instance, task_state):
        """Move a long action on to its next task_state."""
        expected = instance.task_state
        instance.task_state = task_state
        self.conductor.instance_save(ctx, instance,
                                     expected_task_state=[expected])
        instance.obj_reset_changes()

    def _images(self):
        if self.image_api is None:
            from stratus.image import client as image_client
            self.image_api = image_client.ImageAPI.from_conf(self.conf)
        return self.image_api

    def _upload_snapshot(self, ctx, instance, image_id):
        self._step(ctx, instance, TaskState.IMAGE_PENDING_UPLOAD)
        data = self.driver.snapshot(ctx, instance)
        self._step(ctx, instance, TaskState.IMAGE_UPLOADING)
        self._images().upload(ctx, image_id, data)

    def _rotate_backups(self, ctx, instance, backup_type, rotation):
        """Keep the newest `rotation` backups of this type (Nova's
        _rotate_backups)."""
        backups = self._images().list(
            ctx, instance_uuid=instance.uuid, image_type="backup",
            backup_type=backup_type, sort_key="created_at", sort_dir="desc")
        for image in backups[rotation:]:
            LOG.info("Rotating out backup %s of instance %s", image["id"],
                     instance.uuid)
            self._delete_image_quietly(ctx, image["id"])

    def _delete_image_quietly(self, ctx, image_id):
        try:
            self._images().delete(ctx, image_id)
        except Exception:  # noqa: BLE001 - cleanup after a failure
            LOG.warning("Could not delete image %s", image_id)

    # Moves (1.3) ------------------------------------------------------
    #
    # The conductor calls each step and owns the states (see
    # stratus/conductor/tasks/migrate.py); a step records its action event
    # and raises its failure back to the conductor, which rolls back.

    def prep_resize(self, ctx, instance, migration, flavor):
        def prep():
            self.driver.prepare_migration_target(ctx, instance, flavor)
            self._moving.add(instance.uuid)
        self._move_step(ctx, instance, migration, "compute_prep_resize", prep)

    def resize_instance(self, ctx, instance, migration, flavor):
        def send():
            self._moving.add(instance.uuid)
            return self.driver.migrate_disk_and_power_off(
                ctx, instance, migration.dest_compute, flavor,
                self._network_info(instance))
        return self._move_step(ctx, instance, migration,
                               "compute_resize_instance", send)

    def finish_resize(self, ctx, instance, migration, flavor, disk_info,
                      power_on):
        """The guest gets ports of this host's network (the source's stay
        until the move is confirmed, for a revert)."""
        def finish():
            network_info = self._network_again(instance)
            try:
                self.driver.finish_migration(
                    ctx, migration, instance, disk_info, network_info, None,
                    migration.migration_type == "resize", power_on)
                self._save_network_info(ctx, instance, network_info)
            except Exception:
                if migration.source_compute != self.host:
                    self._deallocate_network_quietly(instance)
                raise
            return self._power_state(instance)
        power_state = self._move_step(ctx, instance, migration,
                                      "compute_finish_resize", finish)
        self._moving.discard(instance.uuid)
        self.tracker.update_usage(instance)
        return power_state

    def confirm_resize(self, ctx, instance, migration):
        """The source's part of a confirm: what it kept goes. Whatever
        happens the move no longer needs this host (a guest left over
        is an orphan the power-state sync removes)."""
        def confirm():
            self.driver.confirm_migration(ctx, migration, instance,
                                          self._network_info(instance))
            if migration.dest_compute != self.host:
                self._deallocate_network_quietly(instance)
        try:
            self._move_step(ctx, instance, migration,
                            "compute_confirm_resize", confirm)
        finally:
            self._left(instance, migration.dest_compute)

    def revert_resize(self, ctx, instance, migration):
        """The destination's part of a revert or a rollback: its guest
        goes (a destroy, which every driver has)."""
        def drop():
            self.driver.destroy(ctx, instance, self._network_info(instance))
            if migration.source_compute != self.host:
                self._deallocate_network_quietly(instance)
        try:
            self._move_step(ctx, instance, migration,
                            "compute_revert_resize", drop, capability=None)
        finally:
            self._left(instance, migration.source_compute)

    def finish_revert_resize(self, ctx, instance, migration, power_on):
        """The guest comes back with this host's ports (those it kept)."""
        def restore():
            network_info = self._network_again(instance)
            self.driver.finish_revert_migration(
                ctx, instance, network_info, migration, power_on)
            self._save_network_info(ctx, instance, network_info)
            return self._power_state(instance)
        power_state = self._move_step(ctx, instance, migration,
                                      "compute_finish_revert_resize",
                                      restore)
        self._moving.discard(instance.uuid)
        self.tracker.update_usage(instance)
        return power_state

    # Live migration (1.4) -------------------------------------------------
    #
    # The conductor calls each step (stratus/conductor/tasks/
    # live_migrate.py); the source's copy reports its progress on the
    # migration through the conductor as it goes.

    def check_can_live_migrate_destination(self, ctx, instance, migration,
                                           block_migration):
        return self._move_step(
            ctx, instance, migration,
            "compute_check_can_live_migrate_destination",
            lambda: self.driver.check_can_live_migrate_destination(
                ctx, instance, block_migration),
            capability=virt_driver.LiveMigratable)

    def pre_live_migration(self, ctx, instance, migration, block_migration):
        def prepare():
            self._moving.add(instance.uuid)
            self.driver.pre_live_migration(ctx, instance, block_migration,
                                           self._network_info(instance))
        self._move_step(ctx, instance, migration,
                        "compute_pre_live_migration", prepare,
                        capability=virt_driver.LiveMigratable)

    def live_migration(self, ctx, instance, migration, block_migration):
        def progress(memory_total, memory_processed, memory_remaining,
                     disk_total, disk_processed, disk_remaining):
            for name, value in (
                    ("memory_total", memory_total),
                    ("memory_processed", memory_processed),
                    ("memory_remaining", memory_remaining),
                    ("disk_total", disk_total),
                    ("disk_processed", disk_processed),
                    ("disk_remaining", disk_remaining)):
                setattr(migration, name, value)
            try:
                self.conductor.migration_save(ctx, migration)
            except Exception as exc:  # noqa: BLE001 - progress is advisory
                LOG.warning("Could not record the progress of %s: %s",
                            migration.uuid, exc)
            migration.obj_reset_changes()

        def copy():
            self._moving.add(instance.uuid)
            self.driver.live_migration(ctx, instance, migration.dest_compute,
                                       block_migration, progress)
        try:
            self._move_step(ctx, instance, migration,
                            "compute_live_migration", copy,
                            capability=virt_driver.LiveMigratable)
        except Exception:
            self._moving.discard(instance.uuid)
            raise
        self._left(instance, migration.dest_compute)

    def post_live_migration_at_destination(self, ctx, instance, migration,
                                           power_state):
        def post():
            self.driver.post_live_migration_at_destination(
                ctx, instance, self._network_info(instance), power_state)
            return self._power_state(instance)
        power_state = self._move_step(
            ctx, instance, migration,
            "compute_post_live_migration_at_destination", post,
            capability=virt_driver.LiveMigratable)
        self._moving.discard(instance.uuid)
        arrived = instance.obj_clone()
        arrived.host, arrived.node = self.host, migration.dest_node
        self.tracker.update_usage(arrived)
        return power_state

    def rollback_live_migration_at_destination(self, ctx, instance,
                                               migration):
        self._move_step(ctx, instance, migration,
                        "compute_rollback_live_migration_at_destination",
                        lambda: self.driver
                        .rollback_live_migration_at_destination(
                            ctx, instance, self._network_info(instance)),
                        capability=virt_driver.LiveMigratable)
        self._moving.discard(instance.uuid)

    def live_migration_force_complete(self, ctx, instance, migration):
        self._while_migrating(ctx, instance,
                              "compute_live_migration_force_complete",
                              self.driver.live_migration_force_complete)

    def live_migration_abort(self, ctx, instance, migration):
        self._while_migrating(ctx, instance, "compute_live_migration_abort",
                              self.driver.live_migration_abort)

    def _while_migrating(self, ctx, instance, event, work):
        """Act on a running copy (without the server's lock, which the
        copy holds), recorded as the request's event."""
        self._start_event_quietly(ctx, instance.uuid, event)
        try:
            self._require(virt_driver.LiveMigratable, "live migration")
            work(instance)
        except Exception as exc:  # noqa: BLE001 - a cast: the event says
            LOG.info("%s of %s failed: %s", event, instance.uuid, exc)
            self._finish_event_quietly(ctx, instance.uuid, event, ERROR,
                                       traceback.format_exc())
            return
        self._finish_event_quietly(ctx, instance.uuid, event, SUCCESS)

    # Evacuate (1.4) --------------------------------------------------------

    def evacuate_instance(self, ctx, instance, migration, admin_password,
                          power_on):
        """Build here the guest of a server whose host is down, from its
        image; [its power state, its network_info (JSON)]. A failure
        removes what was built and goes back to the conductor."""
        def rebuild():
            image_meta = image_meta_obj.ImageMeta.from_image_dict(
                self._images().get(ctx, instance.image_ref))
            self.tracker.update_usage(instance)
            network_info = self._network_again(instance)
            self.driver.spawn(ctx, instance, image_meta, [], admin_password,
                              network_info)
            if not power_on:
                self.driver.power_off(instance)
            return [self._power_state(instance), json.dumps(network_info)]
        try:
            return self._move_step(ctx, instance, migration,
                                   "compute_rebuild_instance", rebuild,
                                   capability=None)
        except Exception:
            self._destroy_guest_quietly(ctx, instance)
            self.tracker.remove_usage(instance)
            raise

    def _clean_evacuated(self, ctx):
        """Nova's _destroy_evacuated_instances: the guests of servers
        evacuated away while this host was down go, and with them what
        their migrations hold in placement on this host."""
        try:
            evacuations = self.conductor.evacuations_done(ctx, self.host)
        except Exception:  # noqa: BLE001 - an old conductor; retried on restart
            LOG.exception("Could not list the evacuations from %s",
                          self.host)
            return
        guests = set(self.driver.list_instance_uuids())
        for migration in evacuations:
            if migration.instance_uuid in guests:
                LOG.info("Removing the guest of %s, evacuated to %s",
                         migration.instance_uuid, migration.dest_compute)
                self._destroy_orphan(ctx, migration.instance_uuid)
            self.conductor.evacuation_cleaned(ctx, migration)

    def _save_network_info(self, ctx, instance, network_info):
        """Save the server's ports alone (the conductor saves the rest of
        a move's end)."""
        info_cache = json.dumps(network_info)
        if info_cache == (instance.info_cache or "[]"):
            return
        instance.info_cache = info_cache
        ports = instance.obj_clone()
        ports.obj_reset_changes()
        ports.info_cache = info_cache
        self.conductor.instance_save(ctx, ports)

    def _left(self, instance, other_host):
        """The server's move no longer needs this host."""
        self._moving.discard(instance.uuid)
        if other_host != self.host:
            self.tracker.remove_usage(instance)

    def _move_step(self, ctx, instance, migration, event, work,
                   capability=virt_driver.Migratable):
        """Run one step of a move under the server's lock with its action
        event; its result. A failure is recorded on the event and raised
        to the conductor (as a Stratus exception, which RPC carries)."""
        # Steps without notifications of their own notify from the
        # conductor's task.
        action, phases = MOVE_NOTIFICATIONS.get(event, (None, ()))
        if migration.get("step") == migration_obj.Step.ROLLING_BACK:
            # Undoing a failed move: its error was the notification.
            phases = ()
        with self._locks(instance.uuid):
            self._start_event_quietly(ctx, instance.uuid, event)
            if notifications.START in phases:
                self.notifier.instance_action(ctx, instance, action,
                                              notifications.START)
            try:
                self._require(capability, migration.migration_type)
                result = work()
            except Exception as exc:
                self._finish_event_quietly(ctx, instance.uuid, event, ERROR,
                                           traceback.format_exc())
                if phases:
                    self.notifier.instance_action(
                        ctx, instance, action, notifications.ERROR, exc)
                LOG.info("%s of instance %s failed on %s: %s", event,
                         instance.uuid, self.host, exc)
                if type(exc).__module__ == exception.__name__:
                    raise
                raise exception.MigrationError(
                    reason=exc.format_message()
                    if isinstance(exc, exception.StratusException)
                    else str(exc)) from exc
            self._finish_event_quietly(ctx, instance.uuid, event, SUCCESS)
            if notifications.END in phases:
                self.notifier.instance_action(ctx, instance, action,
                                              notifications.END)
            return result

    # Helpers ----------------------------------------------------------

    def _require(self, capability, operation):
        """ActionNotSupportedByDriver unless this host's driver has the
        capability interface (None: every driver has it)."""
        if capability is not None and not virt_driver.supports(
                self.driver, capability):
            raise exception.ActionNotSupportedByDriver(
                driver=self.driver.name, host=self.host, operation=operation)

    def _power_state(self, instance):
        try:
            return self.driver.get_power_state(instance)
        except exception.InstanceNotFound:
            return PowerState.NOSTATE

    @staticmethod
    def _network_info(instance):
        return json.loads(instance.info_cache or "[]")

    def _set_error(self, ctx, instance, expected_task_state):
        instance.vm_state = VMState.ERROR
        instance.task_state = None
        instance.power_state = self._power_state(instance)
        self._save_quietly(ctx, instance, expected_task_state)

    def _save_quietly(self, ctx, instance, expected_task_state, **extra):
        try:
            return self.conductor.instance_save(
                ctx, instance, expected_task_state=expected_task_state,
                **extra)
        except exception.UnexpectedTaskStateError as exc:
            LOG.info("Instance %s changed meanwhile: %s", instance.uuid, exc)
        except exception.InstanceNotFound:
            LOG.debug("Instance %s was deleted meanwhile", instance.uuid)
        return None

    def _destroy_guest_quietly(self, ctx, instance):
        try:
            self.driver.destroy(ctx, instance)
        except Exception:  # noqa: BLE001 - cleanup after a failure
            LOG.exception("Could not remove the guest of instance %s",
                          instance.uuid)
        self._deallocate_network_quietly(instance)

    def _deallocate_network_quietly(self, instance):
        if self.network is None:
            return
        try:
            self.network.deallocate_for_instance(instance)
        except Exception:  # noqa: BLE001 - cleanup after a failure
            LOG.exception("Could not free the ports of instance %s",
                          instance.uuid)

    def _destroy_orphan(self, ctx, instance_uuid):
        self._destroy_guest_quietly(
            ctx, instance_obj.Instance(uuid=instance_uuid, host=self.host))

    def _start_event_quietly(self, ctx, instance_uuid, event):
        try:
            self.conductor.action_event_start(ctx, instance_uuid, event,
                                              self.host)
        except exception.NotFound:
            LOG.debug("No action to record %s of instance %s in", event,
                      instance_uuid)

    def _finish_event_quietly(self, ctx, instance_uuid, event, result,
                              trace=None):
        try:
            self.conductor.action_event_finish(ctx, instance_uuid, event,
                                               self.host, result, trace)
        except exception.NotFound:
            LOG.debug("No action to record %s of instance %s in", event,
                      instance_uuid)


def _shelved_at(instance):
    """When the server was shelved: its shelved_at record when loaded,
    else its last change (the shelve's save)."""
    recorded = (instance.get("system_metadata") or {}).get("shelved_at")
    if recorded:
        return datetime.datetime.fromisoformat(recorded)
    return instance.updated_at
