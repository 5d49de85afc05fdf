"""Resize and cold migration into another cell (Nova's cross-cell
resize), and their confirm and revert; same-cell moves go on as
migrate.MigrateTask drives them.

A move may leave its cell only when the API's policy
``compute:servers:resize:cross_cell`` passed (nobody by default): the
conductor then lets the scheduler look at every cell's hosts
(``RequestSpec.requested_cell_uuid`` unset), where CrossCellWeigher still
prefers the server's own cell. When the host it claims is in another
cell, the server's records follow it (stratus/objects/cross_cell.py):

    preparing  -> the migration (cross_cell_move) in the source cell; the
                  server and everything of it copied into the target
                  cell, hidden there; prep_resize on the destination
                  (reached through its cell's transport) with the copy
    migrating  -> resize_instance on the source: powered off, disk sent
    finishing  -> finish_resize on the destination with the copy
    finished   -> the switch: the actions and events, metadata and tags
                  recorded in the source cell since the copy brought
                  over, the target copy shown, the instance mapping
                  pointed at the target cell, the source copy hidden,
                  RESIZED (VERIFY_RESIZE)

Until the switch the source cell's copy is the server (the API shows
it, the move's steps are saved on it); from the switch the target's.
The API's GET of the server answers throughout, from the cell the
mapping names; lists show one copy (the other is hidden; for the
instant of the switch both are shown and a list keeps the mapped
cell's). The server
keeps its uuid, its actions and their request ids, its migrations'
uuids; its database ids (and so an instance name made from the id) are
the target cell's.

Confirm: the source compute drops its guest and the source cell's copy
is removed. Revert: the destination drops its guest, the actions and
events, metadata and tags recorded in the target cell are brought back
(system metadata with the server's flavors), the mapping points
at the source cell again, its copy is shown and the target's removed,
and the source restarts the server with its old flavor. A failure before
the switch rolls back as a same-cell move does, and removes the target's
copy.
"""
import logging

from stratus import exception
from stratus.conductor.tasks import migrate
from stratus.conductor.tasks import move_common
from stratus.objects import cross_cell
from stratus.objects import host_mapping as host_mapping_obj
from stratus.objects import instance as instance_obj
from stratus.objects import instance_mapping as instance_mapping_obj
from stratus.objects import migration as migration_obj

LOG = logging.getLogger(__name__)

# Fields of the server its owner may change while it waits in
# VERIFY_RESIZE (PUT /servers/{id}, lock): a revert keeps them.
_OWNERS_FIELDS = ("display_name", "display_description", "hostname",
                  "locked", "locked_by")

VMState = move_common.VMState
TaskState = move_common.TaskState
Status = move_common.Status
Step = move_common.Step


class CrossCellMigrateTask(migrate.MigrateTask):
    """MigrateTask that also moves servers between cells."""

    def __init__(self, conf, messaging, forget_cell=None):
        """forget_cell: called with a server's uuid when it changed cells
        (the conductor's memory of where servers live)."""
        super().__init__(conf, messaging)
        self._forget_cell = forget_cell or (lambda instance_uuid: None)

    # The move ---------------------------------------------------------------

    def _move(self, cctx, instance, migration, spec, selections, old_flavor,
              new_flavor):
        target_cell = selections[0].get("cell_uuid")
        if not target_cell or target_cell == cctx.cell_uuid:
            return super()._move(cctx, instance, migration, spec,
                                 selections, old_flavor, new_flavor)
        # Its own cell had no room (or the weigher was told to prefer
        # other cells): only the claimed host, no alternates (they are
        # of the same cell, and a retry would copy the records again).
        return self._move_across(cctx, instance, migration, selections[0],
                                 target_cell, old_flavor, new_flavor)

    def _move_across(self, cctx, instance, migration, selection,
                     target_cell, old_flavor, new_flavor):
        source_cell = cctx.cell_uuid
        source, dest = migration.source_compute, selection.service_host
        vm_state = instance.vm_state
        steps = [Step.PREPARING]
        copied = False
        LOG.info("Moving %s from cell %s (%s) to cell %s (%s)",
                 instance.uuid, source_cell, source, target_cell, dest)
        try:
            migration.cross_cell_move = True
            self.save_step(instance, migration, Step.PREPARING)
            cross_cell.copy_instance(cctx, instance.uuid, source_cell,
                                     target_cell, hidden=True)
            copied = True
            with cctx.target_cell(target_cell) as tctx:
                target, target_migration = _copies(tctx, instance,
                                                   migration)
                self.compute.prep_resize(tctx, dest, target,
                                         target_migration, new_flavor)
                disk_info = self.hand_over(cctx, instance, migration,
                                           new_flavor, steps.append)
                # The volumes the source let go, reserved for the
                # destination.
                cross_cell.refresh_block_devices(
                    cctx, instance.uuid, source_cell, target_cell)
                # The target's copy is where the destination works.
                self.save_step(
                    target, target_migration, Step.FINISHING,
                    status=Status.POST_MIGRATING,
                    task_state=TaskState.RESIZE_FINISH, host=dest,
                    node=selection.nodename,
                    expected_task_state=[target.task_state])
                moved = target.obj_clone()
                migrate.apply_flavor(moved, new_flavor)
                power_state = self.compute.finish_resize(
                    tctx, dest, moved, target_migration, disk_info,
                    power_on=vm_state != VMState.STOPPED)
                target.compute_id = selection.get("compute_node_id")
                target.availability_zone = selection.availability_zone
                target.old_flavor = old_flavor
                target.new_flavor = new_flavor
                migrate.apply_flavor(target, new_flavor)
                target.vm_state = VMState.RESIZED
                target.task_state = None
                target.power_state = power_state
                target.system_metadata = dict(
                    target.system_metadata,
                    **{migrate.OLD_VM_STATE: vm_state})
                target_migration.status = Status.FINISHED
                target_migration.step = Step.FINISHED
                self._switch(cctx, instance.uuid, source_cell, target_cell)
                self.finish(tctx, target, target_migration,
                            expected_task_state=[TaskState.RESIZE_FINISH])
        except Exception as exc:  # noqa: BLE001 - every failure rolls back
            self.roll_back(cctx, instance, migration, exc,
                           move_common.format_trace(),
                           restore_source=steps[-1] in (Step.MIGRATING,
                                                        Step.FINISHING),
                           clean_destination=copied)

    def _switch(self, ctx, instance_uuid, from_cell, to_cell):
        """The server now lives in to_cell: what was recorded in from_cell
        since the copy (actions and events, metadata and tags) brought
        over, to_cell's copy shown, the mapping moved, from_cell's copy
        hidden. A list never misses the server: between the show and the
        hide it finds both copies and shows the mapped cell's. (The
        caller then saves to_cell's copy.)"""
        cross_cell.sync_actions(ctx, instance_uuid, from_cell, to_cell)
        cross_cell.sync_user_data(ctx, instance_uuid, from_cell, to_cell)
        cross_cell.set_hidden(ctx, instance_uuid, to_cell, False)
        self._map_to(ctx, instance_uuid, to_cell)
        cross_cell.set_hidden(ctx, instance_uuid, from_cell, True)
        LOG.info("Server %s now lives in cell %s", instance_uuid, to_cell)

    def _map_to(self, ctx, instance_uuid, cell_uuid):
        """Point the server's instance mapping at cell_uuid."""
        mapping = instance_mapping_obj.InstanceMapping.get_by_instance_uuid(
            ctx, instance_uuid)
        if mapping.cell_uuid != cell_uuid:
            mapping.cell_uuid = cell_uuid
            mapping.save()
        self._forget_cell(instance_uuid)

    def roll_back(self, cctx, instance, migration, exc, trace,
                  restore_source=False, clean_destination=True):
        """Across cells, a failed move (or one a stopped conductor left,
        recover) ends where it started: the destination cleaned with the
        target cell's copy, the server back in the source cell (switched
        back when the target's copy had taken over) with what the
        destination recorded, the target's copy gone, and the rest as a
        same-cell move rolls back."""
        cells = _cells_of(cctx, migration)
        if cells is None:
            return super().roll_back(cctx, instance, migration, exc, trace,
                                     restore_source, clean_destination)
        source_cell, target_cell = cells
        switched = cctx.cell_uuid == target_cell
        if clean_destination:
            # The destination lets the volumes go as the server's cell
            # has them, and its cell's mappings come back with the new
            # reservations.
            if not switched:
                self._quietly("refresh the volumes of", instance,
                              cross_cell.refresh_block_devices, cctx,
                              instance.uuid, source_cell, target_cell)
            with cctx.target_cell(target_cell) as tctx:
                self._clean_destination(tctx, instance, migration)
            self._quietly("refresh the volumes of", instance,
                          cross_cell.refresh_block_devices, cctx,
                          instance.uuid, target_cell, source_cell)
        if switched:
            self._switch(cctx, instance.uuid, target_cell, source_cell)
        else:
            self._quietly("bring back the events of", instance,
                          cross_cell.sync_actions, cctx, instance.uuid,
                          target_cell, source_cell)
            # A switch cut short (or a failure right after it) may have
            # moved the mapping and hidden the source's copy already.
            cross_cell.set_hidden(cctx, instance.uuid, source_cell, False)
            self._map_to(cctx, instance.uuid, source_cell)
        self._drop_copy(cctx, instance.uuid, target_cell)
        with cctx.target_cell(source_cell) as sctx:
            if switched:
                instance, migration = _loaded(sctx, instance, migration)
            super().roll_back(sctx, instance, migration, exc, trace,
                              restore_source, clean_destination=False)

    def _clean_destination(self, tctx, instance, migration):
        """The destination drops what it made of the target cell's copy
        (the step saved there first: its compute knows it undoes)."""
        try:
            target, target_migration = _loaded(tctx, instance, migration)
        except exception.NotFound:
            return  # never copied: the destination has nothing of it
        target_migration.step = Step.ROLLING_BACK
        target_migration.save()
        self._quietly("clean %s of" % migration.dest_compute, target,
                      self.compute.revert_resize, tctx,
                      migration.dest_compute, target, target_migration)

    @staticmethod
    def _drop_copy(ctx, instance_uuid, cell_uuid):
        try:
            cross_cell.purge_instance(ctx, instance_uuid, cell_uuid)
        except Exception as exc:  # noqa: BLE001 - a hidden leftover
            # A later copy into that cell replaces it.
            LOG.warning("Could not remove the copy of %s from cell %s: %s",
                        instance_uuid, cell_uuid, exc)

    # Confirm and revert ---------------------------------------------------

    def drop_source(self, cctx, instance, migration):
        """Across cells, the source compute drops its guest with the
        source cell's copy, and that copy goes."""
        cells = _cells_of(cctx, migration)
        if cells is None:
            return super().drop_source(cctx, instance, migration)
        source_cell = cells[0]
        failure = None
        # The source records its part under the confirm's action, in its
        # cell, and that is brought back before its copy goes.
        cross_cell.sync_actions(cctx, instance.uuid, cctx.cell_uuid,
                                source_cell)
        with cctx.target_cell(source_cell) as sctx:
            try:
                source, source_migration = _loaded(sctx, instance,
                                                   migration)
                failure = super().drop_source(sctx, source,
                                              source_migration)
            except exception.NotFound as exc:
                LOG.warning("No copy of %s left in cell %s: %s",
                            instance.uuid, source_cell, exc)
        cross_cell.sync_actions(cctx, instance.uuid, source_cell,
                                cctx.cell_uuid)
        self._drop_copy(cctx, instance.uuid, source_cell)
        return failure

    def revert_resize(self, cctx, instance, migration):
        """Across cells: the destination drops its guest, then the server
        goes back to the source cell, where its source takes it back."""
        cells = _cells_of(cctx, migration)
        if cells is None:
            return super().revert_resize(cctx, instance, migration)
        source_cell = cells[0]
        self.start_event(cctx, instance, migrate.REVERT_EVENT)
        self.save_step(instance, migration, Step.REVERTING)
        self.drop_destination(cctx, instance, migration)
        target_cell = cctx.cell_uuid
        # The volumes the destination let go, reserved for the source.
        cross_cell.refresh_block_devices(cctx, instance.uuid, target_cell,
                                         source_cell)
        # What its owner changed while it waited in VERIFY_RESIZE.
        cross_cell.sync_user_data(cctx, instance.uuid, target_cell,
                                  source_cell)
        with cctx.target_cell(source_cell) as sctx:
            source, source_migration = _loaded(sctx, instance, migration)
            # What the move's end wrote on the target's copy, and what
            # its owner changed there (metadata and tags came above).
            for name in ("old_flavor", "new_flavor", "system_metadata"):
                setattr(source, name, instance.get(name))
            for name in _OWNERS_FIELDS:
                value = instance.get(name)
                if instance.obj_attr_is_set(name) \
                        and value != source.get(name):
                    setattr(source, name, value)
            source_migration.status = Status.REVERTING
            self.save_step(source, source_migration, Step.REVERTING,
                           task_state=TaskState.RESIZE_REVERTING,
                           expected_task_state=[source.task_state])
            self._switch(cctx, instance.uuid, target_cell, source_cell)
            self._drop_copy(cctx, instance.uuid, target_cell)
            self.restore_source(sctx, source, source_migration)


def _cells_of(ctx, migration):
    """(source cell, target cell) of a move across cells; None for a
    move in one cell (or one whose destination is not chosen yet)."""
    if not migration.get("cross_cell_move") \
            or not migration.get("dest_compute"):
        return None
    cells = (_cell_of_host(ctx, migration.source_compute),
             _cell_of_host(ctx, migration.dest_compute))
    if None in cells or cells[0] == cells[1]:
        return None
    return cells


def _cell_of_host(ctx, host):
    try:
        return host_mapping_obj.HostMapping.get_by_host(
            ctx, host).cell_mapping.uuid
    except exception.HostMappingNotFound:
        return None


def _copies(tctx, instance, migration):
    """The target cell's copies of the server and its migration, as the
    objects the move carries (the same fields loaded), saved there."""
    target = instance.obj_clone()
    target._context = tctx
    target.id = instance_obj.Instance.get_by_uuid(tctx, instance.uuid).id
    target.cell_uuid = tctx.cell_uuid
    target.hidden = True
    target.obj_reset_changes()
    target_migration = migration_obj.Migration.get_by_uuid(tctx,
                                                           migration.uuid)
    return target, target_migration


def _loaded(sctx, instance, migration):
    """The server and its migration as the cell sctx targets holds them
    (the fields of instance loaded)."""
    attrs = [name for name in ("flavor", "old_flavor", "new_flavor",
                               "system_metadata", "metadata", "info_cache")
             if instance.obj_attr_is_set(name)]
    source = instance_obj.Instance.get_by_uuid(sctx, instance.uuid,
                                               expected_attrs=attrs)
    source.cell_uuid = sctx.cell_uuid
    source.obj_reset_changes(["cell_uuid"])
    return source, migration_obj.Migration.get_by_uuid(sctx, migration.uuid)
