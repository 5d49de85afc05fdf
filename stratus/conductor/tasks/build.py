"""Build: place new servers (one scheduler call for a whole multi-create),
create each in its cell, and hand it to its compute host.

A server is visible at every moment exactly once: as its build request
until the single API transaction that deletes the build request and
points the instance mapping at the cell; as the instance afterwards.
Servers no host can take go to cell0 in ERROR with a fault.
"""
import contextlib
import logging

import sqlalchemy as sa

from stratus.compute import rpcapi as compute_rpcapi
from stratus.db import api_models
from stratus.db import cell_models
from stratus.db import setup as db_setup
from stratus.db.types import utcnow
from stratus import exception
from stratus.objects import fields
from stratus.objects import instance_action as instance_action_obj
from stratus.objects import instance_fault as instance_fault_obj
from stratus.placement import allocations
from stratus.scheduler import rpcapi as scheduler_rpcapi

LOG = logging.getLogger(__name__)

EVENT = "conductor_schedule_and_build_instances"
SUCCESS = instance_action_obj.RESULT_SUCCESS
ERROR = instance_action_obj.RESULT_ERROR

_INSERT_ACTION = cell_models.InstanceAction.__table__.insert()
_INSERT_EVENT = cell_models.InstanceActionEvent.__table__.insert()
_BUILD_REQUESTS = api_models.BuildRequest.__table__
_MAPPINGS = api_models.InstanceMapping.__table__
_CELLS = api_models.CellMapping.__table__
_DELETE_BUILD_REQUEST = sa.delete(_BUILD_REQUESTS).where(
    _BUILD_REQUESTS.c.instance_uuid == sa.bindparam("instance_uuid"))
_MAP_TO_CELL = sa.update(_MAPPINGS).where(
    _MAPPINGS.c.instance_uuid == sa.bindparam("mapped_uuid")).values(
    cell_id=sa.select(_CELLS.c.id).where(
        _CELLS.c.uuid == sa.bindparam("cell_uuid")).scalar_subquery(),
    updated_at=sa.bindparam("now"))


class BuildTask:

    def __init__(self, conf, messaging):
        self.conf = conf
        self.scheduler = scheduler_rpcapi.SchedulerAPI(messaging)
        self.compute = compute_rpcapi.ComputeAPI(messaging)

    def schedule_and_build_instances(self, ctx, build_requests,
                                     request_specs, admin_password,
                                     injected_files):
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
        for build_request, request_spec, hosts in zip(
                build_requests, request_specs, host_lists):
            self._build_one(ctx, build_request, request_spec, hosts[0],
                            hosts[1:], admin_password, injected_files,
                            started)

    def _build_one(self, ctx, build_request, request_spec, selection,
                   alternates, admin_password, injected_files, started):
        instance = build_request.instance
        instance.host = selection.service_host
        instance.node = selection.nodename
        instance.compute_id = selection.get("compute_node_id")
        instance.availability_zone = selection.availability_zone
        with ctx.target_cell(selection.cell_uuid) as cctx:
            with cctx.cell_db.writer() as session:
                instance.create(cctx, session=session)
                create_block_device_mappings(cctx, build_request, session)
                record_action(cctx, instance.uuid, self.conf.host, started,
                              SUCCESS, session=session)
            try:
                bind_to_cell(ctx, instance.uuid, selection.cell_uuid)
            except exception.BuildRequestNotFound:
                LOG.info("Server %s was deleted while it was scheduled",
                         instance.uuid)
                allocations.remove_consumer(ctx, instance.uuid)
                instance.destroy()
                return
        self.compute.build_and_run_instance(
            ctx, selection.service_host, instance, request_spec, selection,
            alternates, admin_password, injected_files)

    def _bury_in_cell0(self, ctx, build_request, exc, started):
        instance = build_request.instance
        instance.vm_state = fields.VMState.ERROR
        instance.task_state = None
        with ctx.target_cell(db_setup.CELL0_UUID) as cctx:
            with cctx.cell_db.writer() as session:
                instance.create(cctx, session=session)
                create_block_device_mappings(cctx, build_request, session)
                instance_fault_obj.InstanceFault.from_exception(
                    instance.uuid, exc).create(cctx, session=session)
                record_action(cctx, instance.uuid, self.conf.host, started,
                              ERROR, session=session)
            try:
                bind_to_cell(ctx, instance.uuid, db_setup.CELL0_UUID)
            except exception.BuildRequestNotFound:
                instance.destroy()


def create_block_device_mappings(cctx, build_request, session):
    """The server's disks, in the transaction that creates it."""
    mappings = build_request.get("block_device_mappings")
    if mappings is not None:
        mappings.create(cctx, session=session)


def record_action(cctx, instance_uuid, host, started, result,
                  session=None):
    """The request's 'create' action with this task's finished event, in
    one transaction (the rows InstanceAction and InstanceActionEvent read;
    one write instead of three on the boot path); in session when given
    (the transaction that creates the instance)."""
    now = utcnow()
    writer = (contextlib.nullcontext(session) if session is not None
              else cctx.cell_db.writer())
    with writer as session:
        action_id = session.execute(_INSERT_ACTION, dict(
            action=instance_action_obj.CREATE,
            instance_uuid=instance_uuid, request_id=cctx.request_id,
            user_id=cctx.user_id, project_id=cctx.project_id,
            start_time=started, message=None if result == SUCCESS else ERROR,
            created_at=started, updated_at=now)).inserted_primary_key[0]
        session.execute(_INSERT_EVENT, dict(
            event=EVENT, action_id=action_id, start_time=started,
            finish_time=now, result=result, host=host, created_at=started,
            updated_at=now))


def bind_to_cell(ctx, instance_uuid, cell_uuid):
    """In one API transaction: delete the build request and map the
    instance to its cell. BuildRequestNotFound (and no change) when the
    user deleted the server meanwhile."""
    with ctx.api_db.writer() as session:
        deleted = session.execute(_DELETE_BUILD_REQUEST, {
            "instance_uuid": instance_uuid}).rowcount
        if not deleted:
            raise exception.BuildRequestNotFound(uuid=instance_uuid)
        session.execute(_MAP_TO_CELL, {"mapped_uuid": instance_uuid,
                                       "cell_uuid": cell_uuid,
                                       "now": utcnow()})
