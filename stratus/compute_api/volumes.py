"""Volumes of a server (os-volume_attachments), as Nova's compute API does
them with Cinder's attachments API:

- attach: the checks of Nova's _check_attach_and_reserve_volume (state,
  lock, the volume's status and multiattach, its availability zone per
  [cinder] cross_az_attach, not attached already), the attachment
  created (the reservation) and the block device mapping stored with its
  attachment_id, then the compute plugs it in. Before 2.101 the caller
  waits for the compute's device name (reserve_block_device_name, a
  call); from 2.101 nothing waits (the compute picks the name). A
  shelved offloaded server (no host) gets its mapping and a completed
  attachment here, plugged in when it is unshelved.
- detach, swap (a new volume's attachment created, the compute copies),
  the update of delete_on_termination (2.85);
- the volumes of a server as the views show them, and the removal of a
  deleted server's attachments when the API deletes it itself.
"""
import logging

from stratus.compute import states
from stratus.compute_api import base
from stratus import client_exception
from stratus import exception
from stratus.objects import block_device_mapping as bdm_obj
from stratus.objects import instance_action as action_obj

LOG = logging.getLogger(__name__)


class Volumes(base.APIBase):
    """A server's volume attachments."""

    # Reads --------------------------------------------------------------

    @staticmethod
    def volume_mappings(ctx, instance):
        """The server's live volume mappings (boot order)."""
        if instance.get("cell_uuid") is None:
            return []
        with ctx.target_cell(instance.cell_uuid) as cctx:
            return [bdm for bdm in
                    bdm_obj.BlockDeviceMappingList.get_by_instance_uuid(
                        cctx, instance.uuid) if bdm.is_volume]

    def volume_mapping(self, ctx, instance, volume_id):
        """The server's mapping of volume_id; VolumeBDMNotFound."""
        for bdm in self.volume_mappings(ctx, instance):
            if bdm.volume_id == volume_id:
                return bdm
        raise exception.VolumeBDMNotFound(volume_id=volume_id)

    @staticmethod
    def volumes_attached(ctx, instances):
        """{server uuid: [its volume mappings]} for the servers' views,
        one query per cell."""
        by_cell = {}
        for instance in instances:
            if instance.get("cell_uuid") is not None:
                by_cell.setdefault(instance.cell_uuid, []).append(
                    instance.uuid)
        found = {}
        for cell_uuid, uuids in by_cell.items():
            with ctx.target_cell(cell_uuid) as cctx:
                for bdm in bdm_obj.volumes_of_instances(cctx, uuids):
                    found.setdefault(bdm.instance_uuid, []).append(bdm)
        return found

    # Attach -------------------------------------------------------------

    def attach_volume(self, ctx, instance, volume_id, device=None, tag=None,
                      delete_on_termination=False,
                      supports_multiattach=False, wait=True):
        """Attach volume_id; the device name when wait (before 2.101),
        else None at once (the compute picks it)."""
        base.check_lock(ctx, instance)
        states.check(instance, "attach_volume")
        self._in_cell(instance, "attach_volume")
        offloaded = not instance.host
        volume = self.volume_api.get(ctx, volume_id)
        multiattach = bool(volume.get("multiattach"))
        if multiattach and not supports_multiattach:
            raise exception.MultiattachNotSupportedOldMicroversion()
        if offloaded and tag:
            raise exception.VolumeTaggedAttachToShelvedNotSupported()
        if offloaded and multiattach:
            raise exception.MultiattachToShelvedNotSupported()
        self._check_attachable(ctx, instance, volume)
        if not offloaded:
            self.compute_rpcapi.check_can_send_volumes()
        with ctx.target_cell(instance.cell_uuid) as cctx:
            action_obj.InstanceAction.action_start(cctx, instance.uuid,
                                                   "attach_volume")
            if offloaded or not wait:
                bdm = bdm_obj.BlockDeviceMapping(
                    instance_uuid=instance.uuid, source_type="volume",
                    destination_type="volume", volume_id=volume_id,
                    device_name=device if offloaded else None, tag=tag,
                    delete_on_termination=bool(delete_on_termination))
                bdm.create(cctx)
            else:
                bdm = self.compute_rpcapi.reserve_block_device_name(
                    ctx, instance, device, volume_id, tag=tag,
                    multiattach=multiattach,
                    delete_on_termination=bool(delete_on_termination))
            self._reserve(ctx, cctx, instance, bdm)
        if offloaded:
            # Nova completes it without a connector (the volume in-use,
            # as before attachments); a service that wants a connector
            # first keeps it reserved until the unshelve.
            try:
                self.volume_api.attachment_complete(ctx, bdm.attachment_id)
            except client_exception.VolumeServiceBadRequest as exc:
                LOG.info("Attachment %s stays reserved: %s",
                         bdm.attachment_id, exc)
            return None
        self.compute_rpcapi.attach_volume(ctx, instance, bdm)
        return bdm.device_name if wait else None

    def _check_attachable(self, ctx, instance, volume):
        """Nova's checks of the volume before its reservation: not on the
        server already, available (or in-use and multiattach), in the
        server's zone unless [cinder] cross_az_attach."""
        for bdm in self.volume_mappings(ctx, instance):
            if bdm.volume_id == volume["id"]:
                raise exception.InvalidVolume(
                    reason="volume %s already attached" % volume["id"])
        status = volume.get("status")
        if status != "available" and not (
                status in ("in-use", "reserved")
                and volume.get("multiattach")):
            raise exception.InvalidVolume(
                reason="volume '%s' status must be 'available'. Currently "
                       "in '%s' status" % (volume["id"], status))
        if not self.conf.cinder.cross_az_attach:
            zone = instance.get("availability_zone")
            volume_zone = volume.get("availability_zone")
            if zone and volume_zone and zone != volume_zone:
                raise exception.InvalidVolume(
                    reason="Instance %s and volume %s are not in the same "
                           "availability_zone. Instance is in %s. Volume is "
                           "in %s" % (instance.uuid, volume["id"], zone,
                                      volume_zone))

    def _reserve(self, ctx, cctx, instance, bdm):
        """Cinder's attachment for bdm (no connector yet), kept on it;
        bdm destroyed when Cinder refuses (its 400/409 are Nova's 400)."""
        try:
            attachment = self.volume_api.attachment_create(
                ctx, bdm.volume_id, instance.uuid)
            bdm.attachment_id = attachment["id"]
            bdm.save(cctx)
        except Exception as exc:
            try:
                if bdm.get("attachment_id"):
                    self.volume_api.attachment_delete(ctx,
                                                      bdm.attachment_id)
            finally:
                bdm.destroy(cctx)
            if isinstance(exc, (client_exception.VolumeServiceBadRequest,
                                client_exception.VolumeServiceConflict)):
                raise exception.InvalidVolume(
                    reason=exc.format_message()) from exc
            raise

    # Detach, swap, update -------------------------------------------------

    def detach_volume(self, ctx, instance, volume_id):
        base.check_lock(ctx, instance)
        states.check(instance, "detach_volume")
        self._in_cell(instance, "detach_volume")
        self.volume_api.get(ctx, volume_id)
        bdm = self.volume_mapping(ctx, instance, volume_id)
        if bdm.get("boot_index") == 0:
            raise exception.InvalidVolume(
                reason="Cannot detach a root device volume")
        if instance.host:
            self.compute_rpcapi.check_can_send_volumes()
        with ctx.target_cell(instance.cell_uuid) as cctx:
            action_obj.InstanceAction.action_start(cctx, instance.uuid,
                                                   "detach_volume")
            if not instance.host:
                self._drop_attachment(ctx, bdm)
                bdm.destroy(cctx)
                return
        self.compute_rpcapi.detach_volume(ctx, instance, volume_id,
                                          bdm.get("attachment_id"))

    def swap_volume(self, ctx, instance, old_volume_id, new_volume_id):
        """Nova's swap_volume: the old volume attached here, the new one
        available and no smaller; its attachment created, the compute
        copies the disk and keeps the new volume."""
        base.check_lock(ctx, instance)
        states.check(instance, "swap_volume")
        self._in_cell(instance, "swap_volume")
        old_volume = self.volume_api.get(ctx, old_volume_id)
        new_volume = self.volume_api.get(ctx, new_volume_id)
        self.volume_mapping(ctx, instance, old_volume_id)
        if new_volume.get("status") != "available":
            raise exception.InvalidVolume(
                reason="volume '%s' status must be 'available'. Currently "
                       "in '%s' status" % (new_volume_id,
                                           new_volume.get("status")))
        if len(old_volume.get("attachments") or ()) > 1:
            raise exception.InvalidVolume(
                reason="Swapping multi-attach volumes with more than one "
                       "read/write attachment is not supported.")
        if (new_volume.get("size") or 0) < (old_volume.get("size") or 0):
            raise exception.InvalidVolume(
                reason="New volume must be the same size or larger.")
        self.compute_rpcapi.check_can_send_volumes()
        try:
            attachment = self.volume_api.attachment_create(
                ctx, new_volume_id, instance.uuid)
        except (client_exception.VolumeServiceBadRequest,
                client_exception.VolumeServiceConflict) as exc:
            raise exception.InvalidVolume(
                reason=exc.format_message()) from exc
        with ctx.target_cell(instance.cell_uuid) as cctx:
            action_obj.InstanceAction.action_start(cctx, instance.uuid,
                                                   "swap_volume")
        self.compute_rpcapi.swap_volume(ctx, instance, old_volume_id,
                                        new_volume_id, attachment["id"])

    def update_volume_attachment(self, ctx, instance, volume_id,
                                 delete_on_termination):
        """2.85: whether the volume goes with the server."""
        base.check_lock(ctx, instance)
        bdm = self.volume_mapping(ctx, instance, volume_id)
        bdm.delete_on_termination = bool(delete_on_termination)
        with ctx.target_cell(instance.cell_uuid) as cctx:
            bdm.save(cctx)

    # A deleted server's volumes ------------------------------------------

    def _drop_attachment(self, ctx, bdm):
        if not bdm.get("attachment_id"):
            return
        try:
            self.volume_api.attachment_delete(ctx, bdm.attachment_id)
        except client_exception.VolumeAttachmentNotFound:
            pass

    def delete_local_volumes(self, ctx, cctx, instance):
        """The API deletes a server itself (no host, or its compute is
        down): its attachments are deleted and the volumes it was to
        delete on termination too (Nova's _local_cleanup_bdm_volumes);
        failures are logged, the delete goes on."""
        for bdm in [bdm for bdm in
                    bdm_obj.BlockDeviceMappingList.get_by_instance_uuid(
                        cctx, instance.uuid) if bdm.is_volume]:
            try:
                self._drop_attachment(ctx, bdm)
                if bdm.delete_on_termination:
                    self.volume_api.delete(ctx, bdm.volume_id)
            except Exception:  # noqa: BLE001 - logged, the delete goes on
                LOG.exception("Could not clean up volume %s of deleted "
                              "server %s", bdm.volume_id, instance.uuid)

