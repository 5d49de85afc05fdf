"""Live migration: move a running (or paused) server to another host
while it runs, on the machinery every move shares (move_common.MoveTask).

The API set task_state migrating and recorded the 'live-migration'
action. The task creates the Migration (type live-migration, status
accepted), then:

    checks   the source is up and the guest runs; the destination is the
             scheduler's choice (the server's RequestSpec, the source left
             out, a requested host as a filter) or, forced, the host as
             given with its capacity checked by the claim; either way the
             claim gives the source allocations to the migration's consumer
             and claims the destination for the server in one transaction;
             the destination's driver checks it can take the guest
             (check_can_live_migrate_destination; a scheduler's choice
             that fails it is left out and the next one tried, up to
             [scheduler] max_attempts)                       status queued
    prepare  pre_live_migration on the destination          status preparing
    copy     live_migration on the source, which reports progress (memory
             and disk totals, processed, remaining) on the record
                                                             status running
    finish   post_live_migration_at_destination; the server is on the
             destination, the migration's (source) allocations go
                                                             status completed

A failure before the guest left the source rolls back: the destination
drops what it prepared, the allocations go back to the server, the server
stays where it was (its vm_state, no task) with the failure as its fault,
the migration ends error (cancelled after an abort). An abort while
queued or preparing (2.65) is seen at the next status change (each is
saved only if the status is still the one the task left).
"""
import logging

from stratus.conductor.tasks import move_common
from stratus import exception
from stratus import notifications
from stratus.objects import migration as migration_obj
from stratus.placement import allocations

LOG = logging.getLogger(__name__)

Status = move_common.Status
Step = move_common.Step
TaskState = move_common.TaskState
PowerState = move_common.fields.PowerState
EVENT = "conductor_live_migrate_instance"
# The action's name (instance.live_migration.* notifications).
ACTION = "liveMigrate"
# The task states whose stuck servers this task recovers.
RECOVERED = (TaskState.MIGRATING,)
# Seconds the conductor waits for a source to copy a guest.
COPY_TIMEOUT = 3600


class LiveMigrateTask(move_common.MoveTask):
    event = EVENT

    def __init__(self, conf, messaging):
        super().__init__(conf, messaging)
        from stratus.conductor import rpcapi as conductor_rpcapi
        self.conductor = conductor_rpcapi.ConductorAPI(messaging)

    def live_migrate_instance(self, cctx, instance, host, block_migration,
                              force, wait_for_checks=False, migration=None):
        if migration is not None:
            # Checked and claimed while a caller waited: carry on.
            self._migrate(cctx, instance, migration, block_migration)
            return
        migration = self.begin_same_flavor_move(
            cctx, instance, ACTION, migration_obj.LIVE_MIGRATION)
        try:
            block_migration = self._check_and_claim(
                cctx, instance, migration, host, block_migration, force)
            # Claimed and named: what a recovery undoes from here on.
            self._advance(migration, Status.ACCEPTED, Status.QUEUED,
                          Step.PREPARING)
        except Exception as exc:  # noqa: BLE001 - every failure rolls back
            LOG.info("Live migration of %s not possible: %s", instance.uuid,
                     exc)
            self._roll_back(cctx, instance, migration, exc,
                            move_common.format_trace())
            if wait_for_checks:
                raise
            return
        if wait_for_checks:
            self.conductor.live_migrate_instance(
                cctx, instance, host, block_migration, force,
                migration=migration)
            return
        self._migrate(cctx, instance, migration, block_migration)

    # Checks and the claim ---------------------------------------------

    def _check_and_claim(self, cctx, instance, migration, host,
                         block_migration, force):
        """Claim a destination that passed its checks; the block_migration
        its driver chose."""
        if instance.power_state not in (PowerState.RUNNING,
                                        PowerState.PAUSED):
            raise exception.InstanceInvalidState(
                action="live migrate", instance_uuid=instance.uuid,
                attr="power_state",
                state=PowerState.NAMES.get(instance.power_state))
        self.check_host_up(cctx, instance.host)
        if host and force:
            return self._claim_forced(cctx, instance, migration, host,
                                      block_migration)
        spec = self.request_spec(cctx, instance, instance.flavor)
        ignored = [instance.host]
        last_error = None
        for _attempt in range(max(1, self.conf.scheduler.max_attempts)):
            try:
                selection = self.select_destination(
                    cctx, instance, migration, spec, ignore_hosts=ignored,
                    requested_host=host)[0]
            except exception.NoValidHost:
                if last_error is not None:
                    raise last_error
                raise
            migration.dest_compute = selection.service_host
            migration.dest_node = selection.nodename
            try:
                return self._check_destination(cctx, selection.service_host,
                                               instance, migration,
                                               block_migration)
            except exception.MigrationPreCheckError as exc:
                last_error = exc
                ignored.append(selection.service_host)
                if host:
                    break
        raise last_error

    def _check_destination(self, cctx, host, instance, migration,
                           block_migration):
        """The destination driver's check; any refusal or failure is a
        MigrationPreCheckError (a 400 for a caller that waits)."""
        try:
            return self.compute.check_can_live_migrate_destination(
                cctx, host, instance, migration, block_migration)
        except exception.MigrationPreCheckError:
            raise
        except Exception as exc:  # noqa: BLE001 - the host cannot take it
            LOG.info("%s cannot take %s live: %s", host, instance.uuid, exc)
            raise exception.MigrationPreCheckError(
                reason="%s cannot take the server: %s"
                % (host, move_common.message(exc)))

    def _claim_forced(self, cctx, instance, migration, host,
                      block_migration):
        self.claim_forced(cctx, instance, migration, host)
        return self._check_destination(cctx, host, instance, migration,
                                       block_migration)

    # The move -----------------------------------------------------------

    def _migrate(self, cctx, instance, migration, block_migration):
        dest = migration.dest_compute
        try:
            self._advance(migration, Status.QUEUED, Status.PREPARING,
                          Step.PREPARING)
            self.compute.pre_live_migration(cctx, dest, instance, migration,
                                            block_migration)
            self._advance(migration, Status.PREPARING, Status.RUNNING,
                          Step.MIGRATING)
            self.compute.live_migration(cctx, instance, migration,
                                        block_migration, COPY_TIMEOUT)
        except Exception as exc:  # noqa: BLE001 - every failure rolls back
            self._roll_back(cctx, instance, migration, exc,
                            move_common.format_trace(), clean=True)
            return
        # The guest has left the source: from here the server is the
        # destination's, whatever happens (a recovery finishes it).
        try:
            self.save_step(instance, migration, Step.FINISHING,
                           status=Status.POST_MIGRATING)
        except (exception.InstanceNotFound,
                exception.UnexpectedTaskStateError) as exc:
            LOG.info("Server %s changed during its live migration: %s",
                     instance.uuid, exc)
        self._finish_on_destination(cctx, instance, migration)

    def _finish_on_destination(self, cctx, instance, migration):
        dest = migration.dest_compute
        failure = None
        try:
            instance.power_state = \
                self.compute.post_live_migration_at_destination(
                    cctx, dest, instance, migration, instance.power_state)
        except Exception as exc:  # noqa: BLE001 - ERROR with the fault
            LOG.error("%s could not start the arrived guest of %s: %s", dest,
                      instance.uuid, exc)
            failure = exc
            instance.vm_state = move_common.VMState.ERROR
        allocations.remove_consumer(cctx, migration.uuid)
        self.place_on(cctx, instance, dest, migration.dest_node)
        instance.task_state = None
        migration.status = (Status.COMPLETED if failure is None
                            else Status.ERROR)
        migration.step = Step.DONE
        trace = fault = None
        if failure is not None:
            trace = move_common.format_trace()
            fault = self.fault(instance, failure, trace)
        self.finish(cctx, instance, migration,
                    move_common.SUCCESS if failure is None
                    else move_common.ERROR, trace, fault=fault,
                    details=failure and move_common.message(failure),
                    expected_task_state=[TaskState.MIGRATING])
        self.notifier.instance_action(
            cctx, instance, ACTION,
            notifications.END if failure is None else notifications.ERROR,
            failure)

    @staticmethod
    def _advance(migration, current, status, step):
        """The next status, only if the migration is still in current (an
        abort of a queued or preparing migration changed it:
        exception.MigrationCancelled)."""
        migration.status = status
        migration.step = step
        try:
            migration.save(expected_status=current)
        except exception.MigrationStatusConflict:
            raise exception.MigrationCancelled(migration_id=migration.id)

    def _roll_back(self, cctx, instance, migration, exc, trace,
                   clean=False):
        """The server stays where it was, with the failure as its fault;
        the destination's claim goes back to the server's source."""
        cancelled = isinstance(exc, (exception.MigrationCancelled,
                                     exception.LiveMigrationAborted))
        if clean and migration.get("dest_compute"):
            self._quietly("clean %s of" % migration.dest_compute, instance,
                          self.compute.rollback_live_migration_at_destination,
                          cctx, migration.dest_compute, instance, migration)
        allocations.revert_move(cctx, instance.uuid, migration.uuid)
        migration.status = Status.CANCELLED if cancelled else Status.ERROR
        migration.step = Step.DONE
        expected = [instance.task_state]
        instance.task_state = None
        fault = None if cancelled else self.fault(instance, exc, trace)
        self.finish(cctx, instance, migration,
                    move_common.ERROR, trace, fault=fault,
                    details=move_common.message(exc),
                    expected_task_state=expected)
        self.notifier.instance_action(cctx, instance, ACTION,
                                      notifications.ERROR, exc)

    # Recovery -----------------------------------------------------------

    def recover(self, cctx, instance, compute_up=None, abandoned=False):
        """Settle a live migration whose conductor stopped driving it (the
        stuck check, past [conductor] move_timeout): finished on the
        destination when the guest had left the source (step finishing),
        rolled back otherwise; left alone while its copy still reports
        progress. What was done, or None."""
        migration = newest_move(cctx, instance, migration_obj.LIVE_MIGRATION)
        if migration is None or migration.step == Step.DONE:
            instance.task_state = None
            instance.save(expected_task_state=[TaskState.MIGRATING])
            return "task cleared"
        if not abandoned and move_common.recently_changed(self.conf,
                                                          migration):
            return None
        LOG.warning("Recovering the live migration of %s left at step %s "
                    "(%s)", instance.uuid, migration.step, migration.status)
        if migration.step == Step.FINISHING:
            self._finish_on_destination(cctx, instance, migration)
            return "live migration finished"
        exc = exception.MigrationError(
            reason="the conductor driving it stopped at step %s"
            % migration.step)
        self._roll_back(cctx, instance, migration, exc, None,
                        clean=migration.step in (Step.PREPARING,
                                                 Step.MIGRATING))
        return "live migration rolled back"


def newest_move(cctx, instance, migration_type):
    """The newest migration of that type of the server (its cell set), or
    None."""
    found = migration_obj.MigrationList.get_by_filters(cctx, {
        "instance_uuid": instance.uuid, "migration_type": migration_type},
        limit=1)
    if not found:
        return None
    migration = found[0]
    migration.cell_uuid = instance.cell_uuid
    return migration
