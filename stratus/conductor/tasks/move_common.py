"""The machinery every move shares (resize, cold migration, and the live
migration and evacuation built on it).

A move runs in the conductor, which owns its record and its state: it
creates the Migration, asks the scheduler for a destination with the
server's persisted RequestSpec (its hints and server-group policy), and
the scheduler's claim moves what the server holds on its source to the
migration's placement consumer and claims the destination for the
server in ONE transaction (``RequestSpec.move_consumer_uuid``,
``allocations.claim_in_move``). The computes are then driven one RPC
call at a time; before each step the task saves it on the migration
(``Migration.step``) together with the server's task_state, in one
transaction of the cell, so a restarted conductor knows what may be half
done.

Any failure rolls back: the destination is cleaned, the source guest is
restarted when it had been handed over, the allocations go back to the
server's consumer (``allocations.revert_move``: idempotent), and the
server ends where it started (its vm_state, on its source, no task) with
the failure as its fault; ERROR with the fault only when the source
cannot take it back. Never half-moved, never a leaked allocation.
"""
import datetime
import logging
import traceback

from stratus.compute import rpcapi as compute_rpcapi
from stratus.conductor import placement_report
from stratus.conductor.tasks import reschedule
from stratus import exception
from stratus import notifications
from stratus.objects import base as objects_base
from stratus.objects import compute_node as compute_node_obj
from stratus.objects import fields
from stratus.objects import instance as instance_obj
from stratus.objects import instance_action as instance_action_obj
from stratus.objects import instance_fault as instance_fault_obj
from stratus.objects import instance_group as instance_group_obj
from stratus.objects import migration as migration_obj
from stratus.objects import request_spec as request_spec_obj
from stratus.objects import service as service_obj
from stratus.placement import allocations
from stratus.placement import exception as placement_exception
from stratus.scheduler import resources as request_resources
from stratus.scheduler import rpcapi as scheduler_rpcapi
from stratus import constants

LOG = logging.getLogger(__name__)

VMState = fields.VMState
TaskState = fields.TaskState
Status = migration_obj.Status
Step = migration_obj.Step
SUCCESS = instance_action_obj.RESULT_SUCCESS
ERROR = instance_action_obj.RESULT_ERROR
# Where a move keeps the vm_state the server had before it (Nova's key).
OLD_VM_STATE = "old_vm_state"


class MoveTask:
    """Base of the conductor's move tasks: the scheduler and compute RPC
    clients and the steps every move takes."""

    # The conductor's action event (Nova's names).
    event = None

    def __init__(self, conf, messaging):
        self.conf = conf
        self.scheduler = scheduler_rpcapi.SchedulerAPI(messaging)
        self.compute = compute_rpcapi.ComputeAPI(messaging)
        # instance.<action>.start/end/error of the moves that notify.
        self.notifier = notifications.Notifier(
            conf, messaging, constants.CONDUCTOR_BINARY, conf.host)

    # The record --------------------------------------------------------

    @staticmethod
    def create_migration(cctx, instance, migration_type, old_flavor,
                         new_flavor, status=Status.PRE_MIGRATING):
        """The new Migration of instance from its host, saved in its cell
        at step CREATED."""
        migration = migration_obj.Migration(
            cctx, instance_uuid=instance.uuid,
            source_compute=instance.host, source_node=instance.node,
            old_instance_type_id=old_flavor.id,
            new_instance_type_id=new_flavor.id,
            migration_type=migration_type, status=status,
            user_id=cctx.user_id, project_id=cctx.project_id,
            hidden=False, cross_cell_move=False)
        migration.create(cctx)
        return migration

    def begin_same_flavor_move(self, cctx, instance, action,
                               migration_type):
        """A move that keeps the flavor (live migration, evacuation)
        starts: its action event, instance.<action>.start and its
        accepted Migration."""
        self.start_event(cctx, instance)
        self.notifier.instance_action(cctx, instance, action,
                                      notifications.START)
        return self.create_migration(
            cctx, instance, migration_type, instance.flavor,
            instance.flavor, status=Status.ACCEPTED)

    @staticmethod
    def save_step(instance, migration, step, status=None,
                  expected_task_state=None, **changes):
        """Record a step: the migration's step (and status) and the
        server's changed fields in one cell transaction. With
        expected_task_state the server must still be in it (else
        UnexpectedTaskStateError and nothing is written)."""
        if expected_task_state is None:
            expected_task_state = [instance.task_state]
        migration.step = step
        if status is not None:
            migration.status = status
        instance.update(changes)

        def also(cctx, session):
            migration.save(session=session)
        instance.save(expected_task_state=expected_task_state, also=also)

    # Scheduling and claims -------------------------------------------------

    @staticmethod
    def request_spec(ctx, instance, flavor):
        """The server's persisted RequestSpec (its hints, group, zone),
        asking for flavor; one rebuilt from the server when it has none."""
        try:
            spec = request_spec_obj.RequestSpec.get_by_instance_uuid(
                ctx, instance.uuid)
        except exception.RequestSpecNotFound:
            spec = request_spec_obj.RequestSpec(
                ctx, instance_uuid=instance.uuid,
                project_id=instance.project_id, user_id=instance.user_id,
                image=None, availability_zone=None, scheduler_hints={},
                instance_group_uuid=None)
        spec.flavor = flavor
        spec.num_instances = 1
        spec.requested_host = None
        spec.requested_hypervisor_hostname = None
        spec.ignore_hosts = []
        return spec

    def select_destination(self, ctx, instance, migration, spec,
                           ignore_hosts=(), requested_host=None,
                           allow_cross_cell=False):
        """Ask the scheduler for a destination; its claim moves the
        server's allocations to the migration and claims the destination
        in one transaction. The Selections: the claimed one first, then
        the alternates ([scheduler] max_attempts); NoValidHost when none
        fits (nothing is claimed then). A move stays in the server's cell
        unless allow_cross_cell (a resize or cold migration the API's
        policy let cross cells)."""
        spec.ignore_hosts = list(ignore_hosts)
        spec.requested_host = requested_host
        spec.requested_cell_uuid = (None if allow_cross_cell
                                    else instance.get("cell_uuid"))
        spec.move_consumer_uuid = migration.uuid
        selections = self.scheduler.select_destinations(
            ctx, spec, [instance.uuid], return_alternates=True)[0]
        self.set_destination(migration, selections[0])
        return selections

    @staticmethod
    def set_destination(migration, selection):
        migration.dest_compute = selection.service_host
        migration.dest_node = selection.nodename
        migration.dest_host = selection.service_host

    def claim_alternate(self, ctx, instance, migration, spec, selection):
        """Claim an alternate destination instead (the migration keeps
        the source); whether it could."""
        if not reschedule.claim_alternate(
                ctx, reschedule.hard_group(ctx, spec), instance, selection,
                move_consumer=migration.uuid):
            return False
        self.set_destination(migration, selection)
        return True

    def claim_forced(self, cctx, instance, migration, host):
        """A destination given and forced (live migration before 2.30 or
        with force, evacuation with force): no scheduler, but the same
        claim, which checks the host's capacity (MigrationPreCheckError
        when it has no room). Sets the migration's destination."""
        if host == instance.host:
            raise exception.UnableToMigrateToSelf(instance_id=instance.uuid,
                                                  host=host)
        self.check_host_up(cctx, host)
        nodes = compute_node_obj.ComputeNodeList.get_by_host(
            cctx.elevated(), host)
        if not nodes:
            raise exception.ComputeHostNotFound(host=host)
        node = nodes[0]
        spec = self.request_spec(cctx, instance, instance.flavor)
        try:
            allocations.claim_move(
                cctx, instance.uuid, migration.uuid, instance.project_id,
                instance.user_id,
                {node.uuid: request_resources.from_request_spec(spec)})
        except placement_exception.AllocationRejected:
            raise exception.MigrationPreCheckError(
                reason="Unable to move instance %s to host %s. There is not "
                       "enough capacity on the host for the instance."
                       % (instance.uuid, host))
        migration.dest_compute = migration.dest_host = host
        migration.dest_node = node.hypervisor_hostname
        return node

    def check_host_up(self, cctx, host):
        """ComputeServiceUnavailable unless host's compute service is up
        (and not forced down)."""
        try:
            service = service_obj.Service.get_by_host_and_binary(
                cctx.elevated(), host, constants.COMPUTE_BINARY)
        except exception.ServiceNotFound:
            raise exception.ComputeHostNotFound(host=host)
        if service.forced_down or not service.is_up(
                self.conf.service_down_time):
            raise exception.ComputeServiceUnavailable(host=host)

    @staticmethod
    def node_of(cctx, host, nodename):
        """The ComputeNode nodename of host, or None."""
        for node in compute_node_obj.ComputeNodeList.get_by_host(
                cctx.elevated(), host):
            if node.hypervisor_hostname == nodename:
                return node
        return None

    def place_on(self, cctx, instance, host, nodename):
        """Point the server at host's node nodename: its host, node and
        compute_id (None when the node is not found)."""
        instance.host, instance.node = host, nodename
        node = self.node_of(cctx, host, nodename)
        instance.compute_id = None if node is None else node.id

    # Failures ----------------------------------------------------------

    def roll_back(self, cctx, instance, migration, exc, trace,
                  restore_source=False, clean_destination=True):
        """Undo a move that failed: clean the destination, give the
        server its source back (and restart its guest there when
        restore_source), return the allocations to the server, and leave
        it in its starting vm_state with the failure as its fault; ERROR
        when the source cannot take it back."""
        source_host, source_node = migration.source_compute, \
            migration.source_node
        if not self._save_step_quietly(instance, migration,
                                       Step.ROLLING_BACK):
            # Deleted, or being deleted: the delete ends the move and
            # frees what it holds; only the claim is undone here (and
            # what it gives back freed, if the delete is already done).
            allocations.revert_move(cctx, instance.uuid, migration.uuid)
            try:
                instance_obj.Instance.get_by_uuid(cctx, instance.uuid)
            except exception.InstanceNotFound:
                allocations.remove_consumer(cctx, instance.uuid)
            return
        expected = [instance.task_state]
        if clean_destination and migration.get("dest_compute") \
                and migration.dest_compute != source_host:
            self._quietly("clean %s of" % migration.dest_compute,
                          instance, self.compute.revert_resize, cctx,
                          migration.dest_compute, instance, migration)
        self.place_on(cctx, instance, source_host, source_node)
        vm_state = instance.vm_state
        failed = None
        if restore_source:
            try:
                instance.power_state = self.compute.finish_revert_resize(
                    cctx, source_host, instance, migration,
                    power_on=vm_state != VMState.STOPPED)
            except Exception as restore_exc:  # noqa: BLE001 - saved below
                LOG.error("Server %s cannot be restarted on %s: %s",
                          instance.uuid, source_host, restore_exc)
                failed = restore_exc
        self.give_back_source(cctx, instance, migration)
        fault = self.fault(instance, failed or exc, trace)
        migration.status = Status.ERROR
        migration.step = Step.DONE
        instance.task_state = None
        if failed is not None:
            instance.vm_state = VMState.ERROR
        LOG.info("Move of %s rolled back (%s): %s", instance.uuid,
                 "ERROR" if failed else "on its source", exc)
        self.finish(cctx, instance, migration, ERROR, trace, fault=fault,
                    details=message(exc), expected_task_state=expected)

    @staticmethod
    def give_back_source(cctx, instance, migration):
        """The server's consumer holds its source again (the migration's
        consumer goes), and its server group sees it there."""
        allocations.revert_move(cctx, instance.uuid, migration.uuid)
        instance_group_obj.record_host(cctx, [instance.uuid],
                                       migration.source_compute)

    def finish(self, cctx, instance, migration, result=SUCCESS, trace=None,
               fault=None, details=None, expected_task_state=None,
               event=None):
        """Save the server's end state and the migration in one cell
        transaction, with the fault and the conductor's finished event
        (event, else the task's)."""
        event = event or self.event

        def also(ctx, session):
            migration.save(session=session)
            if fault is not None:
                fault.create(ctx, session=session)
            if event is not None:
                _finish_event(ctx, session, instance.uuid, event, result,
                              trace, details)
        try:
            instance.save(expected_task_state=expected_task_state,
                          also=also)
        except (exception.InstanceNotFound,
                exception.UnexpectedTaskStateError) as exc:
            # The delete that took the server over ends the move.
            LOG.info("Server %s was deleted during its move: %s",
                     instance.uuid, exc)
            placement_report.of(cctx).remove_consumer(cctx, migration.uuid)

    def start_event(self, cctx, instance, event=None):
        event = event or self.event
        try:
            instance_action_obj.InstanceActionEvent.event_start(
                cctx, instance.uuid, event, host=self.conf.host)
        except exception.NotFound:
            LOG.debug("No action to record %s of %s in", event,
                      instance.uuid)

    def fault(self, instance, exc, trace):
        return instance_fault_obj.InstanceFault.from_exception(
            instance.uuid, exc, trace, host=self.conf.host)

    def _save_step_quietly(self, instance, migration, step):
        """Whether the step was saved (not when the server was deleted or
        another task took it over)."""
        try:
            self.save_step(instance, migration, step)
            return True
        except (exception.InstanceNotFound,
                exception.UnexpectedTaskStateError) as exc:
            LOG.info("Could not record step %s of the move of %s: %s", step,
                     instance.uuid, exc)
            return False

    @staticmethod
    def _quietly(what, instance, call, *args, **kwargs):
        try:
            return call(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - cleanup after a failure
            LOG.warning("Could not %s server %s: %s", what, instance.uuid,
                        exc)
            return None


def recently_changed(conf, migration):
    """Whether the migration changed within [conductor] move_timeout (a
    live migration's copy reports progress on it: still driven)."""
    changed = migration.get("updated_at") or migration.get("created_at")
    return changed is not None and objects_base.utcnow() - changed < \
        datetime.timedelta(seconds=conf.conductor.move_timeout)


def message(exc):
    if isinstance(exc, exception.StratusException):
        return exc.format_message()
    return str(exc) or exc.__class__.__name__


def _finish_event(cctx, session, instance_uuid, event, result, trace,
                  details):
    try:
        instance_action_obj.finish_event(cctx, session, instance_uuid, event,
                                         result, trace, details)
    except exception.NotFound:
        pass


def format_trace():
    return traceback.format_exc()
