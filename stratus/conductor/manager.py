"""The conductor service's RPC endpoint.

Orchestration lives in tasks/ (one module per task); the rest is the
database proxy computes use, since they have no database of their own.

On start, and every ``[conductor] stuck_check_interval`` seconds, it
resumes the builds a dead conductor left and settles the servers whose
transitional state lost its owner (tasks/stuck_states.py); with
``[conductor] in_process_owners`` (the all-in-one) the pass at start
takes all that was in transit before it as abandoned.
"""
import collections
import functools
import logging
import threading

import oslo_messaging

from stratus.conductor import placement_report
from stratus.conductor import rpcapi as conductor_rpcapi
from stratus.conductor import self_audit
from stratus.conductor.tasks import build
from stratus.conductor.tasks import cache_images
from stratus.conductor.tasks import compute_report
from stratus.conductor.tasks import destroy
from stratus.conductor.tasks import evacuate
from stratus.conductor.tasks import cross_cell_migrate
from stratus.conductor.tasks import live_migrate
from stratus.conductor.tasks import reschedule
from stratus.conductor.tasks import unshelve
from stratus.conductor.tasks import stuck_states
from stratus import constants
from stratus import context as stratus_context
from stratus.db.types import utcnow
from stratus import exception
from stratus import notifications
from stratus import retry
from stratus.objects import block_device_mapping as bdm_obj
from stratus.objects import cell_mapping as cell_mapping_obj
from stratus.objects import host_mapping as host_mapping_obj
from stratus.objects import instance as instance_obj
from stratus.objects import instance_action as instance_action_obj
from stratus.objects import instance_mapping as instance_mapping_obj
from stratus.objects import instance_save as instance_save_obj
from stratus.objects import service as service_obj
from stratus.placement import exception as placement_exception

LOG = logging.getLogger(__name__)


class _RecentCells:
    """instance uuid -> cell uuid of the most recently seen instances."""

    def __init__(self, size=10000):
        self._size = size
        self._cells = collections.OrderedDict()
        self._lock = threading.Lock()

    def get(self, instance_uuid):
        return self._cells.get(instance_uuid)

    def forget(self, instance_uuid):
        """The instance moved to another cell (a cross-cell move)."""
        with self._lock:
            self._cells.pop(instance_uuid, None)

    def remember(self, instance_uuid, cell_uuid):
        with self._lock:
            self._cells[instance_uuid] = cell_uuid
            self._cells.move_to_end(instance_uuid)
            while len(self._cells) > self._size:
                self._cells.popitem(last=False)


def _patient(cls):
    """Every RPC method of the conductor waits for a database that
    refuses connections for [conductor] db_retry_seconds (backoff,
    stratus/retry.py) before it fails: a database restart delays the
    work in flight instead of failing it."""
    for name, method in list(vars(cls).items()):
        if name.startswith("_") or name in _NOT_RPC or not callable(method):
            continue
        # Its caller hears of it (a compute tries again): no traceback.
        expected = oslo_messaging.expected_exceptions(
            exception.DatabaseUnreachable)(method)

        def patient(self, *args, _method=expected, _name=name, **kwargs):
            seconds = self.conf.conductor.db_retry_seconds
            with retry.patient(seconds):
                try:
                    return _method(self, *args, **kwargs)
                except oslo_messaging.ExpectedException as exc:
                    if isinstance(exc.exc_info[1],
                                  exception.DatabaseUnreachable):
                        LOG.warning("%s failed: a database was lost, or "
                                    "stayed unreachable for %s s", _name,
                                    seconds)
                    raise
        setattr(cls, name, functools.wraps(method)(patient))
    return cls


# Methods of the manager that are not RPC methods (the periodic check is
# run again anyway, and skips a cell it cannot reach).
_NOT_RPC = frozenset(["init_host", "periodic_tasks", "check_stuck_states",
                      "self_audit", "local_cell", "target"])


@_patient
class ConductorManager:
    target = oslo_messaging.Target(version=conductor_rpcapi.VERSION)

    def __init__(self, conf, messaging, databases, image_api=None,
                 cell_uuid=None):
        """cell_uuid: the cell whose computes it serves (the all-in-one's
        conductors of each cell, which leave the checks for stuck servers
        to the super conductor), else the cell of [database]
        connection."""
        self.conf = conf
        self.databases = databases
        self._instance_cells = _RecentCells()
        self._cell_uuid = cell_uuid
        self.build_task = build.BuildTask(conf, messaging)
        self.reschedule_task = reschedule.RescheduleTask(conf, messaging)
        self.unshelve_task = unshelve.UnshelveTask(conf, messaging,
                                                   databases, image_api)
        # Same-cell moves, and (allowed by the API) cross-cell ones.
        self.migrate_task = cross_cell_migrate.CrossCellMigrateTask(
            conf, messaging, self._instance_cells.forget)
        self.live_migrate_task = live_migrate.LiveMigrateTask(conf,
                                                              messaging)
        self.evacuate_task = evacuate.EvacuateTask(conf, messaging)
        self.cache_images_task = cache_images.CacheImagesTask(messaging)
        recoverers = dict.fromkeys(live_migrate.RECOVERED,
                                   self.live_migrate_task.recover)
        recoverers.update(dict.fromkeys(evacuate.RECOVERED,
                                        self.evacuate_task.recover))
        recoverers.update(dict.fromkeys(unshelve.RECOVERED,
                                        self.unshelve_task.recover))
        self.stuck_states = stuck_states.StuckStates(
            conf, self.build_task, self.migrate_task, recoverers)
        self.audit = self_audit.SelfAudit(conf, notifications.Notifier(
            conf, messaging, constants.CONDUCTOR_BINARY, conf.host))
        self._local_cell = None
        self.first_check = None

    def init_host(self):
        if self._cell_only:
            return  # the super conductor checks every cell
        self.stuck_states.check_move_timeout()
        if self._cell_uuid is not None:
            return  # the super conductor checks every cell
        # Where every owner lived in this process (the all-in-one), all
        # that was in transit before this start was the dead process's.
        abandoned_before = (utcnow() if self.conf.conductor.in_process_owners
                            else None)
        # What a conductor that died left is resumed as soon as this one
        # serves (the pass calls the scheduler and casts to computes, so
        # it does not hold up the start).
        self.first_check = threading.Thread(
            target=self._first_check, args=(abandoned_before,), daemon=True,
            name="conductor-stuck-states")
        self.first_check.start()

    def _first_check(self, abandoned_before):
        try:
            self.check_stuck_states(stratus_context.get_admin_context(
                self.databases), abandoned_before)
        except Exception:  # noqa: BLE001 - the periodic pass retries
            LOG.exception("The start-up check for stuck servers failed")

    def periodic_tasks(self):
        interval = self.conf.conductor.stuck_check_interval
        if self._cell_only or self._cell_uuid is not None:
            # The super conductor checks every cell for stuck servers:
            # resuming them takes the scheduler and the API database.
            return []
        tasks = [(interval, self.check_stuck_states)] if interval else []
        if self.conf.audit.interval:
            tasks.append((self.conf.audit.interval, self.self_audit))
        return tasks

    def self_audit(self, ctx):
        """One pass of the self-audit ([audit] interval)."""
        return self.audit.run(ctx)

    def check_stuck_states(self, ctx, abandoned_before=None):
        done = self.stuck_states.run(ctx, abandoned_before)
        for uuid, outcome in done.items():
            LOG.info("Server %s: %s", uuid, outcome)
        return done

    @property
    def _cell_only(self):
        """A cell conductor: no API database (docs/decisions/0013)."""
        return not getattr(self.databases, "has_api", True)

    def local_cell(self, ctx):
        """The cell this conductor serves computes for: its cell_uuid's,
        else its [database] connection's."""
        if self._local_cell is None:
            self._local_cell = cell_mapping_obj.local_cell(
                ctx, self.conf, self._cell_uuid)
        return self._local_cell

    def _cell_of(self, ctx, instance_uuid, instance=None):
        """The instance's cell: from the object; for a cell's conductor
        its cell (it serves that cell's computes, whose servers live
        there: a cross-cell move's destination works on the copy in its
        own cell; a cell conductor without the API database has one cell,
        its own); else this conductor's memory of recent instances (a
        server changes cells only by a cross-cell move, whose task makes
        the conductor driving it forget), else its mapping."""
        cell_uuid = instance.get("cell_uuid") if instance is not None else None
        if cell_uuid is None and self._cell_only:
            cell_uuid = self.databases.cell_uuid
        cell_uuid = (cell_uuid or self._cell_uuid
                     or self._instance_cells.get(instance_uuid))
        if cell_uuid is None:
            mapping = instance_mapping_obj.InstanceMapping.get_by_instance_uuid(
                ctx, instance_uuid)
            if mapping.cell_uuid is None:
                raise exception.InstanceNotFound(instance_id=instance_uuid)
            cell_uuid = mapping.cell_uuid
        self._instance_cells.remember(instance_uuid, cell_uuid)
        if instance is not None and instance.get("cell_uuid") is None:
            instance.cell_uuid = cell_uuid
            instance.obj_reset_changes(["cell_uuid"])
        return cell_uuid

    # Orchestration -------------------------------------------------------

    def schedule_and_build_instances(self, ctx, build_requests,
                                     request_specs, admin_password,
                                     injected_files):
        self.build_task.schedule_and_build_instances(
            ctx, build_requests, request_specs, admin_password,
            injected_files)

    def reschedule_build(self, ctx, instance, request_spec, alternates,
                         reason, admin_password, injected_files):
        with ctx.target_cell(self._cell_of(ctx, instance.uuid,
                                           instance)) as cctx:
            self.reschedule_task.reschedule_build(
                cctx, instance, request_spec, alternates, reason,
                admin_password, injected_files)

    def build_interrupted(self, ctx, instance, reason):
        with ctx.target_cell(self._cell_of(ctx, instance.uuid,
                                           instance)) as cctx:
            self.build_task.build_again(cctx, instance, reason)

    def build_aborted(self, ctx, instance, reason):
        with ctx.target_cell(self._cell_of(ctx, instance.uuid,
                                           instance)) as cctx:
            self.reschedule_task.abort_build(cctx, instance, reason)

    def unshelve_instance(self, ctx, instance, request_spec):
        with ctx.target_cell(self._cell_of(ctx, instance.uuid,
                                           instance)) as cctx:
            self.unshelve_task.unshelve_instance(cctx, instance,
                                                 request_spec)

    def cache_images(self, ctx, aggregate, image_ids):
        self.cache_images_task.cache_images(ctx, aggregate, image_ids)

    # Moves (1.4) ---------------------------------------------------------

    def migrate_server(self, ctx, instance, flavor, host=None,
                       allow_cross_cell_move=False):
        with ctx.target_cell(self._cell_of(ctx, instance.uuid,
                                           instance)) as cctx:
            self.migrate_task.migrate_server(
                cctx, instance, flavor, host,
                allow_cross_cell=allow_cross_cell_move)

    def confirm_resize(self, ctx, instance, migration):
        with ctx.target_cell(self._cell_of(ctx, instance.uuid,
                                           instance)) as cctx:
            migration.cell_uuid = cctx.cell_uuid
            self.migrate_task.confirm_resize(cctx, instance, migration)

    def revert_resize(self, ctx, instance, migration):
        with ctx.target_cell(self._cell_of(ctx, instance.uuid,
                                           instance)) as cctx:
            migration.cell_uuid = cctx.cell_uuid
            self.migrate_task.revert_resize(cctx, instance, migration)

    def live_migrate_instance(self, ctx, instance, host, block_migration,
                              force, wait_for_checks=False, migration=None):
        with ctx.target_cell(self._cell_of(ctx, instance.uuid,
                                           instance)) as cctx:
            if migration is not None:
                migration.cell_uuid = cctx.cell_uuid
            self.live_migrate_task.live_migrate_instance(
                cctx, instance, host, block_migration, force,
                wait_for_checks=wait_for_checks, migration=migration)

    def evacuate_instance(self, ctx, instance, host, force, admin_password,
                          target_state=None):
        with ctx.target_cell(self._cell_of(ctx, instance.uuid,
                                           instance)) as cctx:
            self.evacuate_task.evacuate_instance(
                cctx, instance, host, force, admin_password,
                target_state=target_state)

    def evacuations_done(self, ctx, host):
        with ctx.target_cell(self._cell_of_host(ctx, host)) as cctx:
            return evacuate.evacuations_done(cctx, host)

    def evacuation_cleaned(self, ctx, migration):
        with ctx.target_cell(self._cell_of(ctx, migration.instance_uuid)) \
                as cctx:
            migration.cell_uuid = cctx.cell_uuid
            return evacuate.evacuation_cleaned(cctx, migration)

    def confirm_stale_resizes(self, ctx, host, window):
        with ctx.target_cell(self._cell_of_host(ctx, host)) as cctx:
            return self.migrate_task.confirm_stale_resizes(cctx, host,
                                                           window)

    def _cell_of_host(self, ctx, host):
        if self._cell_only:
            return self.databases.cell_uuid
        try:
            return host_mapping_obj.HostMapping.get_by_host(
                ctx, host).cell_mapping.uuid
        except exception.HostMappingNotFound:
            return self.local_cell(ctx).uuid

    # Database proxy --------------------------------------------------------

    @oslo_messaging.expected_exceptions(exception.UnexpectedTaskStateError,
                                        exception.InstanceNotFound)
    def instance_save(self, ctx, instance, expected_task_state=None,
                      action_event=None, fault=None,
                      remove_allocations=False, repeated=False,
                      changes_only=False):
        """The save of a compute. repeated (1.8): it is sent again after
        its reply was lost; when it finds its change applied it is
        answered with the instance (its event and fault recorded the
        first time). changes_only (1.12): answered with what the save
        set (instance_save.saved_values), not the whole instance."""
        self._cell_of(ctx, instance.uuid, instance)
        also = None
        if action_event is not None or fault is not None:
            def also(cctx, session):
                if fault is not None:
                    fault.create(cctx, session=session)
                if action_event is not None:
                    _record_event(cctx, session, instance.uuid, action_event,
                                  fault and fault.message)
        if remove_allocations:
            # First: a reader who sees the saved state (shelved offloaded,
            # a failed unshelve) must not still see the host's usage.
            placement_report.of(ctx).remove_consumer(ctx, instance.uuid)
        instance.save(expected_task_state=expected_task_state, also=also,
                      repeat_ok=repeated)
        if changes_only:
            return instance_save_obj.saved_values(instance)
        return instance

    def migration_save(self, ctx, migration):
        with ctx.target_cell(self._cell_of(ctx, migration.instance_uuid)) \
                as cctx:
            migration.cell_uuid = cctx.cell_uuid
            migration.save()
        return migration

    @oslo_messaging.expected_exceptions(exception.InstanceNotFound)
    def instance_destroy(self, ctx, instance):
        with ctx.target_cell(self._cell_of(ctx, instance.uuid,
                                           instance)) as cctx:
            destroy.instance_destroy(ctx, cctx, instance)

    @oslo_messaging.expected_exceptions(exception.NotFound)
    def action_event_start(self, ctx, instance_uuid, event, host):
        with ctx.target_cell(self._cell_of(ctx, instance_uuid)) as cctx:
            instance_action_obj.InstanceActionEvent.event_start(
                cctx, instance_uuid, event, host=host)

    @oslo_messaging.expected_exceptions(exception.NotFound)
    def action_event_finish(self, ctx, instance_uuid, event, host, result,
                            traceback=None):
        with ctx.target_cell(self._cell_of(ctx, instance_uuid)) as cctx:
            instance_action_obj.finish_event(cctx, None, instance_uuid,
                                             event, result, traceback)

    def minimum_service_version(self, ctx, binary):
        """The lowest version of binary's live services in this
        conductor's cell (1.13: a compute's conductor = auto)."""
        return service_obj.Service.get_minimum_version(
            ctx, binary, cell_uuid=self.local_cell(ctx).uuid)

    @oslo_messaging.expected_exceptions(exception.ServiceTooOld)
    def service_report(self, ctx, service):
        return compute_report.service_report(ctx, self.local_cell(ctx),
                                             service)

    @oslo_messaging.expected_exceptions(
        placement_exception.PlacementUnavailable)
    def compute_nodes_update(self, ctx, host, compute_nodes, traits=None):
        return compute_report.compute_nodes_update(
            ctx, self.local_cell(ctx), host, compute_nodes, traits)

    def instances_on_host(self, ctx, host):
        with ctx.target_cell(self._cell_of_host(ctx, host)) as cctx:
            return instance_obj.InstanceList.get_by_host(cctx, host)

    # Block device mappings (1.10) ------------------------------------------

    @oslo_messaging.expected_exceptions(exception.InstanceNotFound)
    def block_device_mappings(self, ctx, instance_uuid):
        with ctx.target_cell(self._cell_of(ctx, instance_uuid)) as cctx:
            return bdm_obj.BlockDeviceMappingList.get_by_instance_uuid(
                cctx, instance_uuid)

    def _in_cell(self, ctx, bdm, change):
        with ctx.target_cell(self._cell_of(ctx, bdm.instance_uuid)) as cctx:
            change(cctx)
        return bdm

    @oslo_messaging.expected_exceptions(exception.InstanceNotFound,
                                        exception.InvalidVolume)
    def bdm_create(self, ctx, bdm):
        return self._in_cell(ctx, bdm, bdm.create)

    @oslo_messaging.expected_exceptions(exception.InstanceNotFound,
                                        exception.BDMNotFound)
    def bdm_save(self, ctx, bdm):
        return self._in_cell(ctx, bdm, bdm.save)

    @oslo_messaging.expected_exceptions(exception.InstanceNotFound)
    def bdm_destroy(self, ctx, bdm):
        self._in_cell(ctx, bdm, bdm.destroy)


def _record_event(cctx, session, instance_uuid, action_event, details):
    """The action_event of an instance save (1.1), in its session."""
    event, phase, host, result, trace = action_event
    instance_action_obj.record_event_in(
        cctx, session, instance_uuid, event,
        phase == conductor_rpcapi.EVENT_START, host, result, trace, details)
