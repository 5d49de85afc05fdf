"""Live migration, one step at a time as the conductor calls them
(stratus/conductor/tasks/live_migrate.py): the destination's checks,
preparation, post and rollback; the source's copy, which reports its
progress on the migration through the conductor as it goes; and the
force-complete and abort of a running copy.
"""
import traceback

from stratus.compute.tasks.common import ERROR, LOG, SUCCESS
from stratus.virt import driver as virt_driver


class LiveMigrateMixin:
    """The compute manager's steps of live migrations."""

    def check_can_live_migrate_destination(self, ctx, instance, migration,
                                           block_migration):
        return self._move_step(
            ctx, instance, migration,
            "compute_check_can_live_migrate_destination",
            lambda: self.driver.check_can_live_migrate_destination(
                ctx, instance, block_migration),
            capability=virt_driver.LiveMigratable)

    def pre_live_migration(self, ctx, instance, migration, block_migration):
        def prepare():
            self._moving.add(instance.uuid)
            if self._ports_follow_server():
                # Multiple port bindings: an INACTIVE one here for each
                # port (Nova's conductor makes them before this step).
                self.network.bind_ports_on_destination(ctx, instance,
                                                       self.host)
            volumes = self._attach_on_destination(ctx, instance)
            self.driver.pre_live_migration(ctx, instance, block_migration,
                                           self._network_info(instance),
                                           block_device_info=volumes)
        self._move_step(ctx, instance, migration,
                        "compute_pre_live_migration", prepare,
                        capability=virt_driver.LiveMigratable)

    def live_migration(self, ctx, instance, migration, block_migration):
        def progress(memory_total, memory_processed, memory_remaining,
                     disk_total, disk_processed, disk_remaining):
            for name, value in (
                    ("memory_total", memory_total),
                    ("memory_processed", memory_processed),
                    ("memory_remaining", memory_remaining),
                    ("disk_total", disk_total),
                    ("disk_processed", disk_processed),
                    ("disk_remaining", disk_remaining)):
                setattr(migration, name, value)
            try:
                self.conductor.migration_save(ctx, migration)
            except Exception as exc:  # noqa: BLE001 - progress is advisory
                LOG.warning("Could not record the progress of %s: %s",
                            migration.uuid, exc)
            migration.obj_reset_changes()

        def copy():
            self._moving.add(instance.uuid)
            self.driver.live_migration(ctx, instance, migration.dest_compute,
                                       block_migration, progress)
        try:
            self._move_step(ctx, instance, migration,
                            "compute_live_migration", copy,
                            capability=virt_driver.LiveMigratable)
        except Exception:
            self._moving.discard(instance.uuid)
            raise
        self._activate_destination_bindings(ctx, instance, migration)
        self._left(instance, migration.dest_compute)

    def _activate_destination_bindings(self, ctx, instance, migration):
        """Right after the guest moved (Nova's migrate_instance_start):
        its ports' bindings on the destination become ACTIVE and this
        host's go. On a failure the destination's post step rebinds the
        ports (binding:host_id) as it does without binding-extended."""
        if not self._ports_follow_server():
            return
        try:
            self.network.activate_bindings(ctx, instance,
                                           migration.dest_compute, self.host)
        except Exception:  # noqa: BLE001 - the destination rebinds them
            LOG.exception("Could not activate the port bindings of %s on %s",
                          instance.uuid, migration.dest_compute)

    def post_live_migration_at_destination(self, ctx, instance, migration,
                                           power_state):
        def post():
            network_info = self._network_info(instance)
            if self._ports_follow_server():
                # The network service's ports are bound here now.
                network_info = self._network_again(ctx, instance)
                self._save_network_info(ctx, instance, network_info)
            self._settle_attachments(ctx, instance, moved=True)
            _, volumes = self._volume_info(ctx, instance)
            self.driver.post_live_migration_at_destination(
                ctx, instance, network_info, power_state,
                block_device_info=volumes)
            return self._power_state(instance)
        power_state = self._move_step(
            ctx, instance, migration,
            "compute_post_live_migration_at_destination", post,
            capability=virt_driver.LiveMigratable)
        self._moving.discard(instance.uuid)
        arrived = instance.obj_clone()
        arrived.host, arrived.node = self.host, migration.dest_node
        self.tracker.update_usage(arrived)
        return power_state

    def rollback_live_migration_at_destination(self, ctx, instance,
                                               migration):
        def roll_back():
            try:
                self.driver.rollback_live_migration_at_destination(
                    ctx, instance, self._network_info(instance))
                self._settle_attachments(ctx, instance, moved=False)
            finally:
                if self._ports_follow_server():
                    # The ports stay bound (ACTIVE) to the source only.
                    self.network.delete_bindings(ctx, instance, self.host)
        self._move_step(ctx, instance, migration,
                        "compute_rollback_live_migration_at_destination",
                        roll_back, capability=virt_driver.LiveMigratable)
        self._moving.discard(instance.uuid)

    def live_migration_force_complete(self, ctx, instance, migration=None):
        """migration: sent by clients before 1.7, never read."""
        self._while_migrating(ctx, instance,
                              "compute_live_migration_force_complete",
                              self.driver.live_migration_force_complete)

    def live_migration_abort(self, ctx, instance, migration=None):
        """migration: sent by clients before 1.7, never read."""
        self._while_migrating(ctx, instance, "compute_live_migration_abort",
                              self.driver.live_migration_abort)

    def _while_migrating(self, ctx, instance, event, work):
        """Act on a running copy (without the server's lock, which the
        copy holds), recorded as the request's event."""
        self._start_event_quietly(ctx, instance.uuid, event)
        try:
            self._require(virt_driver.LiveMigratable, "live migration")
            work(instance)
        except Exception as exc:  # noqa: BLE001 - a cast: the event says
            LOG.info("%s of %s failed: %s", event, instance.uuid, exc)
            self._finish_event_quietly(ctx, instance.uuid, event, ERROR,
                                       traceback.format_exc())
            return
        self._finish_event_quietly(ctx, instance.uuid, event, SUCCESS)
