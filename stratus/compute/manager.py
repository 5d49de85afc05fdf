"""The compute manager: runs one host's guests through its virt driver.

It has no database: instances arrive as objects over RPC, and every
change goes back through ``ConductorAPI``. Operations on one instance
(build, terminate) run one at a time, so a delete that arrives while its
build is still spawning waits for the build and then removes the guest.

On start (``init_host``) it reconciles: an instance a crash left in a
transitional state is finished or failed, never left stuck.

The features live in stratus/compute/tasks/ (one mixin per feature, see
its docstring); this module composes them into the one RPC endpoint and
keeps what they share.
"""
import contextlib
import functools
import json
import logging
import threading
import traceback

import oslo_messaging

from stratus.compute import resource_tracker
from stratus.compute import rpcapi as compute_rpcapi
from stratus.compute import states
from stratus.compute.tasks import admin_password
from stratus.compute.tasks import build
from stratus.compute.tasks import cache_images
from stratus.compute.tasks.common import (
    ERROR, PowerState, SUCCESS, TaskState, VMState)
from stratus.compute.tasks import consoles
from stratus.compute.tasks import destroy
from stratus.compute.tasks import diagnostics
from stratus.compute.tasks import evacuate
from stratus.compute.tasks import external_events
from stratus.compute.tasks import interfaces
from stratus.compute.tasks import live_migrate
from stratus.compute.tasks import migrate
from stratus.compute.tasks import move_common
from stratus.compute.tasks import power
from stratus.compute.tasks import rebuild
from stratus.compute.tasks import rescue
from stratus.compute.tasks import shelve
from stratus.compute.tasks import snapshots
from stratus.compute.tasks import volumes
from stratus.conductor import rpcapi as conductor_rpcapi
from stratus import context as stratus_context
from stratus import exception
from stratus.compute import instance_events
from stratus.network import api as network_api
from stratus.network import rpcapi as network_rpcapi
from stratus import notifications
from stratus.objects import instance_fault as instance_fault_obj
from stratus.virt import driver as virt_driver
from stratus import constants

LOG = logging.getLogger(__name__)

BUILD_EVENT = build.BUILD_EVENT
TERMINATE_EVENT = destroy.TERMINATE_EVENT

# Most seconds between looks for resizes to confirm automatically.
UNCONFIRMED_RESIZES_INTERVAL = 60
# Seconds between reports of the nodes whose usage builds and deletes
# changed since the last report.
CHANGED_NODES_INTERVAL = 2


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


class ComputeManager(build.BuildMixin, destroy.DestroyMixin,
                     power.PowerMixin, admin_password.AdminPasswordMixin,
                     rescue.RescueMixin, snapshots.SnapshotsMixin,
                     rebuild.RebuildMixin, shelve.ShelveMixin,
                     move_common.MoveStepMixin, migrate.MigrateMixin,
                     live_migrate.LiveMigrateMixin, evacuate.EvacuateMixin,
                     consoles.ConsolesMixin, interfaces.InterfacesMixin,
                     cache_images.CacheImagesMixin,
                     diagnostics.DiagnosticsMixin,
                     external_events.ExternalEventsMixin,
                     volumes.VolumesMixin):
    target = oslo_messaging.Target(version=compute_rpcapi.VERSION)

    def __init__(self, conf, messaging, host, driver, image_api=None,
                 network_client=None, volume_client=None):
        self.conf = conf
        self.host = host
        self.driver = driver
        # Snapshots and backups go to the image service; built on first
        # use unless given (the all-in-one hands over its in-process one).
        self.image_api = image_api
        self.network = network_api.load_network_api(conf, host,
                                                    network_client)
        # The Cinder client (stratus.volume.cinder.CinderAPI): given by
        # the all-in-one, else made from [cinder] when first used.
        self._volume_client = volume_client
        # Events operations on this host wait for (network-vif-plugged).
        self.instance_events = instance_events.InstanceEvents()
        self.network_agent = network_rpcapi.NetworkAgentAPI(messaging)
        self.conductor = conductor_rpcapi.ConductorAPI(
            messaging, db_retry_seconds=conf.conductor.db_retry_seconds)
        self.tracker = resource_tracker.ResourceTracker(
            conf, host, driver, self.conductor)
        self._locks = InstanceLocks()
        self.notifier = notifications.Notifier(conf, messaging,
                                               constants.COMPUTE_BINARY, host)
        # Servers a move on this host is handling: their guests are not
        # orphans even while the database places them elsewhere.
        self._moving = set()
        # The last server whose network info cache was healed.
        self._last_healed = None
        # Set when the service stops: builds not started yet go back.
        self._stopping = threading.Event()

    @functools.cached_property
    def volume_api(self):
        if self._volume_client is not None:
            return self._volume_client
        from stratus.volume import cinder
        return cinder.CinderAPI.from_conf(self.conf)

    # Service hooks ----------------------------------------------------

    def init_host(self):
        # A service stopped and started again builds again.
        self._stopping.clear()
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
        if self.conf.heal_instance_info_cache_interval > 0 \
                and self._ports_follow_server():
            tasks.append((self.conf.heal_instance_info_cache_interval,
                          self.heal_instance_info_cache))
        if self.conf.resize_confirm_window > 0:
            tasks.append((min(self.conf.resize_confirm_window,
                              UNCONFIRMED_RESIZES_INTERVAL),
                          self.poll_unconfirmed_resizes))
        return tasks

    def update_available_resource(self, ctx):
        self.tracker.update_available_resource(ctx)

    # RPC endpoints of the service (versions 1.0 and 1.6) ------------------

    def prepare_stop(self):
        """The service stops (Service.stop): a build that has not started
        yet is handed back to the conductor, which sends it to one of its
        alternates, instead of keeping the shutdown waiting."""
        self._stopping.set()

    def get_in_flight(self, ctx, instance_uuids):
        """(1.6) The servers among these whose work this compute holds."""
        return [uuid for uuid in instance_uuids if self._locks.held(uuid)]

    def get_host_uptime(self, ctx):
        if not virt_driver.supports(self.driver, virt_driver.HostUptime):
            raise NotImplementedError(
                "The %s driver does not report uptime." % self.driver.name)
        return self.driver.get_host_uptime()

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
                or task_state in build.BUILD_TASK_STATES:
            self._interrupted_build(ctx, instance)
        elif states.on_restart(task_state) == states.CONDUCTOR_SETTLES:
            # The conductor task drives the move and owns its state (and
            # its allocations): it rolls back or recovers it, not us.
            LOG.info("Instance %s is being moved (%s); its conductor "
                     "settles it", instance.uuid, task_state)
            self._moving.add(instance.uuid)
        elif task_state is not None:
            self._finish_power_operation(ctx, instance)
            self._settle(ctx, instance, task_state)
            self._undo_interrupted_attaches_quietly(ctx, instance)
        else:
            self._sync_power_state(ctx, instance)
            self._undo_interrupted_attaches_quietly(ctx, instance)

    def _undo_interrupted_attaches_quietly(self, ctx, instance):
        """stratus/compute/tasks/volumes.py; the block storage service
        out of reach is logged: the instance is reconciled all the same.
        Only servers in a state a volume can be attached in: a build
        that failed here (ERROR) keeps the mappings it let go."""
        if instance.vm_state not in states.allowed_from("attach_volume"):
            return
        try:
            self._undo_interrupted_attaches(ctx, instance)
        except Exception:  # noqa: BLE001 - logged, start goes on
            LOG.exception("Could not check the volume attachments of "
                          "instance %s on start", instance.uuid)

    # Server actions ---------------------------------------------------
    #
    # The API checked the state and set the action's task_state; each
    # action runs the driver under the instance's lock, then saves the end
    # state from stratus.compute.states with the finished event, or on a
    # driver failure the state Nova leaves with a fault (one conductor
    # call either way).

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
