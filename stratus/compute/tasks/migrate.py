"""Resize and cold migration, one step at a time as the conductor calls
them (stratus/conductor/tasks/migrate.py): prep_resize, finish_resize and
revert_resize on the destination; resize_instance, confirm_resize and
finish_revert_resize on the source; and the periodic confirm of resizes
older than [DEFAULT] resize_confirm_window.
"""


class MigrateMixin:
    """The compute manager's steps of resizes and cold migrations."""

    def poll_unconfirmed_resizes(self, ctx):
        """Have the conductor confirm the resizes to this host that
        waited longer than [DEFAULT] resize_confirm_window."""
        self.conductor.confirm_stale_resizes(
            ctx, self.host, self.conf.resize_confirm_window)

    def prep_resize(self, ctx, instance, migration, flavor):
        def prep():
            self.driver.prepare_migration_target(ctx, instance, flavor)
            self._moving.add(instance.uuid)
        self._move_step(ctx, instance, migration, "compute_prep_resize", prep)

    def resize_instance(self, ctx, instance, migration, flavor):
        def send():
            self._moving.add(instance.uuid)
            bdms, volumes = self._volume_info(ctx, instance)
            disk_info = self.driver.migrate_disk_and_power_off(
                ctx, instance, migration.dest_compute, flavor,
                self._network_info(instance), block_device_info=volumes)
            if volumes:
                # Reserved for the destination, which attaches them.
                self._reserve_volumes_again(ctx, instance, bdms)
            return disk_info
        return self._move_step(ctx, instance, migration,
                               "compute_resize_instance", send)

    def finish_resize(self, ctx, instance, migration, disk_info, power_on,
                      flavor=None):
        """The guest gets ports of this host's network (the source's stay
        until the move is confirmed, for a revert). flavor: sent by
        clients before 1.7, never read (instance has the new one)."""
        def finish():
            network_info = self._network_again(ctx, instance)
            try:
                bdms, volumes = self._connect_volumes(ctx, instance)
                self.driver.finish_migration(
                    ctx, migration, instance, disk_info, network_info, None,
                    migration.migration_type == "resize", power_on,
                    block_device_info=volumes)
                self._complete_volumes(ctx, bdms)
                self._save_network_info(ctx, instance, network_info)
            except Exception:
                if migration.source_compute != self.host:
                    self._release_network_quietly(ctx, instance)
                raise
            return self._power_state(instance)
        power_state = self._move_step(ctx, instance, migration,
                                      "compute_finish_resize", finish)
        self._moving.discard(instance.uuid)
        self.tracker.update_usage(instance)
        return power_state

    def confirm_resize(self, ctx, instance, migration):
        """The source's part of a confirm: what it kept goes. Whatever
        happens the move no longer needs this host (a guest left over
        is an orphan the power-state sync removes)."""
        def confirm():
            self.driver.confirm_migration(ctx, migration, instance,
                                          self._network_info(instance))
            if migration.dest_compute != self.host:
                self._release_network_quietly(ctx, instance)
        try:
            self._move_step(ctx, instance, migration,
                            "compute_confirm_resize", confirm)
        finally:
            self._left(instance, migration.dest_compute)

    def revert_resize(self, ctx, instance, migration):
        """The destination's part of a revert or a rollback: its guest
        goes (a destroy, which every driver has)."""
        def drop():
            bdms, volumes = self._volume_info(ctx, instance)
            self.driver.destroy(ctx, instance, self._network_info(instance),
                                block_device_info=volumes)
            if volumes:
                # Reserved for the source, which attaches them again.
                self._reserve_volumes_again(ctx, instance, bdms)
            if migration.source_compute != self.host:
                self._release_network_quietly(ctx, instance)
        try:
            self._move_step(ctx, instance, migration,
                            "compute_revert_resize", drop, capability=None)
        finally:
            self._left(instance, migration.source_compute)

    def finish_revert_resize(self, ctx, instance, migration, power_on):
        """The guest comes back with this host's ports (those it kept)."""
        def restore():
            network_info = self._network_again(ctx, instance)
            bdms, volumes = self._connect_volumes(ctx, instance)
            self.driver.finish_revert_migration(
                ctx, instance, network_info, migration, power_on,
                block_device_info=volumes)
            self._complete_volumes(ctx, bdms)
            self._save_network_info(ctx, instance, network_info)
            return self._power_state(instance)
        power_state = self._move_step(ctx, instance, migration,
                                      "compute_finish_revert_resize",
                                      restore)
        self._moving.discard(instance.uuid)
        self.tracker.update_usage(instance)
        return power_state
