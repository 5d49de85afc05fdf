"""What the move steps share (migrate.py, live_migrate.py, evacuate.py): the
conductor calls each step (stratus/conductor/tasks/) and owns the states;
a step runs under the server's lock with its action event and raises its
failure back to the conductor, which rolls back.
"""
import traceback

from stratus.compute.tasks.common import ERROR, LOG, SUCCESS
from stratus import exception
from stratus import notifications
from stratus.objects import migration as migration_obj
from stratus.virt import driver as virt_driver

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


class MoveStepMixin:
    """The compute manager's run of one move step."""

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

    def _left(self, instance, other_host):
        """The server's move no longer needs this host."""
        self._moving.discard(instance.uuid)
        if other_host != self.host:
            self.tracker.remove_usage(instance)
