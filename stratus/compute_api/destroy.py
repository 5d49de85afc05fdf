"""Delete, soft delete, restore and force delete (the conductor's side:
stratus/conductor/tasks/destroy.py).
"""
import logging

from stratus.compute import states
from stratus.compute_api import base
from stratus.compute_api import fail_fast
from stratus import exception
from stratus import notifications
from stratus.objects import base as objects_base
from stratus.objects import build_request as build_request_obj
from stratus.objects import console_auth_token as console_tokens
from stratus.objects import fields
from stratus.objects import instance_action as action_obj
from stratus.objects import instance_group as instance_group_obj
from stratus.objects import instance_mapping as mapping_obj
from stratus.objects import migration as migration_obj
from stratus.placement import allocations

LOG = logging.getLogger(__name__)


class Destroy(base.APIBase):
    """Delete a server, at once or softly."""

    def delete(self, ctx, instance, force=False):
        """Delete the server: drop its build request if it has not
        reached a cell, else have its host terminate it (task_state
        deleting), or delete it here when it has no host or its compute
        service is down. With [DEFAULT] reclaim_instance_interval > 0 a
        server on a live host is soft-deleted instead (see soft_delete)."""
        base.check_lock(ctx, instance)
        if not force and self._soft_deletes(ctx, instance):
            self.soft_delete(ctx, instance)
            return
        mapping = mapping_obj.InstanceMapping.get_by_instance_uuid(
            ctx, instance.uuid)
        if instance.get("cell_uuid") is None:
            try:
                build_request_obj.BuildRequest(
                    ctx, instance_uuid=instance.uuid).destroy()
            except exception.BuildRequestNotFound:
                # The conductor placed it in a cell meanwhile.
                instance = self.get(ctx, instance.uuid)
            else:
                # The conductor binds a server to its cell and deletes its
                # build request in one transaction: it never reaches one.
                mapping.queued_for_delete = True
                mapping.save()
                instance_group_obj.remove_member(ctx, instance.uuid)
                return
        with ctx.target_cell(instance.cell_uuid) as cctx:
            if instance.task_state == fields.TaskState.DELETING:
                return
            action_obj.InstanceAction.action_start(
                cctx, instance.uuid, action_obj.DELETE)
            # Its consoles go with it, and a shelved server's snapshot.
            console_tokens.revoke_instance(ctx, instance.uuid)
            self._delete_shelved_image(ctx, instance)
            self._drop_resize_source(ctx, cctx, instance)
            if instance.host and self._host_is_up(ctx, instance):
                try:
                    self._start_deleting(instance)
                except exception.UnexpectedDeletingTaskStateError:
                    return
                try:
                    self.compute_rpcapi.terminate_instance(cctx, instance)
                except exception.BrokerUnavailable:
                    # Recorded: the conductor's stuck-state check sends it.
                    LOG.warning("Delete of %s recorded; its compute gets "
                                "it once the broker is back", instance.uuid)
                return
            # A local delete (no host, or its compute is down), as Nova's
            # API announces it.
            self.notifier.instance_action(ctx, instance, "delete",
                                          notifications.START)
            # Resources first, so a 404 means they are free.
            allocations.remove_consumer(ctx, instance.uuid)
            migration_obj.end_moves_of_deleted(cctx, instance.uuid)
            # Its attachments (and delete_on_termination volumes) go.
            self.delete_local_volumes(ctx, cctx, instance)
            instance.destroy()
            self.notifier.instance_action(ctx, instance, "delete",
                                          notifications.END)
        mapping.queued_for_delete = True
        mapping.save()
        instance_group_obj.remove_member(ctx, instance.uuid)

    def _drop_resize_source(self, ctx, cctx, instance):
        """Nova's _confirm_resize_on_deleting: the source of a resize
        that waits for its confirm drops what it kept for a revert (the
        guest's files, its ports) before the server goes; a source that
        is down keeps them."""
        if instance.vm_state != fields.VMState.RESIZED:
            return
        for migration in migration_obj.MigrationList.get_by_filters(cctx, {
                "instance_uuid": instance.uuid,
                "status": migration_obj.Status.FINISHED}):
            source = migration.source_compute
            if not self._service_is_up(ctx, source, instance.cell_uuid):
                continue
            try:
                self.compute_rpcapi.confirm_resize(cctx, source, instance,
                                                   migration)
            except Exception as exc:  # noqa: BLE001 - the delete goes on
                LOG.warning("Source %s could not drop what it kept of %s: "
                            "%s", source, instance.uuid, exc)

    def _delete_shelved_image(self, ctx, instance):
        """Nova deletes the snapshot of a shelved server with it."""
        if instance.vm_state not in (fields.VMState.SHELVED,
                                     fields.VMState.SHELVED_OFFLOADED):
            return
        image_id = (instance.system_metadata or {}).get("shelved_image_id")
        if not image_id:
            return
        try:
            self.image_api.delete(ctx, image_id)
        except (exception.ImageNotFound, exception.NotAuthorized) as exc:
            LOG.warning("Could not delete the snapshot %s of shelved server "
                        "%s: %s", image_id, instance.uuid, exc)

    @staticmethod
    def _start_deleting(instance):
        """task_state = deleting, atomically against concurrent task
        changes; UnexpectedDeletingTaskStateError if another delete won."""
        for _attempt in range(3):
            expected = instance.task_state
            instance.task_state = fields.TaskState.DELETING
            try:
                instance.save(expected_task_state=[expected])
                return
            except exception.UnexpectedDeletingTaskStateError:
                raise
            except exception.UnexpectedTaskStateError as exc:
                instance.task_state = exc.kwargs["actual"]
        raise exception.ConcurrentUpdate(what="the server's task state")

    def _soft_deletes(self, ctx, instance):
        """Whether a delete of this server is a soft delete."""
        return (self.conf.reclaim_instance_interval > 0
                and instance.get("cell_uuid") is not None
                and instance.host is not None
                and instance.vm_state != fields.VMState.SOFT_DELETED
                and instance.task_state != fields.TaskState.DELETING
                and self._host_is_up(ctx, instance))

    @fail_fast.undone_if_unsent
    def soft_delete(self, ctx, instance):
        """SOFT_DELETED after its compute powers it off; restorable until
        the compute reclaims it."""
        self._begin(ctx, instance, "softDelete",
                    deleted_at=objects_base.utcnow())
        self.compute_rpcapi.soft_delete_instance(ctx, instance)

    @fail_fast.undone_if_unsent
    def restore(self, ctx, instance):
        """Undo a soft delete. Its cores and RAM count against quota again
        (the server itself never stopped counting)."""
        base.check_lock(ctx, instance)
        states.check(instance, "restore")
        self.quotas.check_deltas(
            ctx, instance.project_id, instance.user_id,
            {"cores": instance.vcpus, "ram": instance.memory_mb})
        if instance.host and self._host_is_up(ctx, instance):
            self._begin(ctx, instance, "restore")
            self.compute_rpcapi.restore_instance(ctx, instance)
            return
        self._begin(ctx, instance, "restore")
        instance.vm_state = fields.VMState.ACTIVE
        instance.task_state = None
        instance.deleted_at = None
        instance.save()

    def force_delete(self, ctx, instance):
        base.check_lock(ctx, instance)
        states.check(instance, "forceDelete")
        self.delete(ctx, instance, force=True)
