"""Consoles: the serial and VNC consoles' connections, and the console
output (calls).
"""
from stratus.compute.tasks.common import LOG, PowerState
from stratus import exception
from stratus.virt import driver as virt_driver


class ConsolesMixin:
    """The compute manager's consoles."""

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
            raise exception.ConsolesNotSupportedByDriver()
        if self.driver.get_power_state(instance) != PowerState.RUNNING:
            raise exception.InstanceNotReady(instance_id=instance.uuid)
        return self.driver

    def get_console_output(self, ctx, instance, tail_length):
        self._require(virt_driver.ConsoleOutput, "console output")
        try:
            output = self.driver.get_console_output(ctx, instance)
        except Exception:  # noqa: BLE001 - the caller gets Nova's 404
            LOG.exception("No console output of instance %s", instance.uuid)
            raise exception.ConsoleNotAvailable()
        if tail_length is None:
            return output
        if int(tail_length) == 0:
            return ""
        return "\n".join(output.split("\n")[-int(tail_length):])
