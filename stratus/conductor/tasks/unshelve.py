"""Unshelve: bring a shelved server back (the API set task_state
unshelving and recorded the 'unshelve' action).

A SHELVED server still has its guest on its host: that host powers it on.
A SHELVED_OFFLOADED server has no host: its shelved snapshot is looked up
(event ``get_image_info``), the scheduler places it with its persisted
RequestSpec and claims the chosen host atomically (``schedule_instances``;
a 2.91 ``host`` or a 2.77 ``availability_zone`` arrive in the spec), and
the chosen host spawns it from the snapshot (``compute_unshelve_instance``).

When no host can take it the server stays SHELVED_OFFLOADED with no task
and a fault; when its snapshot is gone it goes to ERROR with a fault (it
can no longer be unshelved), as in Nova. Nothing stays claimed either way.
"""
import logging
import traceback

from stratus.compute import rpcapi as compute_rpcapi
from stratus import exception
from stratus.image import client as image_client
from stratus.objects import block_device_mapping as bdm_obj
from stratus.objects import fields
from stratus.objects import image_meta as image_meta_obj
from stratus.objects import instance_action as instance_action_obj
from stratus.objects import instance_fault as instance_fault_obj
from stratus.placement import allocations
from stratus.scheduler import rpcapi as scheduler_rpcapi

LOG = logging.getLogger(__name__)

VMState = fields.VMState
TaskState = fields.TaskState
IMAGE_EVENT = "get_image_info"
SCHEDULE_EVENT = "schedule_instances"
SHELVED_IMAGE_ID = "shelved_image_id"
# The task states whose stuck servers this task recovers.
RECOVERED = (TaskState.UNSHELVING, TaskState.SPAWNING, TaskState.SHELVING,
             TaskState.SHELVING_IMAGE_PENDING_UPLOAD,
             TaskState.SHELVING_IMAGE_UPLOADING,
             TaskState.SHELVING_OFFLOADING)


class UnshelveTask:

    def __init__(self, conf, messaging, databases, image_api=None):
        self.conf = conf
        self.databases = databases
        self.scheduler = scheduler_rpcapi.SchedulerAPI(messaging)
        self.compute = compute_rpcapi.ComputeAPI(messaging)
        self._image_api = image_api

    def _images(self):
        if self._image_api is None:
            self._image_api = image_client.ImageAPI.from_conf(self.conf)
        return self._image_api

    def unshelve_instance(self, cctx, instance, request_spec):
        if instance.vm_state == VMState.SHELVED:
            self.compute.unshelve_instance(cctx, instance.host, instance,
                                           None, request_spec)
            return
        image_meta = None
        if not self._volume_backed(cctx, instance):
            image_meta = self._shelved_image(cctx, instance)
            if image_meta is None:
                return
        selection = self._schedule(cctx, instance, request_spec)
        if selection is None:
            return
        instance.host = selection.service_host
        instance.node = selection.nodename
        instance.compute_id = selection.get("compute_node_id")
        instance.availability_zone = selection.availability_zone
        try:
            instance.save(expected_task_state=[TaskState.UNSHELVING])
        except (exception.InstanceNotFound,
                exception.UnexpectedTaskStateError) as exc:
            LOG.info("Not unshelving %s: %s", instance.uuid, exc)
            allocations.remove_consumer(cctx, instance.uuid)
            return
        self.compute.unshelve_instance(cctx, selection.service_host,
                                       instance, image_meta, request_spec)

    def recover(self, cctx, instance, compute_up, abandoned=False):
        """Settle a shelve or unshelve whose owner is gone (the stuck
        check, past its deadline): its compute, when it has a host that is
        up, still owns it; an unshelve of an offloaded server is undone
        (no host, its claim freed, a fault); a shelve task on a compute
        that is down is cleared, the server left in its vm_state. A
        build's spawning is NOT_MINE."""
        from stratus.conductor.tasks import stuck_states
        task_state = instance.task_state
        offloaded = instance.vm_state == VMState.SHELVED_OFFLOADED
        if task_state == TaskState.SPAWNING and not offloaded:
            return stuck_states.NOT_MINE
        if instance.host and compute_up:
            return None
        fault = None
        if offloaded:
            allocations.remove_consumer(cctx, instance.uuid)
            instance.host = instance.node = instance.compute_id = None
            fault = instance_fault_obj.InstanceFault.from_exception(
                instance.uuid, exception.UnshelveException(
                    instance_id=instance.uuid,
                    reason="its owner stopped during %s" % task_state))
        LOG.warning("Clearing task %s of shelved server %s", task_state,
                    instance.uuid)
        instance.task_state = None
        instance.save(expected_task_state=[task_state], also=(
            None if fault is None
            else lambda fault_ctx, session: fault.create(fault_ctx,
                                                         session=session)))
        return "unshelve undone" if offloaded else "task cleared"

    @staticmethod
    def _volume_backed(cctx, instance):
        """A volume-backed server was shelved without a snapshot: its
        host boots it from its root volume (Nova sends no image)."""
        if (instance.system_metadata or {}).get(SHELVED_IMAGE_ID):
            return False
        return any(bdm.boot_index == 0 and bdm.is_volume for bdm in
                   bdm_obj.BlockDeviceMappingList.get_by_instance_uuid(
                       cctx, instance.uuid).objects)

    def _shelved_image(self, cctx, instance):
        """The ImageMeta of the server's shelved snapshot; None (and the
        server in ERROR with a fault) when it is gone."""
        image_id = (instance.system_metadata or {}).get(SHELVED_IMAGE_ID)
        try:
            with instance_action_obj.recorded_event(
                    cctx, instance.uuid, IMAGE_EVENT, host=self.conf.host):
                if not image_id:
                    raise exception.ImageNotFound(image_id="")
                return image_meta_obj.ImageMeta.from_image_dict(
                    self._images().get(cctx, image_id))
        except exception.ImageNotFound:
            reason = ("Unshelve attempted but the image %s cannot be found."
                      % image_id)
            LOG.error("%s (server %s)", reason, instance.uuid)
            self._give_back(cctx, instance, exception.UnshelveException(
                instance_id=instance.uuid, reason=reason),
                vm_state=VMState.ERROR)
        return None

    def _schedule(self, cctx, instance, request_spec):
        """The claimed Selection; None (the server back offloaded, with a
        fault) when no host can take it."""
        request_spec.ignore_hosts = []
        request_spec.num_instances = 1
        # Its records stay in its cell: a host of that cell.
        request_spec.requested_cell_uuid = cctx.cell_uuid
        try:
            with instance_action_obj.recorded_event(
                    cctx, instance.uuid, SCHEDULE_EVENT, host=self.conf.host):
                return self.scheduler.select_destinations(
                    cctx, request_spec, [instance.uuid],
                    return_alternates=False)[0][0]
        except exception.NoValidHost as exc:
            LOG.warning("No valid host to unshelve %s: %s", instance.uuid,
                        exc)
            self._give_back(cctx, instance, exc)
        return None

    @staticmethod
    def _give_back(cctx, instance, exc, vm_state=None):
        """End the unshelve where the server was (or in vm_state), with
        the failure as its fault."""
        fault = instance_fault_obj.InstanceFault.from_exception(
            instance.uuid, exc, traceback.format_exc())
        instance.task_state = None
        if vm_state is not None:
            instance.vm_state = vm_state

        def also(fault_ctx, session):
            fault.create(fault_ctx, session=session)
        try:
            instance.save(expected_task_state=[TaskState.UNSHELVING],
                          also=also)
        except (exception.InstanceNotFound,
                exception.UnexpectedTaskStateError) as error:
            LOG.info("Server %s changed during its unshelve: %s",
                     instance.uuid, error)
