"""Live migration, its forced completion and its abort (the conductor's
side: stratus/conductor/tasks/live_migrate.py).
"""
from stratus.compute import states
from stratus.compute_api import base
from stratus.compute_api import fail_fast
from stratus.db import types as db_types
from stratus import exception
from stratus.objects import fields
from stratus.objects import instance_action as action_obj
from stratus.objects import migration as migration_obj


class LiveMigrate(base.APIBase):
    """Live-migrate a server."""

    @fail_fast.undone_if_unsent
    def live_migrate(self, ctx, instance, host, block_migration, force,
                     wait_for_checks=False):
        """Nova's live_migrate: ACTIVE or PAUSED, not locked; host (when
        given) must exist. force: take host as given (before 2.30 a given
        host is always forced); block_migration None is 'auto'.
        wait_for_checks (before 2.34): the conductor's checks answer here
        (NoValidHost, MigrationPreCheckError, ... as 400s)."""
        base.check_lock(ctx, instance)
        states.check(instance, "liveMigrate", "os-migrateLive")
        if host:
            self._check_destination(ctx, host, None)
        self.compute_rpcapi.check_can_send_actions("1.4")
        self._begin(ctx, instance, "liveMigrate", name="os-migrateLive")
        self.conductor_api.live_migrate_instance(
            ctx, instance, host, block_migration, bool(force and host),
            wait_for_checks=wait_for_checks)

    def live_migrate_force_complete(self, ctx, instance, migration_id):
        """Finish a running live migration now (2.22)."""
        base.check_lock(ctx, instance)
        self._check_migrating(instance, "force_complete",
                              vm_states=(fields.VMState.ACTIVE,))
        migration = self._live_migration(ctx, instance, migration_id)
        if migration.status != migration_obj.Status.RUNNING:
            raise exception.InvalidMigrationState(
                migration_id=migration_id, instance_uuid=instance.uuid,
                state=migration.status, method="force complete")
        self._record(ctx, instance, "live_migration_force_complete")
        self.compute_rpcapi.live_migration_force_complete(ctx, instance,
                                                          migration)

    def live_migrate_abort(self, ctx, instance, migration_id,
                           abort_queued=False):
        """Abort a running live migration (2.24); one still queued or
        preparing too from 2.65 (abort_queued): the conductor's task
        sees it at its next step."""
        base.check_lock(ctx, instance)
        self._check_migrating(instance, "abort live migration")
        migration = self._live_migration(ctx, instance, migration_id)
        queued = (migration_obj.Status.QUEUED,
                  migration_obj.Status.PREPARING)
        allowed = (migration_obj.Status.RUNNING,) + (
            queued if abort_queued else ())
        if migration.status not in allowed:
            raise exception.InvalidMigrationState(
                migration_id=migration_id, instance_uuid=instance.uuid,
                state=migration.status, method="abort live migration")
        self._record(ctx, instance, "live_migration_cancel")
        if migration.status in queued:
            migration.status = migration_obj.Status.CANCELLED
            try:
                migration.save(expected_status=list(queued))
                return
            except exception.MigrationStatusConflict:
                # Running meanwhile: the source stops the copy.
                pass
        self.compute_rpcapi.live_migration_abort(ctx, instance, migration)

    @staticmethod
    def _check_migrating(instance, action, vm_states=None):
        if vm_states and instance.vm_state not in vm_states:
            raise exception.InstanceInvalidState(
                action=action, instance_uuid=instance.uuid,
                attr="vm_state", state=instance.vm_state)
        if instance.task_state != fields.TaskState.MIGRATING:
            raise exception.InstanceInvalidState(
                action=action, instance_uuid=instance.uuid,
                attr="task_state", state=instance.task_state)

    @staticmethod
    def _live_migration(ctx, instance, migration_id):
        """The server's live migration of that id (an integer, as Nova's
        routes take it); MigrationNotFoundForInstance (404) otherwise."""
        number = db_types.int_id(migration_id)
        try:
            with ctx.target_cell(instance.cell_uuid) as cctx:
                migration = None if number is None else (
                    migration_obj.Migration.get_by_id(cctx, number))
        except exception.MigrationNotFound:
            migration = None
        if migration is None or migration.instance_uuid != instance.uuid \
                or migration.migration_type != migration_obj.LIVE_MIGRATION:
            raise exception.MigrationNotFoundForInstance(
                migration_id=migration_id, instance_id=instance.uuid)
        return migration

    @staticmethod
    def _record(ctx, instance, action):
        with ctx.target_cell(instance.cell_uuid) as cctx:
            action_obj.InstanceAction.action_start(cctx, instance.uuid,
                                                   action)
