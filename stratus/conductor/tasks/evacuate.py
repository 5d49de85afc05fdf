"""Evacuate: rebuild a server whose compute host is down (or forced down)
on another host, from its image (Nova's rebuild with recreate), on the
machinery every move shares (move_common.MoveTask).

The API checked the host is down, set task_state rebuilding and recorded
the 'evacuate' action. The task creates the Migration (type evacuation,
status accepted), picks the destination (the scheduler with the server's
RequestSpec, its host left out; a requested host as a filter; or, forced,
the host as given with its capacity checked by the claim); the claim
gives the source allocations to the migration's consumer and claims the
destination for the server in one transaction. The destination builds the
guest (status pre-migrating, task rebuild_spawning) and the server is
its: ACTIVE, or STOPPED when it was stopped or the request asked so
(2.95); the migration ends done.

The source's allocations stay with the migration: the source host may
come back with the old guest on it. When its compute starts again it
destroys the guests of the servers evacuated away (``evacuations_done``),
and the conductor removes the migration's allocations and completes it
(``evacuation_cleaned``), as Nova's init_host does.

A failure (no destination, the destination cannot build it) leaves the
server where it was (its host, its vm_state, no task) with a fault; the
allocations go back to the server; the migration ends error (failed when
the destination's build failed).
"""
import logging

from stratus.conductor.tasks import move_common
from stratus import exception
from stratus import notifications
from stratus.objects import base as objects_base
from stratus.objects import migration as migration_obj
from stratus.placement import allocations

LOG = logging.getLogger(__name__)

VMState = move_common.VMState
TaskState = move_common.TaskState
Status = move_common.Status
Step = move_common.Step
EVENT = "rebuild_server"
ACTION = "evacuate"
# The task states whose stuck servers this task recovers (a rebuild that
# is not an evacuation is left to the generic check).
RECOVERED = (TaskState.REBUILDING, TaskState.REBUILD_SPAWNING)


class EvacuateTask(move_common.MoveTask):
    event = EVENT

    def evacuate_instance(self, cctx, instance, host, force, admin_password,
                          target_state=None):
        migration = self.begin_same_flavor_move(
            cctx, instance, ACTION, migration_obj.EVACUATION)
        try:
            if host and force:
                node = self.claim_forced(cctx, instance, migration, host)
                nodename = node.hypervisor_hostname
            else:
                spec = self.request_spec(cctx, instance, instance.flavor)
                selection = self.select_destination(
                    cctx, instance, migration, spec,
                    ignore_hosts=(instance.host,), requested_host=host)[0]
                nodename = selection.nodename
        except Exception as exc:  # noqa: BLE001 - NoValidHost and the rest
            LOG.info("No host to evacuate %s to: %s", instance.uuid, exc)
            self._give_back(cctx, instance, migration, exc, Status.ERROR)
            return
        self._rebuild(cctx, instance, migration, nodename, admin_password,
                      target_state)

    def _rebuild(self, cctx, instance, migration, nodename, admin_password,
                 target_state):
        source, source_node = instance.host, instance.node
        dest = migration.dest_compute
        stopped = (instance.vm_state == VMState.STOPPED
                   or target_state == VMState.STOPPED)
        try:
            # The destination owns the server while it builds it (as in
            # Nova's rebuild on the new host).
            self.save_step(instance, migration, Step.FINISHING,
                           status=Status.PRE_MIGRATING,
                           task_state=TaskState.REBUILD_SPAWNING, host=dest,
                           node=nodename)
            power_state, network_info = self.compute.evacuate_instance(
                cctx, dest, instance, migration, admin_password,
                power_on=not stopped)
        except Exception as exc:  # noqa: BLE001 - back where it was
            LOG.info("Evacuation of %s to %s failed: %s", instance.uuid,
                     dest, exc)
            self.place_on(cctx, instance, source, source_node)
            self._give_back(cctx, instance, migration, exc, Status.FAILED)
            return
        node = self.node_of(cctx, dest, nodename)
        if node is not None:
            instance.compute_id = node.id
        instance.vm_state = VMState.STOPPED if stopped else VMState.ACTIVE
        instance.task_state = None
        instance.power_state = power_state
        instance.info_cache = network_info
        instance.launched_at = objects_base.utcnow()
        # The source's allocations stay the migration's until the source
        # compute, back, removes its old guest (evacuation_cleaned).
        migration.status = Status.DONE
        migration.step = Step.DONE
        self.finish(cctx, instance, migration,
                    expected_task_state=[TaskState.REBUILD_SPAWNING])
        self.notifier.instance_action(cctx, instance, ACTION,
                                      notifications.END)

    def _give_back(self, cctx, instance, migration, exc, status):
        trace = move_common.format_trace()
        allocations.revert_move(cctx, instance.uuid, migration.uuid)
        migration.status = status
        migration.step = Step.DONE
        expected = [instance.task_state]
        instance.task_state = None
        self.finish(cctx, instance, migration, move_common.ERROR, trace,
                    fault=self.fault(instance, exc, trace),
                    details=move_common.message(exc),
                    expected_task_state=expected)
        self.notifier.instance_action(cctx, instance, ACTION,
                                      notifications.ERROR, exc)


    def recover(self, cctx, instance, compute_up=None, abandoned=False):
        """Settle an evacuation whose conductor stopped driving it (the
        stuck check, past [conductor] move_timeout): the server goes back
        to its source with the allocations, a fault and the migration in
        error (a guest the destination built is an orphan its compute
        removes). NOT_MINE for a plain rebuild."""
        from stratus.conductor.tasks import live_migrate
        from stratus.conductor.tasks import stuck_states
        migration = live_migrate.newest_move(cctx, instance,
                                             migration_obj.EVACUATION)
        if migration is None or migration.step == Step.DONE:
            return stuck_states.NOT_MINE
        if not abandoned and move_common.recently_changed(self.conf,
                                                          migration):
            return None
        LOG.warning("Recovering the evacuation of %s left at step %s",
                    instance.uuid, migration.step)
        self.place_on(cctx, instance, migration.source_compute,
                      migration.source_node)
        self._give_back(cctx, instance, migration, exception.MigrationError(
            reason="the conductor driving it stopped at step %s"
            % migration.step), Status.ERROR)
        return "evacuation rolled back"


def evacuations_done(cctx, host):
    """The evacuations away from host that ended done (their source guest
    and allocations not cleaned yet)."""
    return migration_obj.MigrationList.get_by_filters(cctx, {
        "source_compute": host, "migration_type": migration_obj.EVACUATION,
        "status": Status.DONE})


def evacuation_cleaned(cctx, migration):
    """The source removed its guest: the migration's allocations (the
    source's) go, the migration is completed."""
    from stratus.conductor import placement_report
    placement_report.of(cctx).remove_consumer(cctx, migration.uuid)
    migration.status = Status.COMPLETED
    try:
        migration.save(expected_status=Status.DONE)
    except exception.MigrationStatusConflict:
        LOG.info("Evacuation %s was completed already", migration.uuid)
    return migration
