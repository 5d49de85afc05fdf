"""Delete: remove a server's guest and its ports, then the server (through
the conductor); soft delete and restore, and the periodic reclaim of
servers soft-deleted longer than [DEFAULT] reclaim_instance_interval.
"""
import traceback

from stratus.compute.tasks.common import (
    ERROR, LOG, PowerState, SUCCESS, TaskState, VMState)
from stratus import exception
from stratus import notifications
from stratus.objects import base as objects_base
from stratus.objects import instance as instance_obj
from stratus.virt import driver as virt_driver

TERMINATE_EVENT = "compute_terminate_instance"


class DestroyMixin:
    """The compute manager's deletes, and its removal of guests."""

    def terminate_instance(self, ctx, instance):
        with self._locks(instance.uuid):
            self._terminate(ctx, instance)

    def _terminate(self, ctx, instance):
        uuid = instance.uuid
        self._start_event_quietly(ctx, uuid, TERMINATE_EVENT)
        self.notifier.instance_action(ctx, instance, "delete",
                                      notifications.START)
        try:
            self.driver.destroy(ctx, instance)
        except Exception:  # noqa: BLE001 - the instance must show the failure
            trace = traceback.format_exc()
            LOG.exception("Could not destroy the guest of instance %s", uuid)
            self._set_error(ctx, instance, TaskState.DELETING)
            self._finish_event_quietly(ctx, uuid, TERMINATE_EVENT, ERROR,
                                       trace)
            return
        self._deallocate_network_quietly(ctx, instance)
        # Its attachments go, and the volumes to delete on termination
        # (stratus/compute/tasks/volumes.py).
        self.detach_all_volumes(ctx, instance)
        self.tracker.remove_usage(instance)
        try:
            self.conductor.instance_destroy(ctx, instance)
        except exception.InstanceNotFound:
            LOG.debug("Instance %s was already deleted", uuid)
        self._finish_event_quietly(ctx, uuid, TERMINATE_EVENT, SUCCESS)
        if self.notifier.wanted():
            # What the conductor left in the database.
            instance.update(dict(
                vm_state=VMState.DELETED, task_state=None,
                power_state=PowerState.NOSTATE,
                terminated_at=objects_base.utcnow(),
                deleted_at=objects_base.utcnow()))
            self.notifier.instance_action(ctx, instance, "delete",
                                          notifications.END)

    def soft_delete_instance(self, ctx, instance):
        self._perform(ctx, instance, "softDelete", virt_driver.PowerControl,
                      lambda: self.driver.power_off(instance))

    def restore_instance(self, ctx, instance):
        def restore():
            self.driver.power_on(ctx, instance, self._network_info(instance))
            instance.deleted_at = None
        self._perform(ctx, instance, "restore", virt_driver.PowerControl,
                      restore)

    def reclaim_queued_deletes(self, ctx):
        """Delete the servers soft-deleted longer than
        [DEFAULT] reclaim_instance_interval ago."""
        interval = self.conf.reclaim_instance_interval
        now = objects_base.utcnow()
        for instance in self.conductor.instances_on_host(ctx, self.host):
            if instance.vm_state != VMState.SOFT_DELETED \
                    or instance.task_state is not None \
                    or self._locks.held(instance.uuid):
                continue
            since = instance.deleted_at or instance.updated_at
            if since is not None and (now - since).total_seconds() < interval:
                continue
            LOG.info("Reclaiming soft-deleted instance %s", instance.uuid)
            with self._locks(instance.uuid):
                self._terminate(ctx, instance)

    def _destroy_guest_quietly(self, ctx, instance):
        try:
            self.driver.destroy(ctx, instance)
        except Exception:  # noqa: BLE001 - cleanup after a failure
            LOG.exception("Could not remove the guest of instance %s",
                          instance.uuid)
        self._deallocate_network_quietly(ctx, instance)

    def _destroy_orphan(self, ctx, instance_uuid):
        self._destroy_guest_quietly(
            ctx, instance_obj.Instance(uuid=instance_uuid, host=self.host))
