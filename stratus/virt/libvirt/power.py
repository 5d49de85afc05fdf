"""The libvirt driver's power actions: power off and on, reboot, pause,
suspend (a managed save) and resume."""
import time

from stratus import exception
from stratus.objects import fields
from stratus.virt import driver
from stratus.virt.libvirt.binding import libvirt

PowerState = fields.PowerState


class PowerMixin(driver.PowerControl, driver.Pausable,
                   driver.Suspendable):
    def power_off(self, instance, timeout=0):
        domain = self._domain(instance)
        if not domain.isActive():
            return
        if timeout > 0 and self._shutdown(domain, timeout):
            return
        self._call(domain.destroy)

    def _shutdown(self, domain, timeout):
        """Press the ACPI power button; whether the guest was off within
        timeout seconds."""
        self._call(domain.shutdown)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not domain.isActive():
                return True
            time.sleep(0.2)
        return False

    def power_on(self, ctx, instance, network_info, block_device_info=None):
        """With the volumes of block_device_info (None: those it has)."""
        domain = self._domain(instance)
        if not domain.isActive():
            self._remake_volumes(domain, block_device_info)
            self._call(self._domain(instance).create)

    def reboot(self, ctx, instance, network_info, reboot_type,
               block_device_info=None):
        """A HARD reboot with a block_device_info remakes the guest with
        its volumes (stopped, defined anew, started), as Nova's."""
        domain = self._domain(instance)
        if reboot_type != "SOFT" and block_device_info is not None:
            if domain.isActive():
                self._call(domain.destroy)
            self._remake_volumes(domain, block_device_info)
            self._call(self._domain(instance).create)
        elif not domain.isActive():
            self._call(domain.create)
        elif reboot_type == "SOFT":
            # libvirt presses the power button and restarts QEMU's guest
            # once it has powered off.
            self._call(domain.reboot, libvirt.VIR_DOMAIN_REBOOT_ACPI_POWER_BTN)
        else:
            self._call(domain.reset, 0)

    def pause(self, instance):
        self._require(instance, PowerState.RUNNING, "pause")
        self._call(self._domain(instance).suspend)

    def unpause(self, instance):
        self._require(instance, PowerState.PAUSED, "unpause")
        self._call(self._domain(instance).resume)

    def suspend(self, ctx, instance):
        self._require(instance, PowerState.RUNNING, "suspend")
        self._call(self._domain(instance).managedSave, 0)

    def resume(self, ctx, instance, network_info, block_device_info=None):
        """The saved guest comes back with the disks it had (its saved
        state holds them)."""
        self._require(instance, PowerState.SUSPENDED, "resume")
        self._call(self._domain(instance).create)

    def _require(self, instance, power_state, action):
        current = self.get_power_state(instance)
        if current != power_state:
            raise exception.InstanceInvalidState(
                action=action, instance_uuid=instance.uuid,
                attr="power_state", state=PowerState.NAMES.get(current))
