"""Evacuate: rebuild a server whose host is down on another host (the
conductor's side: stratus/conductor/tasks/evacuate.py).
"""
from stratus.compute import states
from stratus.compute_api import base
from stratus.compute_api import fail_fast
from stratus import exception


class Evacuate(base.APIBase):
    """Evacuate a server."""

    @fail_fast.undone_if_unsent
    def evacuate(self, ctx, instance, host=None, admin_password=None,
                 force=False, target_state=None):
        """Nova's evacuate: ACTIVE, STOPPED or ERROR and no task, its
        compute service down or forced down (ComputeServiceInUse, 400,
        otherwise); the conductor rebuilds it on host (the scheduler's
        choice when None; as given when force). target_state 'stopped'
        (2.95) leaves it stopped."""
        states.check(instance, "evacuate")
        self._in_cell(instance, "evacuate")
        if instance.host and self._host_is_up(ctx, instance):
            raise exception.ComputeServiceInUse(host=instance.host)
        self.compute_rpcapi.check_can_send_actions("1.4")
        self._begin(ctx, instance, "evacuate")
        self.conductor_api.evacuate_instance(
            ctx, instance, host, bool(force and host), admin_password,
            target_state=target_state)
