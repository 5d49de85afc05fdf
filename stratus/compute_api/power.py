"""Power actions (reboot, stop, start, pause, suspend and their undoing,
crash dump, network info injection), the admin password, lock and
unlock, and the admin's reset of a server's state.
"""
from stratus.compute import states
from stratus.compute_api import base
from stratus.compute_api import fail_fast
from stratus.objects import instance_action as action_obj


class Power(base.APIBase):
    """Actions that change a server's power state, lock or password."""

    @fail_fast.undone_if_unsent
    def reboot(self, ctx, instance, reboot_type):
        action = "reboot" if reboot_type == "SOFT" else "reboot_hard"
        self._begin(ctx, instance, action, name="reboot")
        self.compute_rpcapi.reboot_instance(ctx, instance, reboot_type)

    @fail_fast.undone_if_unsent
    def power_action(self, ctx, instance, action):
        """stop, start, pause, unpause, suspend, resume, unrescue,
        trigger_crash_dump and injectNetworkInfo: no arguments beyond the
        server."""
        self._begin(ctx, instance, action)
        cast = states.transition(action).cast
        getattr(self.compute_rpcapi, cast)(ctx, instance)

    @fail_fast.undone_if_unsent
    def set_admin_password(self, ctx, instance, password):
        """Waits for the compute (as Nova does): InstancePasswordSetFailed
        or ActionNotSupportedByDriver (409s) when it cannot."""
        self._begin(ctx, instance, "changePassword")
        self.compute_rpcapi.set_admin_password(ctx, instance, password)

    def reset_state(self, ctx, instance, vm_state):
        """The admin's os-resetState: vm_state as given, no task."""
        self._begin(ctx, instance, "resetState")
        instance.vm_state = vm_state
        instance.task_state = None
        instance.save()

    def lock(self, ctx, instance, reason=None):
        """Lock the server (by its owner or by an admin); records the
        'lock' action. Locking an owner-locked server again is a no-op."""
        is_owner = instance.project_id == ctx.project_id
        if instance.locked and is_owner:
            return
        self._in_cell(instance, "lock")
        with ctx.elevated().target_cell(instance.cell_uuid) as cctx:
            action_obj.InstanceAction.action_start(cctx, instance.uuid,
                                                   action_obj.LOCK)
            with action_obj.recorded_event(cctx, instance.uuid, "api_lock"):
                instance.locked = True
                instance.locked_by = "owner" if is_owner else "admin"
                if reason:
                    instance.locked_reason = reason
                instance.save()

    def unlock(self, ctx, instance):
        self._in_cell(instance, "unlock")
        with ctx.elevated().target_cell(instance.cell_uuid) as cctx:
            action_obj.InstanceAction.action_start(cctx, instance.uuid,
                                                   action_obj.UNLOCK)
            with action_obj.recorded_event(cctx, instance.uuid,
                                           "api_unlock"):
                instance.locked = False
                instance.locked_by = None
                instance.locked_reason = None
                instance.save()

    @staticmethod
    def is_expected_locked_by(ctx, instance):
        """Whether ctx may unlock without the override: the owner unlocks
        what the owner locked, an admin what an admin locked."""
        expected = "owner" if instance.project_id == ctx.project_id \
            else "admin"
        return not instance.locked_by or instance.locked_by == expected
