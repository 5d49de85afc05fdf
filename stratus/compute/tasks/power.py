"""Power actions (reboot, stop, start, pause, unpause, suspend, resume, a
crash dump), and the power state of guests kept in step with the
database: periodically, and for an action a restart cut short.
"""
from stratus.compute import states
from stratus.compute.tasks.common import LOG, PowerState, TaskState, VMState
from stratus import exception
from stratus.virt import driver as virt_driver

VM_STATE_BY_POWER_STATE = states.VM_STATE_BY_POWER_STATE


class PowerMixin:
    """The compute manager's power actions and power state sync."""

    def reboot_instance(self, ctx, instance, reboot_type):
        self._perform(ctx, instance, "reboot" if reboot_type == "SOFT"
                      else "reboot_hard", virt_driver.PowerControl,
                      lambda: self.driver.reboot(
                          ctx, instance, self._network_info(instance),
                          reboot_type))

    def stop_instance(self, ctx, instance):
        self._perform(ctx, instance, "stop", virt_driver.PowerControl,
                      lambda: self.driver.power_off(instance))

    def start_instance(self, ctx, instance):
        self._perform(ctx, instance, "start", virt_driver.PowerControl,
                      lambda: self.driver.power_on(
                          ctx, instance, self._network_info(instance)))

    def pause_instance(self, ctx, instance):
        self._perform(ctx, instance, "pause", virt_driver.Pausable,
                      lambda: self.driver.pause(instance))

    def unpause_instance(self, ctx, instance):
        self._perform(ctx, instance, "unpause", virt_driver.Pausable,
                      lambda: self.driver.unpause(instance))

    def suspend_instance(self, ctx, instance):
        self._perform(ctx, instance, "suspend", virt_driver.Suspendable,
                      lambda: self.driver.suspend(ctx, instance))

    def resume_instance(self, ctx, instance):
        self._perform(ctx, instance, "resume", virt_driver.Suspendable,
                      lambda: self.driver.resume(
                          ctx, instance, self._network_info(instance)))

    def trigger_crash_dump(self, ctx, instance):
        self._perform(ctx, instance, "trigger_crash_dump",
                      virt_driver.CrashDump,
                      lambda: self.driver.trigger_crash_dump(instance))

    def _finish_power_operation(self, ctx, instance):
        """Power the guest off or on as the interrupted operation meant
        to (its on_restart in stratus/compute/states.py); other operations
        end in whatever state the guest is in."""
        if not virt_driver.supports(self.driver, virt_driver.PowerControl):
            return
        on_restart = states.on_restart(instance.task_state)
        try:
            if on_restart == states.FINISH_POWER_OFF:
                self.driver.power_off(instance)
            elif on_restart == states.FINISH_POWER_ON:
                self.driver.power_on(ctx, instance,
                                     self._network_info(instance))
        except exception.InstanceNotFound:
            LOG.warning("Instance %s has no guest on %s", instance.uuid,
                        self.host)

    def _settle(self, ctx, instance, expected_task_state):
        """End an interrupted operation in the state the guest is in."""
        power_state = self._power_state(instance)
        instance.power_state = power_state
        instance.vm_state = VM_STATE_BY_POWER_STATE.get(power_state,
                                                        VMState.ERROR)
        if expected_task_state == TaskState.SOFT_DELETING \
                and power_state == PowerState.SHUTDOWN:
            instance.vm_state = VMState.SOFT_DELETED
        instance.task_state = None
        self._save_quietly(ctx, instance, expected_task_state)

    def sync_power_states(self, ctx):
        """Align the database with the guests, and remove guests whose
        instance is gone from this host."""
        guests = set(self.driver.list_instance_uuids())
        instances = self.conductor.instances_on_host(ctx, self.host)
        for orphan in guests - {instance.uuid for instance in instances}:
            if not self._locks.held(orphan) and orphan not in self._moving:
                LOG.info("Removing guest %s: no instance on %s owns it",
                         orphan, self.host)
                self._destroy_orphan(ctx, orphan)
        for instance in instances:
            if instance.task_state is None \
                    and not self._locks.held(instance.uuid):
                self._sync_power_state(ctx, instance)

    def _sync_power_state(self, ctx, instance):
        power_state = self._power_state(instance)
        vm_state = instance.vm_state
        if vm_state in (VMState.ACTIVE, VMState.PAUSED) \
                and power_state in (PowerState.SHUTDOWN, PowerState.CRASHED):
            LOG.info("Instance %s stopped outside Stratus", instance.uuid)
            instance.vm_state = VMState.STOPPED
        elif vm_state in (VMState.STOPPED, VMState.SOFT_DELETED) \
                and power_state in (
                PowerState.RUNNING, PowerState.PAUSED, PowerState.SUSPENDED):
            LOG.info("Instance %s runs while stopped; powering it off",
                     instance.uuid)
            self.driver.power_off(instance)
            power_state = self._power_state(instance)
        if power_state != instance.power_state:
            instance.power_state = power_state
        if instance.obj_what_changed():
            self._save_quietly(ctx, instance, [None])
