"""Diagnostics: a running guest's figures, measured by the driver (a
call, compute RPC 1.8)."""
from stratus.compute.tasks.common import LOG, PowerState
from stratus import exception
from stratus.virt import diagnostics
from stratus.virt import driver as virt_driver


class DiagnosticsMixin:
    """The compute manager's diagnostics."""

    def get_instance_diagnostics(self, ctx, instance):
        """The guest's diagnostics; NotImplementedError when the driver
        has none (the API's 501), InstanceInvalidState unless the guest
        runs (409), as Nova's compute answers."""
        if not virt_driver.supports(self.driver, virt_driver.Diagnostics):
            raise NotImplementedError(
                "The %s driver has no diagnostics." % self.driver.name)
        state = self._power_state(instance)
        if state != PowerState.RUNNING:
            raise exception.InstanceInvalidState(
                action="get_diagnostics", instance_uuid=instance.uuid,
                attr="power state", state=diagnostics.STATE_NAMES.get(state, state))
        LOG.info("Retrieving diagnostics of instance %s", instance.uuid)
        return self.driver.get_instance_diagnostics(instance)
