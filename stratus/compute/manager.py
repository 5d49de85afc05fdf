"""The compute manager: runs one host's guests through its virt driver.

It has no database: instances arrive as objects over RPC, and every
change goes back through ``ConductorAPI``. Operations on one instance
(build, terminate) run one at a time, so a delete that arrives while its
build is still spawning waits for the build and then removes the guest.

On start (``init_host``) it reconciles: an instance a crash left in a
transitional state is finished or failed, never left stuck.
"""
import contextlib
import json
import logging
import threading
import traceback

import oslo_messaging

from stratus.compute import resource_tracker
from stratus.conductor import rpcapi as conductor_rpcapi
from stratus import context as stratus_context
from stratus import exception
from stratus.network import api as network_api
from stratus.objects import base as objects_base
from stratus.objects import fields
from stratus.objects import instance as instance_obj
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

# Seconds between reports of the nodes whose usage builds and deletes
# changed since the last report.
CHANGED_NODES_INTERVAL = 2

BUILD_TASK_STATES = frozenset([TaskState.SCHEDULING,
                               TaskState.BLOCK_DEVICE_MAPPING,
                               TaskState.NETWORKING, TaskState.SPAWNING])
RUNNING_TASK_STATES = frozenset([TaskState.POWERING_ON, TaskState.REBOOTING,
                                 TaskState.REBOOTING_HARD])
VM_STATE_BY_POWER_STATE = {
    PowerState.RUNNING: VMState.ACTIVE,
    PowerState.SHUTDOWN: VMState.STOPPED,
    PowerState.CRASHED: VMState.STOPPED,
    PowerState.PAUSED: VMState.PAUSED,
    PowerState.SUSPENDED: VMState.SUSPENDED,
}
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
    target = oslo_messaging.Target(version="1.1")

    def __init__(self, conf, messaging, host, driver):
        self.conf = conf
        self.host = host
        self.driver = driver
        self.network = network_api.load_network_api(conf, host)
        self.conductor = conductor_rpcapi.ConductorAPI(messaging)
        self.tracker = resource_tracker.ResourceTracker(
            conf, host, driver, self.conductor)
        self._locks = InstanceLocks()

    # Service hooks ----------------------------------------------------

    def init_host(self):
        ctx = stratus_context.get_admin_context()
        self.driver.init_host(self.host)
        if self.network is not None:
            self.network.setup()
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
        return tasks

    def update_available_resource(self, ctx):
        self.tracker.update_available_resource(ctx)

    # RPC endpoints (version 1.0) ---------------------------------------

    def build_and_run_instance(self, ctx, instance, request_spec, selection,
                               alternates, admin_password, injected_files):
        with self._locks(instance.uuid):
            self._build_and_run(ctx, instance, request_spec, alternates,
                                admin_password, injected_files)

    def terminate_instance(self, ctx, instance):
        with self._locks(instance.uuid):
            self._terminate(ctx, instance)

    def get_host_uptime(self, ctx):
        if not virt_driver.supports(self.driver, virt_driver.HostUptime):
            raise NotImplementedError(
                "The %s driver does not report uptime." % self.driver.name)
        return self.driver.get_host_uptime()

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

    def _allocate_network(self, instance, request_spec):
        """network_info for a new guest: none when the request said
        networks 'none'; otherwise, until Stratus has a network service,
        a simulated address from drivers that simulate networking."""
        requested = request_spec.get("requested_networks") or []
        if [item.get("network_id") for item in requested] == [NO_NETWORKS]:
            return []
        if self.network is not None:
            return self.network.allocate_for_instance(instance)
        if virt_driver.supports(self.driver, virt_driver.SimulatedNetworking):
            return self.driver.allocate_network(instance)
        return []

    def _spawn_failed(self, ctx, instance, request_spec, alternates,
                      admin_password, injected_files, exc, trace):
        reason = (exc.format_message()
                  if isinstance(exc, exception.StratusException) else str(exc))
        LOG.info("Spawn of instance %s on %s failed: %s", instance.uuid,
                 self.host, reason)
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

    # Reconciliation ---------------------------------------------------

    def _reconcile(self, ctx, instance):
        task_state = instance.task_state
        if task_state == TaskState.DELETING \
                or instance.vm_state == VMState.DELETED:
            self._terminate(ctx, instance)
        elif instance.vm_state == VMState.BUILDING \
                or task_state in BUILD_TASK_STATES:
            self._fail_interrupted_build(ctx, instance)
        elif task_state is not None:
            self._finish_power_operation(ctx, instance)
            self._settle(ctx, instance, task_state)
        else:
            self._sync_power_state(ctx, instance)

    def _fail_interrupted_build(self, ctx, instance):
        """A build the restart cut short fails: the guest goes, and the
        conductor, asked to reschedule without alternates, puts the server
        in ERROR with a fault and frees its allocation."""
        reason = ("Build of instance %s interrupted by a restart of the "
                  "compute service on %s" % (instance.uuid, self.host))
        LOG.warning(reason)
        self._destroy_guest_quietly(ctx, instance)
        if instance.task_state in BUILD_TASK_STATES:
            self.conductor.reschedule_build(ctx, instance, None, [], reason,
                                            None, None)
        else:
            self._set_error(ctx, instance, [instance.task_state])

    def _finish_power_operation(self, ctx, instance):
        """Power the guest off or on as the interrupted operation meant
        to; other operations end in whatever state the guest is in."""
        if not virt_driver.supports(self.driver, virt_driver.PowerControl):
            return
        try:
            if instance.task_state == TaskState.POWERING_OFF:
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
        instance.task_state = None
        self._save_quietly(ctx, instance, expected_task_state)

    # Power state sync -------------------------------------------------

    def sync_power_states(self, ctx):
        """Align the database with the guests, and remove guests whose
        instance is gone from this host."""
        guests = set(self.driver.list_instance_uuids())
        instances = self.conductor.instances_on_host(ctx, self.host)
        for orphan in guests - {instance.uuid for instance in instances}:
            if not self._locks.held(orphan):
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
        elif vm_state == VMState.STOPPED and power_state in (
                PowerState.RUNNING, PowerState.PAUSED, PowerState.SUSPENDED):
            LOG.info("Instance %s runs while stopped; powering it off",
                     instance.uuid)
            self.driver.power_off(instance)
            power_state = self._power_state(instance)
        if power_state != instance.power_state:
            instance.power_state = power_state
        if instance.obj_what_changed():
            self._save_quietly(ctx, instance, [None])

    # Helpers ----------------------------------------------------------

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

    def _save_quietly(self, ctx, instance, expected_task_state):
        try:
            return self.conductor.instance_save(
                ctx, instance, expected_task_state=expected_task_state)
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
