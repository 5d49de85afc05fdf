"""Resize and cold migration, confirmed or reverted. The API checks and
starts them (task resize_prep, the action); the conductor drives them
(stratus/conductor/tasks/migrate.py).
"""
from stratus.compute import states
from stratus.compute_api import base
from stratus.compute_api import fail_fast
from stratus import exception
from stratus.objects import migration as migration_obj
from stratus.objects import request_spec as request_spec_obj


class Migrate(base.APIBase):
    """Resize or cold-migrate a server; confirm or revert."""

    @fail_fast.undone_if_unsent
    def resize(self, ctx, instance, flavor_id=None, host=None,
               auto_disk_config=None, allow_cross_cell=False):
        """Resize to flavor_id, or (None) cold-migrate, to host when given;
        allow_cross_cell: the caller's policy lets the move go to another
        cell (compute:servers:resize:cross_cell). Nova's checks: 400 for the same flavor, a zero-disk flavor, a
        flavor the image does not fit, an unknown host or the server's
        own; 403 over quota for a resize up; 409 for the state, a lock."""
        base.check_lock(ctx, instance)
        action = "resize" if flavor_id is not None else "migrate"
        states.check(instance, action)
        current = instance.flavor
        if flavor_id is None:
            flavor = None
            if host is not None:
                self._check_destination(ctx, host, None)
                if host == instance.host:
                    raise exception.CannotMigrateToSameHost()
        else:
            flavor = self._flavor(ctx, flavor_id)
            if flavor.flavorid == current.flavorid:
                raise exception.CannotResizeToSameFlavor()
            self._check_resize_flavor(ctx, instance, current, flavor)
        self.compute_rpcapi.check_can_send_moves()
        changes = {}
        if auto_disk_config is not None:
            changes["auto_disk_config"] = auto_disk_config
        self._begin(ctx, instance, action, **changes)
        self.conductor_api.migrate_server(
            ctx, instance, flavor, host,
            allow_cross_cell_move=allow_cross_cell)

    def _check_resize_flavor(self, ctx, instance, current, flavor):
        is_bfv = self._is_volume_backed(ctx, instance)
        if flavor.root_gb == 0 and current.root_gb != 0 and not is_bfv:
            raise exception.CannotResizeDisk(
                reason="Resize to zero disk flavor is not allowed.")
        properties = instance.get("image_properties") or {}
        if flavor.memory_mb < int(properties.get("min_ram") or 0):
            raise exception.FlavorMemoryTooSmall()
        min_disk = int(properties.get("min_disk") or 0)
        if not is_bfv and flavor.root_gb and min_disk > flavor.root_gb:
            raise exception.FlavorDiskSmallerThanMinDisk(
                flavor_size=flavor.root_gb * base.GiB,
                image_min_disk=min_disk * base.GiB)
        self._check_growth(ctx, instance, current, flavor)

    def _check_growth(self, ctx, instance, current, flavor):
        """A move to a bigger flavor counts its growth in cores and RAM
        against the project's quota (403 when over), as Nova does."""
        deltas = {name: getattr(flavor, field) - getattr(current, field)
                  for name, field in (("cores", "vcpus"),
                                      ("ram", "memory_mb"))}
        deltas = {name: delta for name, delta in deltas.items() if delta > 0}
        if deltas:
            self.quotas.check_deltas(ctx, instance.project_id,
                                     instance.user_id, deltas)

    @staticmethod
    def _is_volume_backed(ctx, instance):
        spec = request_spec_obj.RequestSpecList.get_by_instance_uuids(
            ctx, [instance.uuid], only=["is_bfv"])
        return bool(spec and spec[0].get("is_bfv"))

    def confirm_resize(self, ctx, instance):
        """VERIFY_RESIZE -> ACTIVE (STOPPED if it was) on the destination;
        MigrationNotFoundByStatus (Nova's 400 'Instance has not been
        resized.') when no resize waits."""
        migration = self._waiting_move(ctx, instance, "confirmResize")
        with ctx.target_cell(instance.cell_uuid) as cctx:
            migration_obj.begin_confirm(cctx, instance, migration)
        self.conductor_api.confirm_resize(ctx, instance, migration)

    def revert_resize(self, ctx, instance):
        """VERIFY_RESIZE -> back on the source with the old flavor."""
        migration = self._waiting_move(ctx, instance, "revertResize")
        old, new = instance.get("old_flavor"), instance.get("new_flavor")
        if old is not None and new is not None:
            self._check_growth(ctx, instance, new, old)
        with ctx.target_cell(instance.cell_uuid) as cctx:
            migration_obj.begin_revert(cctx, instance, migration)
        self.conductor_api.revert_resize(ctx, instance, migration)

    def _waiting_move(self, ctx, instance, action):
        base.check_lock(ctx, instance)
        states.check(instance, action)
        self._in_cell(instance, action)
        self.compute_rpcapi.check_can_send_moves()
        with ctx.target_cell(instance.cell_uuid) as cctx:
            return migration_obj.Migration.get_by_instance_and_status(
                cctx, instance.uuid, migration_obj.Status.FINISHED)
