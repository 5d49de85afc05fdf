"""Resize and cold migration (one path: a cold migration is a resize to
the same flavor on another host), and their confirm and revert.

The API set task_state resize_prep and recorded the action; this task
(move_common.MoveTask) creates the Migration, schedules with the server's
RequestSpec (the source host left out for a migration, and for a resize
unless ``[DEFAULT] allow_resize_to_same_host``), and drives the computes
with RPC calls, saving each step:

    preparing  -> prep_resize on the destination            (resize_prep)
    migrating  -> resize_instance on the source              (resize_migrating)
    finishing  -> finish_resize on the destination           (resize_migrated,
                                                               resize_finish)
    finished   -> the server is on the destination, RESIZED (VERIFY_RESIZE),
                  its source allocations held by the migration

Confirm: the source drops its guest, the migration's allocations go, the
server ends ACTIVE (STOPPED if it was). Revert: the destination drops its
guest, the allocations go back to the server, the source restarts it
with its old flavor. A failure before ``finished`` rolls the whole move
back (move_common.MoveTask.roll_back).
"""
import datetime
import logging

from stratus.conductor import placement_report
from stratus import exception
from stratus.conductor.tasks import move_common
from stratus.objects import base as objects_base
from stratus.objects import instance as instance_obj
from stratus.objects import instance_queries
from stratus.objects import migration as migration_obj

LOG = logging.getLogger(__name__)

VMState = move_common.VMState
TaskState = move_common.TaskState
Status = move_common.Status
Step = move_common.Step
OLD_VM_STATE = move_common.OLD_VM_STATE

MIGRATE_EVENT = "conductor_migrate_server"
CONFIRM_EVENT = "conductor_confirm_resize"
REVERT_EVENT = "conductor_revert_resize"
# Migrations a stopped conductor may have left in the middle.
_RECOVERABLE = (Status.PRE_MIGRATING, Status.MIGRATING, Status.POST_MIGRATING,
                Status.CONFIRMING, Status.REVERTING)
# Steps after which the source may have handed its guest over.
_HANDED_OVER = (Step.MIGRATING, Step.FINISHING, Step.ROLLING_BACK)
# System metadata a cell conductor's confirm leaves on the server: the
# request spec (API database) still asks for the old flavor; the super
# conductor's periodic pass settles it (settle_spec_flavors).
SPEC_FLAVOR_STALE = "request_spec_flavor_stale"
# Flavor-sized fields of the server, set from its flavor.
_SIZES = ("vcpus", "memory_mb", "root_gb", "ephemeral_gb")


def apply_flavor(instance, flavor):
    """Make flavor the server's current one (its sized fields too)."""
    instance.flavor = flavor
    instance.instance_type_id = flavor.id
    for name in _SIZES:
        setattr(instance, name, getattr(flavor, name))


class MigrateTask(move_common.MoveTask):
    event = MIGRATE_EVENT

    def migrate_server(self, cctx, instance, flavor, host=None,
                       allow_cross_cell=False):
        """Resize to flavor (None: a cold migration, to host when given);
        to a host of another cell too when allow_cross_cell (the API's
        policy said so; see cross_cell_migrate)."""
        self.start_event(cctx, instance)
        old_flavor = instance.flavor
        new_flavor = flavor if flavor is not None else old_flavor
        resize = flavor is not None and flavor.id != old_flavor.id
        migration = self.create_migration(
            cctx, instance,
            migration_obj.RESIZE if resize else migration_obj.MIGRATION,
            old_flavor, new_flavor)
        try:
            spec = self.request_spec(cctx, instance, new_flavor)
            same_host = resize and self.conf.allow_resize_to_same_host
            selections = self.select_destination(
                cctx, instance, migration, spec,
                ignore_hosts=() if same_host else (instance.host,),
                requested_host=host, allow_cross_cell=allow_cross_cell)
        except Exception as exc:  # noqa: BLE001 - NoValidHost and the rest
            LOG.info("No destination for %s: %s", instance.uuid, exc)
            self.roll_back(cctx, instance, migration, exc,
                           move_common.format_trace(),
                           clean_destination=False)
            return
        self._move(cctx, instance, migration, spec, selections, old_flavor,
                   new_flavor)

    def _prepare(self, cctx, instance, migration, spec, selections, flavor):
        """Prep the first destination that takes the server: the one the
        scheduler claimed, else each alternate in turn, claimed instead
        (Nova's reschedule of a resize). The Selection; the last failure
        when none does."""
        failure = None
        for index, selection in enumerate(selections):
            if index and not self.claim_alternate(cctx, instance, migration,
                                                  spec, selection):
                continue
            # The destination's names are saved with this step.
            self.save_step(instance, migration, Step.PREPARING)
            try:
                self.compute.prep_resize(cctx, selection.service_host,
                                         instance, migration, flavor)
                return selection
            except Exception as exc:  # noqa: BLE001 - the next one, or roll back
                LOG.info("%s cannot take %s: %s", selection.service_host,
                         instance.uuid, exc)
                failure = exc
        raise failure

    def _move(self, cctx, instance, migration, spec, selections, old_flavor,
              new_flavor):
        vm_state = instance.vm_state
        steps = [Step.PREPARING]
        try:
            selection = self._prepare(cctx, instance, migration, spec,
                                      selections, new_flavor)
            dest = selection.service_host
            disk_info = self.hand_over(cctx, instance, migration,
                                       new_flavor, steps.append)
            # The destination owns the server from here (as in Nova's
            # finish_resize): its compute sees it as its own.
            self.save_step(instance, migration, Step.FINISHING,
                           task_state=TaskState.RESIZE_FINISH, host=dest,
                           node=selection.nodename)
            moved = instance.obj_clone()
            apply_flavor(moved, new_flavor)
            power_state = self.compute.finish_resize(
                cctx, dest, moved, migration, disk_info,
                power_on=vm_state != VMState.STOPPED)
        except Exception as exc:  # noqa: BLE001 - every failure rolls back
            self.roll_back(cctx, instance, migration, exc,
                           move_common.format_trace(),
                           restore_source=steps[-1] in (Step.MIGRATING,
                                                        Step.FINISHING))
            return
        instance.compute_id = selection.get("compute_node_id")
        instance.availability_zone = selection.availability_zone
        instance.old_flavor = old_flavor
        instance.new_flavor = new_flavor
        apply_flavor(instance, new_flavor)
        instance.vm_state = VMState.RESIZED
        instance.task_state = None
        instance.power_state = power_state
        instance.system_metadata = dict(instance.system_metadata,
                                        **{OLD_VM_STATE: vm_state})
        migration.status = Status.FINISHED
        migration.step = Step.FINISHED
        self.finish(cctx, instance, migration,
                    expected_task_state=[TaskState.RESIZE_FINISH])

    def hand_over(self, cctx, instance, migration, flavor, reached):
        """The source's step: the guest powered off and its disk sent
        (resize_instance), saved before and after; the disk info for
        the destination. reached(step) hears of each step saved."""
        self.save_step(instance, migration, Step.MIGRATING,
                       status=Status.MIGRATING,
                       task_state=TaskState.RESIZE_MIGRATING)
        reached(Step.MIGRATING)
        disk_info = self.compute.resize_instance(
            cctx, migration.source_compute, instance, migration, flavor)
        self.save_step(instance, migration, Step.FINISHING,
                       status=Status.POST_MIGRATING,
                       task_state=TaskState.RESIZE_MIGRATED)
        reached(Step.FINISHING)
        return disk_info

    # Confirm and revert -------------------------------------------------

    def confirm_resize(self, cctx, instance, migration):
        """The API (or the auto-confirm) set task resize_confirming and
        the migration confirming."""
        self.start_event(cctx, instance, CONFIRM_EVENT)
        self.save_step(instance, migration, Step.CONFIRMING)
        failure = self.drop_source(cctx, instance, migration)
        placement_report.of(cctx).remove_consumer(cctx, migration.uuid)
        old_vm_state = instance.system_metadata.get(OLD_VM_STATE)
        instance.vm_state = (VMState.STOPPED
                             if old_vm_state == VMState.STOPPED
                             else VMState.ACTIVE)
        instance.task_state = None
        instance.old_flavor = None
        instance.new_flavor = None
        instance.system_metadata = {
            key: value for key, value in instance.system_metadata.items()
            if key != OLD_VM_STATE}
        migration.status = (Status.CONFIRMED if failure is None
                            else Status.ERROR)
        migration.step = Step.DONE
        self._save_spec_flavor(cctx, instance)
        self._end(cctx, instance, migration, CONFIRM_EVENT, failure,
                  TaskState.RESIZE_CONFIRMING)

    def drop_source(self, cctx, instance, migration):
        """The source's part of a confirm: its guest goes. The failure,
        or None."""
        try:
            self.compute.confirm_resize(cctx, migration.source_compute,
                                        instance, migration)
        except Exception as exc:  # noqa: BLE001 - the server is fine on its destination
            # The source's guest is left over; its compute removes guests
            # no server owns (sync_power_states).
            LOG.warning("Source %s could not drop the guest of %s: %s",
                        migration.source_compute, instance.uuid, exc)
            return exc
        return None

    def drop_destination(self, cctx, instance, migration):
        """The destination's part of a revert: its guest goes."""
        try:
            self.compute.revert_resize(cctx, migration.dest_compute,
                                       instance, migration)
        except Exception as exc:  # noqa: BLE001 - the source takes it back anyway
            LOG.warning("Destination %s could not drop the guest of %s: %s",
                        migration.dest_compute, instance.uuid, exc)

    def revert_resize(self, cctx, instance, migration):
        """The API set task resize_reverting and the migration reverting."""
        self.start_event(cctx, instance, REVERT_EVENT)
        self.save_step(instance, migration, Step.REVERTING)
        self.drop_destination(cctx, instance, migration)
        self.restore_source(cctx, instance, migration)

    def restore_source(self, cctx, instance, migration):
        """The source takes the server back with its old flavor (task
        resize_reverting, the migration reverting)."""
        old_flavor = instance.old_flavor or instance.flavor
        old_vm_state = instance.system_metadata.get(OLD_VM_STATE)
        self.place_on(cctx, instance, migration.source_compute,
                      migration.source_node)
        apply_flavor(instance, old_flavor)
        instance.old_flavor = None
        instance.new_flavor = None
        instance.system_metadata = {
            key: value for key, value in instance.system_metadata.items()
            if key != OLD_VM_STATE}
        self.give_back_source(cctx, instance, migration)
        failure = None
        try:
            instance.power_state = self.compute.finish_revert_resize(
                cctx, migration.source_compute, instance, migration,
                power_on=old_vm_state != VMState.STOPPED)
            instance.vm_state = (VMState.STOPPED
                                 if old_vm_state == VMState.STOPPED
                                 else VMState.ACTIVE)
        except Exception as exc:  # noqa: BLE001 - ERROR with the fault
            LOG.error("Source %s could not restart %s: %s",
                      migration.source_compute, instance.uuid, exc)
            failure = exc
            instance.vm_state = VMState.ERROR
        instance.task_state = None
        migration.status = (Status.REVERTED if failure is None
                            else Status.ERROR)
        migration.step = Step.DONE
        self._end(cctx, instance, migration, REVERT_EVENT, failure,
                  TaskState.RESIZE_REVERTING)

    def _end(self, cctx, instance, migration, event, failure, task_state):
        trace = fault = details = None
        if failure is not None:
            trace = move_common.format_trace()
            fault = self.fault(instance, failure, trace)
            details = move_common.message(failure)
        self.finish(cctx, instance, migration,
                    move_common.SUCCESS if failure is None
                    else move_common.ERROR, trace, fault=fault,
                    details=details, expected_task_state=[task_state],
                    event=event)

    @staticmethod
    def _save_spec_flavor(cctx, instance):
        """Later moves schedule with the confirmed flavor. The spec is
        the API level's: a cell conductor (an auto-confirm) marks the
        server instead, for settle_spec_flavors."""
        if not placement_report.has_api(cctx):
            instance.system_metadata = dict(
                instance.system_metadata,
                **{SPEC_FLAVOR_STALE: instance.flavor.flavorid})
            return
        _save_flavor_in_spec(cctx, instance.uuid, instance.flavor)

    # Recovery -------------------------------------------------------------

    def recover(self, cctx, instance):
        """Settle a move whose conductor stopped driving it (the stuck
        check calls this once the server's task outlived [conductor]
        move_timeout without progress), from the step saved on its
        migration: a move not finished is rolled back (the source
        restarts the guest if it may have handed it over; ERROR with a
        fault when it cannot), a confirm or revert is done again (every
        part of them can run twice). What was done, or None."""
        try:
            migration = migration_obj.Migration.get_by_instance_and_status(
                cctx, instance.uuid, list(_RECOVERABLE))
        except exception.MigrationNotFound:
            return None
        migration.cell_uuid = instance.cell_uuid
        step = migration.step
        LOG.warning("Recovering the move of %s left at step %s (%s)",
                    instance.uuid, step, migration.status)
        if migration.status == Status.CONFIRMING:
            self.confirm_resize(cctx, instance, migration)
            return "move confirmed"
        if migration.status == Status.REVERTING:
            self.revert_resize(cctx, instance, migration)
            return "move reverted"
        if step in (Step.FINISHED, Step.DONE):
            return None
        exc = exception.MigrationError(
            reason="the conductor driving it stopped at step %s" % step)
        self.roll_back(cctx, instance, migration, exc, None,
                       restore_source=step in _HANDED_OVER,
                       clean_destination=step != Step.CREATED)
        return "move rolled back"

    # Automatic confirm ----------------------------------------------------

    def confirm_stale_resizes(self, cctx, host, window):
        """Confirm the resizes to host that waited longer than window
        seconds (the compute's periodic task asks; [DEFAULT]
        resize_confirm_window). The number confirmed."""
        cutoff = objects_base.utcnow() - datetime.timedelta(seconds=window)
        stale = migration_obj.MigrationList.get_by_filters(cctx, {
            "dest_compute": host, "status": Status.FINISHED,
            "updated_before": cutoff})
        confirmed = 0
        for migration in stale:
            try:
                instance = instance_obj.Instance.get_by_uuid(
                    cctx, migration.instance_uuid,
                    expected_attrs=["system_metadata"])
            except exception.InstanceNotFound:
                continue
            if instance.vm_state != VMState.RESIZED \
                    or instance.task_state is not None:
                continue
            try:
                migration_obj.begin_confirm(cctx, instance, migration)
            except (exception.UnexpectedTaskStateError,
                    exception.MigrationStatusConflict):
                continue
            LOG.info("Confirming the resize of %s after %s s",
                     instance.uuid, window)
            self.confirm_resize(cctx, instance, migration)
            confirmed += 1
        return confirmed


def _save_flavor_in_spec(ctx, instance_uuid, flavor):
    try:
        spec = move_common.request_spec_obj.RequestSpec \
            .get_by_instance_uuid(ctx, instance_uuid)
    except exception.RequestSpecNotFound:
        return
    if spec.flavor.flavorid != flavor.flavorid:
        spec.flavor = flavor
        spec.save()


def settle_spec_flavors(ctx, cell_uuid):
    """The super conductor's part of a cell conductor's confirm: the
    request spec of each server of the cell it marked takes the
    server's flavor, and the mark goes. {uuid: what was done}."""
    done = {}
    with ctx.target_cell(cell_uuid) as cctx:
        for uuid in instance_queries.marked(cctx, SPEC_FLAVOR_STALE):
            try:
                instance = instance_obj.Instance.get_by_uuid(cctx, uuid)
            except exception.InstanceNotFound:
                continue
            _save_flavor_in_spec(ctx, uuid, instance.flavor)
            instance_queries.unmark(cctx, uuid, SPEC_FLAVOR_STALE)
            LOG.info("The request spec of %s takes its confirmed flavor %s",
                     uuid, instance.flavor.flavorid)
            done[uuid] = "request spec flavor settled"
    return done
