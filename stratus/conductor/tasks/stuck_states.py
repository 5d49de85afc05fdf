"""No server stuck: the conductor's check for transitional states whose
owner is gone.

Every transitional task has an owner and a deadline (``OWNERS`` below;
docs/state-machine.md shows it, generated from this module).

A compute is gone when its service is down by its heartbeat
(``[DEFAULT] service_down_time``) or forced down; the deadline counts from
the instance's last change (``updated_at``). A compute that comes back
settles what is left on its host itself (ComputeManager._reconcile).

A compute that is up may still not know of work the database gives it:
the cast that carried it, or the reply to the compute's save, was lost
(a broker outage). Once a build, delete or action task is older than
``[conductor] in_flight_grace`` the check asks the compute
(``get_in_flight``) and sends again, or settles, what it does not hold.

Every change is a save that expects the task_state it read, so a compute
or another conductor that settles the same server first wins and the
check leaves it alone.

Where every owner lives in the conductor's own process (the all-in-one,
``[conductor] in_process_owners``), all that was in transit before the
process started was held by the one that died: the pass at start takes
it as past its deadline (``abandoned_before``); the computes starting
in the process settle their own states, as any compute that restarts.
"""
import copy
import datetime
import logging


from stratus.compute import states
from stratus.conductor.tasks import build
from stratus.conductor.tasks import destroy
from stratus.conductor.tasks import migrate
from stratus.conductor.tasks import reschedule
from stratus.db.types import utcnow
from stratus import exception
from stratus.objects import cell_mapping as cell_mapping_obj
from stratus.objects import fields
from stratus.objects import instance as instance_obj
from stratus.objects import instance_action as instance_action_obj
from stratus.objects import instance_fault as instance_fault_obj
from stratus.objects import instance_group as instance_group_obj
from stratus.objects import instance_mapping as instance_mapping_obj
from stratus.objects import instance_queries
from stratus.objects import migration as migration_obj
from stratus.objects import service as service_obj
from stratus.placement import allocations
from stratus import constants

LOG = logging.getLogger(__name__)

TaskState = fields.TaskState
VMState = fields.VMState
PowerState = fields.PowerState

BUILD = "build"
DELETE = "delete"
ACTION = "action"
MOVE = "move"
# A recoverer's answer for a server that is not its (a rebuild that is
# not an evacuation): the generic handling applies.
NOT_MINE = object()

BUILD_TASK_STATES = frozenset(reschedule.BUILD_TASK_STATES)
# Nova's task states of resize, cold and live migration, evacuation and
# shelving.
MOVE_TASK_STATES = frozenset([
    "resize_prep", "resize_migrating", "resize_migrated", "resize_finish",
    "resize_reverting", "resize_confirming", "migrating",
    "shelving", "shelving_image_pending_upload", "shelving_image_uploading",
    "shelving_offloading", "unshelving", "rebuild_scheduled",
])
# The moves tasks/migrate.py drives (and recovers).
MIGRATE_TASK_STATES = frozenset([
    "resize_prep", "resize_migrating", "resize_migrated", "resize_finish",
    "resize_reverting", "resize_confirming"])
SHELVED_VM_STATES = frozenset([VMState.SHELVED, VMState.SHELVED_OFFLOADED])
# Seconds the check waits for a compute to say which work it holds.
ASK_TIMEOUT = 10
# The RPC timeouts a move's conductor task may wait out in a row (a step's
# call, then its rollback's two): move_timeout should be longer.
MOVE_CALLS = 3
# (kind, task, owner, deadline option of [conductor], what the check does
# when the owner is gone).
OWNERS = [
    ("build request", "a build request (BUILD, not in a cell yet)",
     "the conductor holding its lease", "task_lease",
     "resumed from the step it reached (scheduled again, or bound to the "
     "cell it was created in and sent to its compute)"),
    (BUILD, "`scheduling` (in a cell)",
     "the conductor that sends it to its compute", "build_timeout",
     "compute up: after `in_flight_grace`, sent to it again unless it "
     "holds it (get_in_flight); compute down: as below"),
    (BUILD, "`block_device_mapping`, `networking`, `spawning`",
     "the compute of instance.host", "build_timeout",
     "compute down: ERROR with a fault (MaxRetriesExceeded), allocation "
     "freed; compute up: after `in_flight_grace`, built again there "
     "unless it holds it"),
    (DELETE, "`deleting`", "the compute of instance.host",
     "delete_timeout",
     "compute down: deleted here (allocations, group membership, mapping; "
     "the guest is reaped when the compute returns); compute up: after "
     "`in_flight_grace`, sent to it again unless it holds it"),
    (ACTION, "a server action's task_state (table above)",
     "the compute of instance.host", "action_timeout",
     "task cleared; vm_state from the last known power state (ERROR with "
     "a fault when it has none); compute up: the same after "
     "`in_flight_grace` unless it holds the action"),
    (MOVE, "resize and cold migration (" + ", ".join(
        "`%s`" % state for state in sorted(MIGRATE_TASK_STATES)) + ")",
     "the conductor's move task (the computes answer its calls)",
     "move_timeout",
     "(no progress for that long; keep it above three RPC timeouts) settled "
     "from the step saved on its migration (tasks/migrate.py `recover`): "
     "rolled back, or its confirm / revert done again"),
    (MOVE, "live migration (`migrating`)",
     "the conductor's live migration task (the source's copy reports "
     "progress on the migration)", "move_timeout",
     "(no change on the migration for that long) tasks/live_migrate.py "
     "`recover`: rolled back to the source, or finished on the "
     "destination once the guest had left the source"),
    (ACTION, "evacuation (`rebuilding`, `rebuild_spawning` with an "
     "evacuation in progress)", "the conductor's evacuate task",
     "action_timeout",
     "(no change on the migration for move_timeout) tasks/evacuate.py "
     "`recover`: back on its source with its allocations and a fault"),
    (MOVE, "shelve and unshelve (`shelving`, `shelving_image_*`, "
     "`shelving_offloading`, `unshelving`)",
     "the compute of instance.host (the conductor's unshelve task while "
     "an offloaded server has none)", "move_timeout",
     "compute up: left to it; otherwise tasks/unshelve.py `recover`: an "
     "unshelve of an offloaded server undone (no host, claim freed, a "
     "fault; its `spawning` too, at build_timeout), a shelve task "
     "cleared; a compute that restarts settles its shelved servers"),
]
# Deleted servers whose claims the check looks for (a conductor that
# died inside instance_destroy leaves one).
RECENT_DELETES = datetime.timedelta(days=1)


def kind_of(vm_state, task_state):
    """BUILD, DELETE, MOVE or ACTION: whose deadline a task has."""
    if task_state == TaskState.DELETING:
        return DELETE
    if task_state in BUILD_TASK_STATES or vm_state == VMState.BUILDING:
        return BUILD
    if task_state in MOVE_TASK_STATES:
        return MOVE
    return ACTION


class StuckStates:

    def __init__(self, conf, build_task, move_task=None, recoverers=None):
        """recoverers: {task_state: callable(cctx, instance, compute_up,
        abandoned)} settling the moves other tasks own (live migration,
        evacuation, shelve; abandoned: the process that drove it died
        with every owner): what was done, None to leave the server, or
        NOT_MINE for the generic handling."""
        self.conf = conf
        self.build_task = build_task
        self.move_task = move_task
        self.recoverers = dict(recoverers or {})

    def deadlines(self):
        conductor = self.conf.conductor
        return {BUILD: conductor.build_timeout,
                DELETE: conductor.delete_timeout,
                ACTION: conductor.action_timeout,
                MOVE: conductor.move_timeout}

    def check_move_timeout(self):
        """Warn when a live move task could be taken over: it may wait
        out a call to a compute and then its rollback's calls."""
        least = MOVE_CALLS * self.conf.rpc_response_timeout
        if self.conf.conductor.move_timeout < least:
            LOG.warning("[conductor] move_timeout %s is less than three "
                        "[DEFAULT] rpc_response_timeout (%s s): the check "
                        "may roll back a move its conductor still drives",
                        self.conf.conductor.move_timeout, least)

    def run(self, ctx, abandoned_before=None):
        """One pass: resume orphaned build requests, then settle the
        servers of every cell whose task outlived its deadline and its
        owner. abandoned_before: the start of this process, when every
        owner lived in the one that died (what changed before it is past
        its deadline, and the computes of the cell are coming back and
        settle their own states). {uuid: what was done}."""
        done = {uuid: "build resumed" for uuid in
                self.build_task.resume(ctx, abandoned_before)}
        done.update(self.reap_deleted(ctx))
        deadlines = self.deadlines()
        grace = self.conf.conductor.in_flight_grace
        now = utcnow()
        before = now - datetime.timedelta(
            seconds=min(list(deadlines.values()) + [grace]))
        if abandoned_before is not None:
            before = max(before, abandoned_before)
        for cell in cell_mapping_obj.CellMappingList.get_all(ctx).host_cells():
            try:
                rows = instance_queries.tasks_unchanged_since(
                    ctx, cell.uuid, before)
            except exception.DatabaseUnreachable:
                LOG.warning("Cell %s is unreachable: not checked", cell.uuid)
                continue
            done.update(self._reap_destroyed(ctx, cell.uuid,
                                             now - RECENT_DELETES))
            done.update(migrate.settle_spec_flavors(ctx, cell.uuid))
            services = _Services(ctx, cell.uuid,
                                 self.conf.service_down_time,
                                 coming_back=abandoned_before is not None)
            with ctx.target_cell(cell.uuid) as cctx:
                due, asked = [], []
                for row in rows:
                    kind = kind_of(row.vm_state, row.task_state)
                    age = (now - row.updated_at).total_seconds()
                    if self._asked(row, kind, services):
                        asked.append((row, kind))
                    elif age >= deadlines[kind] or (
                            abandoned_before is not None
                            and row.updated_at < abandoned_before):
                        due.append((row, kind))
                held = self._held(cctx, [row for row, _kind in asked])
                asked_uuids = {row.uuid for row, _kind in asked}
                for row, kind in due + asked:
                    if row.uuid in held:
                        continue
                    settle = (self._settle_not_held
                              if row.uuid in asked_uuids else self._settle)
                    try:
                        outcome = settle(cctx, row, kind, services, cell.uuid)
                    except (exception.InstanceNotFound,
                            exception.UnexpectedTaskStateError):
                        # Settled (or deleted) by someone else meanwhile.
                        continue
                    except Exception:  # noqa: BLE001 - one server must not stop the rest
                        LOG.exception("Could not settle server %s", row.uuid)
                        continue
                    if outcome:
                        done[row.uuid] = outcome
        return done

    def reap_deleted(self, ctx):
        """Servers deleted while their conductor was dead between its
        claim (or its create in the cell) and its binding: the claim and
        the unbound instance go. {uuid: what was done}."""
        done = {}
        for uuid in instance_queries.deleted_with_consumers(ctx):
            cell_uuid, instance = build.created_in_cell(ctx, uuid)
            if instance is None:
                LOG.warning("Removing the allocations of deleted server %s",
                            uuid)
                allocations.remove_consumer(ctx, uuid)
                done[uuid] = "allocations removed"
                continue
            LOG.warning("Removing server %s from cell %s: it was deleted "
                        "before it was bound to the cell", uuid, cell_uuid)
            instance.cell_uuid = cell_uuid
            with ctx.target_cell(cell_uuid) as cctx:
                try:
                    destroy.instance_destroy(ctx, cctx, instance)
                except exception.InstanceNotFound:
                    pass
            done[uuid] = "deleted"
        return done

    @staticmethod
    def _reap_destroyed(ctx, cell_uuid, since):
        """Claims of servers of the cell deleted since then, and of their
        moves: removed (a conductor died between the server's delete and
        its claims'); their mappings queued for delete."""
        deleted = instance_queries.deleted_since(ctx, cell_uuid, since)
        done = {}
        if not deleted:
            # The usual pass: nothing to read in the API database or in
            # the cell's moves (a query each, per cell and pass).
            return done
        # A cell conductor (no API database) deleted them: their mapping
        # and group membership are settled here, as Nova's API level does.
        for uuid in instance_mapping_obj.queue_deleted(ctx, deleted):
            LOG.info("Server %s was deleted in its cell: mapping queued for "
                     "delete", uuid)
            done[uuid] = "mapping queued for delete"
        for uuid in instance_queries.consumers_among(ctx, deleted):
            LOG.warning("Removing the allocations of deleted server %s",
                        uuid)
            allocations.remove_consumer(ctx, uuid)
            done[uuid] = "allocations removed"
        with ctx.target_cell(cell_uuid) as cctx:
            moving = {migration.instance_uuid for migration in
                      migration_obj.MigrationList.get_by_filters(
                          cctx, {"in_progress": True})}
            for uuid in moving & set(deleted):
                LOG.warning("Ending the moves of deleted server %s", uuid)
                migration_obj.end_moves_of_deleted(cctx, uuid)
                done[uuid] = "allocations removed"
        return done

    def _asked(self, row, kind, services):
        """Whether the live compute that owns the row's task is asked if
        it holds the work: its builds, deletes and actions (not those
        of shelved servers, nor the actions other tasks recover), not
        while every compute is starting and settling its own."""
        return (kind in (BUILD, DELETE, ACTION)
                and row.vm_state not in SHELVED_VM_STATES
                and not (kind == ACTION and row.task_state in self.recoverers)
                and row.host is not None and not services.coming_back
                and services.is_up(row.host))

    def _held(self, ctx, rows):
        """The uuids of rows whose work their compute holds, or whose
        compute could not tell (left alone this pass)."""
        by_host = {}
        for row in rows:
            by_host.setdefault(row.host, []).append(row.uuid)
        held = set()
        timeout = min(ASK_TIMEOUT, self.conf.rpc_response_timeout)
        for host, uuids in by_host.items():
            answer = self.build_task.compute.get_in_flight(ctx, host, uuids,
                                                           timeout)
            held.update(uuids if answer is None else answer)
        return held

    def _current(self, cctx, row, cell_uuid):
        """The row's instance, None when it changed since the pass read
        it (its owner is at work)."""
        instance = instance_obj.Instance.get_by_uuid(
            cctx, row.uuid, expected_attrs=["flavor"])
        if instance.updated_at != row.updated_at:
            return None
        instance.cell_uuid = cell_uuid
        instance.obj_reset_changes(["cell_uuid"])
        return instance

    def _settle_not_held(self, cctx, row, kind, services, cell_uuid):
        """A task whose live compute does not hold its work (the message
        or the compute's reply was lost): a build or a delete is sent
        again (in the request of the server's action, so that the
        compute's events find it); an action is settled."""
        instance = self._current(cctx, row, cell_uuid)
        if instance is None:
            return None
        reason = ("compute %s does not hold the %s of server %s"
                  % (instance.host, instance.task_state, instance.uuid))
        in_request = _in_request_of_last_action(cctx, instance.uuid)
        if kind == BUILD:
            if instance.task_state == TaskState.SCHEDULING:
                return self._send_again(in_request, instance)
            self.build_task.build_again(in_request, instance,
                                        reason.capitalize())
            return "build sent again"
        if kind == DELETE:
            return self._terminate_again(in_request, instance)
        return self._clear_action(cctx, instance, reason)

    def _settle(self, cctx, row, kind, services, cell_uuid):
        uuid = row.uuid
        instance = self._current(cctx, row, cell_uuid)
        if instance is None:
            return None
        task_state = instance.task_state
        if kind == MOVE and self.move_task is not None \
                and task_state in MIGRATE_TASK_STATES:
            # Its owner is the conductor task, whatever the computes do;
            # its events finish those of the move's action.
            instance._context = _in_request_of_last_action(cctx, uuid)
            return self.move_task.recover(instance._context, instance)
        compute_up = services.is_up(instance.host)
        recover = self.recoverers.get(task_state)
        if recover is not None:
            outcome = recover(cctx, instance, compute_up,
                              abandoned=services.coming_back)
            if outcome is not NOT_MINE:
                return outcome
        if kind == BUILD:
            if compute_up and task_state == TaskState.SCHEDULING:
                return self._send_again(cctx, instance)
            if compute_up:
                return None
            return self._fail_build(cctx, instance)
        if compute_up and kind == DELETE:
            if services.coming_back:
                # Its compute finishes it as it starts (_reconcile).
                return None
            return self._terminate_again(cctx, instance)
        if compute_up:
            return None
        if kind == DELETE:
            return self._finish_delete(cctx, instance)
        if kind == ACTION:
            return self._clear_action(cctx, instance)
        LOG.warning("Server %s is stuck in %s and its owner is gone; moves "
                    "are not rolled back by this check yet", uuid,
                    task_state)
        return None

    def _send_again(self, cctx, instance):
        """A build its conductor never handed to the (live) compute."""
        mapping = instance_mapping_obj.InstanceMapping.get_by_instance_uuid(
            cctx, instance.uuid)
        if mapping.cell_uuid != instance.cell_uuid:
            # Not bound yet: its build request is resumed, or (deleted)
            # reaped.
            return None
        LOG.warning("Server %s never reached compute %s: sending it again",
                    instance.uuid, instance.host)
        # Touch it (expecting 'scheduling'), so the deadline starts again.
        instance.save(expected_task_state=[TaskState.SCHEDULING])
        self.build_task.send_to_compute(cctx, instance)
        return "build sent again"

    def _terminate_again(self, cctx, instance):
        """A delete its (live) compute never finished (the message or
        the compute's call to a conductor was lost): asked again; the
        compute's terminate is idempotent."""
        LOG.warning("Delete of server %s unfinished on %s: sending it again",
                    instance.uuid, instance.host)
        instance.save(expected_task_state=[TaskState.DELETING])
        self.build_task.compute.terminate_instance(cctx, instance)
        return "delete sent again"

    def _fail_build(self, cctx, instance):
        """ERROR with a fault first (expecting the build state read, so a
        compute that came back and finished the build wins), then the
        claim is freed, as a build that ran out of hosts."""
        reason = ("The compute service of host %s is down: the build of "
                  "%s could not finish" % (instance.host, instance.uuid))
        LOG.warning(reason)
        task_state = instance.task_state
        fault = instance_fault_obj.InstanceFault.from_exception(
            instance.uuid, exception.MaxRetriesExceeded(
                reason="Exhausted all hosts available for retrying build "
                       "failures for instance %s." % instance.uuid),
            exc_tb="Last error: %s" % reason, host=instance.host)
        instance.vm_state = VMState.ERROR
        instance.task_state = None
        self._save_with_fault(instance, task_state, fault)
        allocations.remove_consumer(cctx, instance.uuid)
        instance_group_obj.forget_host(cctx, [instance.uuid])
        return "build failed"

    @staticmethod
    def _save_with_fault(instance, expected_task_state, fault):
        instance.save(expected_task_state=[expected_task_state], also=(
            None if fault is None
            else lambda cctx, session: fault.create(cctx, session=session)))

    def _finish_delete(self, cctx, instance):
        LOG.warning("Deleting server %s here: compute %s is down",
                    instance.uuid, instance.host)
        destroy.instance_destroy(cctx, cctx, instance)
        return "deleted"

    def _clear_action(self, cctx, instance, reason=None):
        """The action's task cleared; the server in the vm_state of the
        power state its guest was last known in. reason: why (its
        compute is down unless given)."""
        task_state = instance.task_state
        power_state = instance.power_state
        vm_state = states.VM_STATE_BY_POWER_STATE.get(power_state,
                                                      VMState.ERROR)
        if task_state == TaskState.SOFT_DELETING \
                and power_state == PowerState.SHUTDOWN:
            vm_state = VMState.SOFT_DELETED
        reason = reason or ("compute %s is down" % instance.host)
        LOG.warning("Clearing task %s of server %s: %s", task_state,
                    instance.uuid, reason)
        instance.vm_state = vm_state
        instance.task_state = None
        fault = None
        if vm_state == VMState.ERROR:
            fault = instance_fault_obj.InstanceFault.from_exception(
                instance.uuid, exception.StratusException(
                    "The task %s of the server did not finish: %s"
                    % (task_state, reason)), host=instance.host)
        self._save_with_fault(instance, task_state, fault)
        return "task cleared"


def _in_request_of_last_action(cctx, instance_uuid):
    """A copy of cctx in the request of the server's newest action, so
    the events of a recovered move finish that action's."""
    actions = instance_action_obj.InstanceActionList.get_by_instance_uuid(
        cctx, instance_uuid, limit=1)
    if not len(actions):
        return cctx
    cctx = copy.copy(cctx)
    cctx.request_id = actions[0].request_id
    return cctx


class _Services:
    """Whether the compute services of a cell are up, read once a pass.
    coming_back: every compute of the cell is starting in this process
    (unless forced down), whatever its last heartbeat says."""

    def __init__(self, ctx, cell_uuid, service_down_time, coming_back=False):
        self._ctx = ctx
        self._cell_uuid = cell_uuid
        self._down_time = service_down_time
        self.coming_back = coming_back
        self._up = {}

    def is_up(self, host):
        if host is None:
            return False
        if host not in self._up:
            try:
                service = service_obj.Service.get_by_host_and_binary(
                    self._ctx, host, constants.COMPUTE_BINARY,
                    cell_uuid=self._cell_uuid)
                self._up[host] = service.is_up(self._down_time) or (
                    self.coming_back and not service.get("forced_down"))
            except exception.ServiceNotFound:
                self._up[host] = False
        return self._up[host]
