"""Build: spawn a new server's guest on this host (the conductor placed and
claimed it), or hand the build back to the conductor, which sends it to
one of its alternates, when the spawn fails or the service is stopping.
"""
import json
import traceback

from stratus.compute.tasks.block_devices import BlockDevicesMixin
from stratus.compute.tasks.common import (
    ERROR, LOG, SUCCESS, TaskState, VMState)
from stratus.conductor import rpcapi as conductor_rpcapi
from stratus import exception
from stratus import notifications
from stratus.objects import base as objects_base

BUILD_EVENT = "compute_build_and_run_instance"
BUILD_TASK_STATES = frozenset([TaskState.SCHEDULING,
                               TaskState.BLOCK_DEVICE_MAPPING,
                               TaskState.NETWORKING, TaskState.SPAWNING])
_GONE = (exception.InstanceNotFound,
         exception.UnexpectedDeletingTaskStateError)
# Failures of the server's network: the build is not sent elsewhere.
NETWORK_FAILURES = (exception.VirtualInterfaceCreateException,)
NETWORK_ABORT = "Failed to allocate the network(s), not rescheduling."


class BuildMixin(BlockDevicesMixin):
    """The compute manager's builds (their volumes: BlockDevicesMixin)."""

    def build_and_run_instance(self, ctx, instance, request_spec,
                               alternates, admin_password, injected_files,
                               selection=None, without_volumes=False):
        """selection: sent by clients before 1.7, never read;
        without_volumes (1.13): the server has no volume mapping (its
        mappings are not read)."""
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
                                admin_password, injected_files,
                                without_volumes)

    def _build_and_run(self, ctx, instance, request_spec, alternates,
                       admin_password, injected_files,
                       without_volumes=False):
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

        bdms = []
        try:
            bdms = _mappings_for_build(self, ctx, instance, without_volumes)
            volumes = self._prepare_volumes(ctx, instance, bdms)
            network_info = self._allocate_network(ctx, instance, request_spec)
            with self._vifs_plugged(instance, network_info) as plugged:
                self.driver.spawn(ctx, instance, request_spec.image,
                                  injected_files, admin_password,
                                  network_info, block_device_info=volumes)
                self._report_plugged(ctx, instance, network_info)
                plugged.wait()
            self._complete_volumes(ctx, bdms)
            if plugged.events:
                # The ports whose network-vif-plugged came are ACTIVE.
                unplugged = {tag for _, tag in plugged.pending}
                network_info = [dict(vif, active=vif["id"] not in unplugged)
                                for vif in network_info]
        except NETWORK_FAILURES as exc:
            trace = traceback.format_exc()
            self._undo_volumes(ctx, instance, bdms, reschedule=False)
            self._build_aborted(ctx, instance, exc, trace)
            return
        except Exception as exc:  # noqa: BLE001 - any driver failure reschedules
            trace = traceback.format_exc()
            self._undo_volumes(ctx, instance, bdms,
                              reschedule=bool(alternates))
            self._spawn_failed(ctx, instance, request_spec, alternates,
                               admin_password, injected_files, exc, trace)
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

    def _vifs_plugged(self, instance, network_info):
        """Expect network-vif-plugged for each port not active yet (as
        Nova's libvirt driver does, [DEFAULT] vif_plugging_timeout, 0:
        not at all): ``with ... as plugged: spawn; plugged.wait()``."""
        events = [("network-vif-plugged", vif["id"])
                  for vif in network_info or ()
                  if vif.get("active", True) is False]
        timeout = self.conf.vif_plugging_timeout
        return self.instance_events.expect(
            instance.uuid, events if timeout else [], timeout,
            fatal=self.conf.vif_plugging_is_fatal)

    def _build_aborted(self, ctx, instance, exc, trace):
        """The network could not be set up: no other host would do
        better, so the build ends ERROR here (as Nova: "Failed to
        allocate the network(s), not rescheduling.")."""
        LOG.error("Network of instance %s failed on %s: %s", instance.uuid,
                  self.host, exc)
        self._undo_build(ctx, instance, exc, trace)
        self.conductor.build_aborted(ctx, instance, NETWORK_ABORT)

    def _undo_build(self, ctx, instance, exc, trace):
        """What a failed build leaves on this host goes."""
        self.notifier.instance_action(ctx, instance, "create",
                                      notifications.ERROR, exc)
        self._destroy_guest_quietly(ctx, instance)
        self.tracker.remove_usage(instance)
        self._finish_event_quietly(ctx, instance.uuid, BUILD_EVENT, ERROR,
                                   trace)

    def _spawn_failed(self, ctx, instance, request_spec, alternates,
                      admin_password, injected_files, exc, trace):
        reason = (exc.format_message()
                  if isinstance(exc, exception.StratusException) else str(exc))
        LOG.info("Spawn of instance %s on %s failed: %s", instance.uuid,
                 self.host, reason)
        self.tracker.build_failed(instance.node)
        self._undo_build(ctx, instance, exc, trace)
        self.conductor.reschedule_build(
            ctx, instance, request_spec, alternates, reason, admin_password,
            injected_files)

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


def _mappings_for_build(manager, ctx, instance, without_volumes):
    """The server's block device mappings, as far as its build needs
    them: none to read when it has no volume (compute RPC 1.13)."""
    if without_volumes:
        return []
    return list(manager.conductor.block_device_mappings(ctx, instance.uuid))
