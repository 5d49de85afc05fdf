"""Build: place new servers (one scheduler call for a whole multi-create),
create each in its cell, and hand it to its compute host.

A server is visible at every moment exactly once: as its build request
until the single API transaction that deletes the build request and
points the instance mapping at the cell; as the instance afterwards.
Servers no host can take go to cell0 in ERROR with a fault.

A build survives the death of its conductor: a conductor first takes a
lease on the build requests it works on (their ``updated_at``, for
``[conductor] task_lease`` seconds), so two conductors never build one
server; ``resume`` (at conductor start and from the periodic check of
tasks/stuck_states.py) takes the build requests whose lease ran out and
carries each on from the step it reached: scheduled again when it never
reached a cell, bound and sent to its compute when the conductor died
between creating it in its cell and binding it there.
"""
import datetime
import logging
import traceback

from stratus.compute import rpcapi as compute_rpcapi
from stratus.conductor import placement_report
from stratus.conductor.tasks import reschedule
from stratus.db import cell_models
from stratus.db import setup as db_setup
from stratus.db.types import utcnow
from stratus import context as stratus_context
from stratus import exception
from stratus import retry
from stratus.objects import block_device_mapping as bdm_obj
from stratus.objects import build_request as build_request_obj
from stratus.objects import cell_mapping as cell_mapping_obj
from stratus.objects import compute_node as compute_node_obj
from stratus.objects import fields
from stratus.objects import instance as instance_obj
from stratus.objects import instance_action as instance_action_obj
from stratus.objects import instance_fault as instance_fault_obj
from stratus.objects import instance_group as instance_group_obj
from stratus.objects import request_spec as request_spec_obj
from stratus.placement import allocations
from stratus.scheduler import rpcapi as scheduler_rpcapi

LOG = logging.getLogger(__name__)

EVENT = "conductor_schedule_and_build_instances"
SUCCESS = instance_action_obj.RESULT_SUCCESS
ERROR = instance_action_obj.RESULT_ERROR

_INSTANCES = cell_models.Instance.__table__
# Cells a build tries that cannot be reached before it ends in ERROR.
CELL_TRIES = 3


class BuildTask:

    def __init__(self, conf, messaging):
        self.conf = conf
        self.scheduler = scheduler_rpcapi.SchedulerAPI(messaging)
        self.compute = compute_rpcapi.ComputeAPI(messaging)

    def schedule_and_build_instances(self, ctx, build_requests,
                                     request_specs, admin_password,
                                     injected_files):
        taken = build_request_obj.take_build_requests(
            ctx, [br.instance_uuid for br in build_requests],
            self.conf.conductor.task_lease)
        if len(taken) < len(build_requests):
            LOG.info("Build requests %s are another conductor's",
                     sorted({br.instance_uuid for br in build_requests}
                            - taken))
            pairs = [(br, spec) for br, spec in zip(build_requests,
                                                    request_specs)
                     if br.instance_uuid in taken]
            if not pairs:
                return
            build_requests = [br for br, _spec in pairs]
            request_specs = [spec for _br, spec in pairs]
        try:
            self._schedule_and_build(ctx, build_requests, request_specs,
                                     admin_password, injected_files)
        except exception.DatabaseUnreachable:
            # A connection lost on the way (the database stopped): once it
            # answers again, each build carries on from the step it
            # reached, instead of waiting for its lease to run out.
            LOG.warning("A database went away during the build of %s: "
                        "carrying on once it is back",
                        [br.instance_uuid for br in build_requests])
            for build_request in build_requests:
                self._resume_when_reachable(ctx, build_request.instance_uuid)

    def _resume_when_reachable(self, ctx, uuid):
        try:
            retry.retry_while(exception.DatabaseUnreachable,
                              lambda: self._resume_one(ctx, uuid),
                              self.conf.conductor.db_retry_seconds,
                              "Resuming the build of %s" % uuid)
        except exception.NotFound as exc:
            LOG.info("Build of %s not resumed: %s", uuid, exc)

    def _schedule_and_build(self, ctx, build_requests, request_specs,
                            admin_password, injected_files,
                            cell_tries=CELL_TRIES):
        started = utcnow()
        instance_uuids = [br.instance_uuid for br in build_requests]
        spec = request_specs[0]
        spec.num_instances = len(instance_uuids)
        try:
            host_lists = self.scheduler.select_destinations(
                ctx, spec, instance_uuids, return_alternates=True)
        except exception.NoValidHost as exc:
            LOG.info("No host for %s: %s", instance_uuids, exc)
            for build_request in build_requests:
                self._bury_in_cell0(ctx, build_request, exc, started)
            return
        except Exception as exc:  # noqa: BLE001 - a build that fails ends ERROR, never BUILD
            LOG.exception("Scheduling %s failed", instance_uuids)
            for build_request in build_requests:
                self._abort(ctx, build_request, started, exc,
                            "it could not be scheduled")
            return
        # A hard group travels with the build: a cell conductor that
        # claims an alternate checks its policy (no API database there).
        group = reschedule.hard_group(ctx, spec)
        for build_request, request_spec, hosts in zip(
                build_requests, request_specs, host_lists):
            request_spec.instance_group = group
            self._build_one(ctx, build_request, request_spec, hosts[0],
                            hosts[1:], admin_password, injected_files,
                            started, cell_tries)

    def _build_one(self, ctx, build_request, request_spec, selection,
                   alternates, admin_password, injected_files, started,
                   cell_tries):
        instance = build_request.instance
        instance.host = selection.service_host
        instance.node = selection.nodename
        instance.compute_id = selection.get("compute_node_id")
        instance.availability_zone = selection.availability_zone
        with ctx.target_cell(selection.cell_uuid) as cctx:
            try:
                with cctx.cell_db.writer() as session:
                    instance.create(cctx, session=session)
                    create_block_device_mappings(cctx, build_request,
                                                 session)
                    _record_create(cctx, instance.uuid, self.conf.host,
                                   started, SUCCESS, session)
            except exception.DatabaseRefused:
                # Its cell refused every connection for db_retry_seconds
                # (the cell is down, or the database servers are): the
                # server was not written anywhere.
                self._build_elsewhere(ctx, build_request, request_spec,
                                      [selection] + list(alternates),
                                      admin_password, injected_files,
                                      started, cell_tries)
                return
            except exception.DatabaseUnreachable:
                raise  # carried on once the database is back (above)
            except Exception as exc:  # noqa: BLE001 - a build that fails ends ERROR, never BUILD
                LOG.exception("Server %s could not be created in cell %s",
                              instance.uuid, selection.cell_uuid)
                self._abort(ctx, build_request, started, exc,
                            "it could not be written to its cell")
                return
            try:
                build_request_obj.bind_to_cell(ctx, instance.uuid,
                                               selection.cell_uuid)
            except exception.BuildRequestNotFound:
                LOG.info("Server %s was deleted while it was scheduled",
                         instance.uuid)
                allocations.remove_consumer(ctx, instance.uuid)
                instance.destroy()
                return
        self.compute.build_and_run_instance(
            ctx, selection.service_host, instance, request_spec, alternates,
            admin_password, injected_files,
            without_volumes=not _has_volumes(build_request))

    def _build_elsewhere(self, ctx, build_request, request_spec, selections,
                         admin_password, injected_files, started, cell_tries):
        """A server whose cell cannot be reached: scheduled again without
        the hosts it was offered there (the scheduler stops offering the
        cell's hosts once its view sees the cell down), or, after
        CELL_TRIES such cells, in ERROR with the reason."""
        uuid = build_request.instance_uuid
        cell_uuid = selections[0].cell_uuid
        if cell_tries <= 1:
            exc = exception.DatabaseRefused()
            self._abort(ctx, build_request, started, exc,
                        "its cell %s could not be reached" % cell_uuid)
            return
        LOG.warning("Cell %s cannot be reached: scheduling %s again "
                    "elsewhere", cell_uuid, uuid)
        allocations.remove_consumer(ctx, uuid)
        request_spec.ignore_hosts = list(request_spec.get(
            "ignore_hosts") or ()) + [selection.service_host
                                      for selection in selections]
        self._schedule_and_build(ctx, [build_request], [request_spec],
                                 admin_password, injected_files,
                                 cell_tries - 1)

    # Resuming builds whose conductor died ---------------------------------

    def resume(self, ctx, abandoned_before=None):
        """Take the build requests whose lease ran out (or, with
        abandoned_before, that were made and leased before it: by a
        process that died with every owner) and carry each on from the
        step it reached; the uuids resumed."""
        expired = build_request_obj.lease_expiry(
            self.conf.conductor.task_lease, abandoned_before)
        # A build request no conductor ever took: the cast that carried
        # it was lost (a broker outage), unless it is still queued.
        never_taken = utcnow() - datetime.timedelta(
            seconds=self.conf.conductor.in_flight_grace)
        resumed = []
        for uuid in build_request_obj.orphaned_build_requests(
                ctx, expired, never_taken):
            if not build_request_obj.take_build_requests(
                    ctx, [uuid], expired=expired):
                continue
            try:
                self._resume_one(ctx, uuid)
                resumed.append(uuid)
            except exception.NotFound as exc:
                LOG.info("Build of %s not resumed: %s", uuid, exc)
            except exception.DatabaseUnreachable:
                LOG.warning("Build of %s waits for a database that cannot "
                            "be reached (the cell it may have been written "
                            "to); a later pass tries again", uuid)
            except Exception:  # noqa: BLE001 - the lease runs out, a later pass retries
                LOG.exception("Build of %s not resumed", uuid)
        return resumed

    def _resume_one(self, ctx, uuid):
        build_request = build_request_obj.BuildRequest.get_by_instance_uuid(
            ctx, uuid)
        spec = request_spec_obj.RequestSpec.get_by_instance_uuid(ctx, uuid)
        instance = build_request.instance
        # The create action is recorded under the owner, as the API's.
        owner_ctx = stratus_context.RequestContext(
            user_id=instance.user_id, project_id=instance.project_id,
            is_admin=True, roles=["admin"], databases=ctx.databases)
        cell_uuid, created = created_in_cell(ctx, uuid)
        if created is None:
            LOG.warning("Resuming the build of %s: scheduling it again",
                        uuid)
            # A claim the dead conductor's scheduling made is replaced.
            allocations.remove_consumer(ctx, uuid)
            self._schedule_and_build(owner_ctx, [build_request], [spec],
                                     None, None)
            return
        LOG.warning("Resuming the build of %s: binding it to cell %s",
                    uuid, cell_uuid)
        try:
            build_request_obj.bind_to_cell(ctx, uuid, cell_uuid)
        except exception.BuildRequestNotFound:
            return
        if cell_uuid != db_setup.CELL0_UUID:
            self.send_to_compute(owner_ctx, created, spec)

    def send_to_compute(self, ctx, instance, request_spec=None):
        """(Again) hand a server in 'scheduling' to its compute, with its
        persisted request spec: the alternates, the admin password and
        injected files of the original request are not persisted (its
        alternates None: should the spawn fail, the scheduler chooses
        again)."""
        if request_spec is None:
            request_spec = request_spec_obj.RequestSpec.get_by_instance_uuid(
                ctx, instance.uuid)
        self.compute.build_and_run_instance(
            ctx, instance.host, instance, request_spec, None, None, None)

    def build_again(self, cctx, instance, reason):
        """A build its compute's restart cut short (the guest removed):
        back to 'scheduling' on the same host, its claim kept, and sent
        to that compute again. Not a failed attempt: nothing is counted
        against [scheduler] max_attempts (the alternates of the original
        request are not persisted: should the spawn fail, the scheduler
        chooses again). A cell conductor, without the API database's
        request spec, gives up: ERROR with the reason."""
        try:
            if not placement_report.has_api(cctx):
                raise exception.NotFound(
                    "a cell conductor has no request spec to build it "
                    "again with")
            request_spec = request_spec_obj.RequestSpec.get_by_instance_uuid(
                cctx, instance.uuid)
        except exception.NotFound as exc:
            placement_report.of(cctx).remove_consumer(cctx, instance.uuid)
            reschedule.give_up(cctx, instance, "%s; %s" % (reason, exc))
            return
        LOG.warning("%s: building it again there", reason)
        instance.task_state = fields.TaskState.SCHEDULING
        try:
            instance.save(
                expected_task_state=reschedule.BUILD_TASK_STATES)
        except (exception.InstanceNotFound,
                exception.UnexpectedTaskStateError) as exc:
            LOG.info("Build of %s not sent again: %s", instance.uuid, exc)
            return
        self.send_to_compute(cctx, instance, request_spec)

    def _abort(self, ctx, build_request, started, exc, what):
        """A build that failed for a reason other than capacity: its
        claim freed, the server in cell0 in ERROR with a fault saying
        why (the error's traceback as the fault's details)."""
        uuid = build_request.instance_uuid
        allocations.remove_consumer(ctx, uuid)
        instance_group_obj.forget_host(ctx, [uuid])
        instance = build_request.instance
        instance.host = instance.node = instance.compute_id = None
        fault = exception.BuildAbortException(
            instance_uuid=uuid, reason="%s (%s)" % (
                what, type(exc).__name__))
        self._bury_in_cell0(ctx, build_request, fault, started,
                            exc_tb=traceback.format_exc())

    def _bury_in_cell0(self, ctx, build_request, exc, started, exc_tb=None):
        instance = build_request.instance
        instance.vm_state = fields.VMState.ERROR
        instance.task_state = None
        fault = instance_fault_obj.InstanceFault.from_exception(
            instance.uuid, exc, exc_tb=exc_tb)
        with ctx.target_cell(db_setup.CELL0_UUID) as cctx:
            try:
                self._create_in_cell0(cctx, build_request, fault, started)
            except exception.WriteRefused:
                # A value its column cannot hold (the reason the build
                # failed, perhaps): the server is kept with it cut short.
                LOG.exception("Server %s could not be written to cell0; "
                              "writing it with its values cut to their "
                              "columns", instance.uuid)
                clip_to_columns(instance)
                self._create_in_cell0(cctx, build_request, fault, started)
            try:
                build_request_obj.bind_to_cell(ctx, instance.uuid,
                                               db_setup.CELL0_UUID)
            except exception.BuildRequestNotFound:
                instance.destroy()

    def _create_in_cell0(self, cctx, build_request, fault, started):
        with cctx.cell_db.writer(refused_is_error=True) as session:
            build_request.instance.create(cctx, session=session)
            create_block_device_mappings(cctx, build_request, session)
            fault.create(cctx, session=session)
            _record_create(cctx, build_request.instance_uuid,
                           self.conf.host, started, ERROR, session)


def create_block_device_mappings(cctx, build_request, session):
    """The server's disks, in the transaction that creates it."""
    mappings = build_request.get("block_device_mappings")
    if mappings is not None:
        mappings.create(cctx, session=session)


def _has_volumes(build_request):
    """Whether the server being built has a volume mapping (its compute
    reads its mappings then)."""
    mappings = build_request.get("block_device_mappings")
    return any(mapping.get("destination_type") == bdm_obj.DESTINATION_VOLUME
               for mapping in mappings or ())


def _record_create(cctx, instance_uuid, host, started, result, session):
    """The request's 'create' action with this task's finished event, in
    the transaction that creates the instance."""
    instance_action_obj.record_finished_action(
        cctx, instance_uuid, instance_action_obj.CREATE, EVENT, host,
        started, result, session=session)


def clip_to_columns(instance):
    """Cut the instance's strings that are longer than their columns
    (PostgreSQL and MariaDB refuse them; SQLite keeps them whole)."""
    for column in _INSTANCES.columns:
        length = getattr(column.type, "length", None)
        if not length or column.name not in instance.fields \
                or not instance.obj_attr_is_set(column.name):
            continue
        value = getattr(instance, column.name)
        if isinstance(value, str) and len(value) > length:
            setattr(instance, column.name, value[:length])


def created_in_cell(ctx, instance_uuid):
    """(cell uuid, Instance) of a server a conductor created in a cell
    before it died; (None, None) when no cell has it. A cell that cannot
    be read is not waited for: DatabaseUnreachable (ask again later) only
    if the server may be there, its claim being on none of the nodes of
    the cells that were read."""
    down = []
    for cell in cell_mapping_obj.CellMappingList.get_all(ctx):
        try:
            with retry.impatient(), ctx.target_cell(cell.uuid) as cctx:
                return cell.uuid, instance_obj.Instance.get_by_uuid(
                    cctx, instance_uuid, expected_attrs=["flavor"])
        except exception.InstanceNotFound:
            continue
        except exception.DatabaseUnreachable:
            down.append(cell.uuid)
    if down and _may_be_in(ctx, instance_uuid, down):
        raise exception.DatabaseUnreachable()
    return None, None


def _may_be_in(ctx, instance_uuid, cell_uuids):
    """Whether the server's claim leaves it possible that the server was
    written to one of these cells: it holds a claim, and none of the
    claimed providers is a node of another cell."""
    providers = set(allocations.get_allocations(ctx, instance_uuid))
    return bool(providers) and all(
        node.cell_uuid in cell_uuids for node in
        compute_node_obj.ComputeNodeList.get_all(ctx, uuids=providers))
