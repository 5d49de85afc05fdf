"""The volumes of a server on this host, as Nova's driver block devices:
at a build the volumes its mappings ask for are made (from an image, a
snapshot or blank) and waited for, each volume's attachment is given this
host's connector and its connection_info is kept on the mapping (through
the conductor: the compute has no database), the guest is spawned with
them (block_device_info) and the attachments completed. A failed build
takes back what it did (see _undo_volumes).
"""
import json
import time

from stratus.compute.tasks.common import LOG
from stratus import client_exception
from stratus import exception
from stratus.objects import image_meta as image_meta_obj
from stratus.virt import block_device as virt_block_device

SOURCE_VOLUME = "volume"
ROOT_DEVICE = virt_block_device.ROOT_DEVICE


def volume_mappings(bdms):
    """The mappings of bdms that are volumes."""
    return [bdm for bdm in bdms if bdm.get("destination_type") == "volume"]


def block_device_info(bdms, root_device_name=ROOT_DEVICE):
    """Nova's block_device_info for the volume mappings (those with a
    connection_info)."""
    mappings = []
    for bdm in volume_mappings(bdms):
        if not bdm.get("connection_info"):
            continue
        mappings.append({
            "connection_info": json.loads(bdm.connection_info),
            "mount_device": bdm.get("device_name"),
            "boot_index": bdm.get("boot_index"),
            "disk_bus": bdm.get("disk_bus"),
            "device_type": bdm.get("device_type"),
            "delete_on_termination": bdm.get("delete_on_termination"),
            "attachment_id": bdm.get("attachment_id"),
            "volume_id": bdm.get("volume_id")})
    return {"root_device_name": root_device_name,
            "block_device_mapping": mappings}


def is_volume_backed(bdms):
    return any(bdm.get("boot_index") == 0 for bdm in volume_mappings(bdms))


class BlockDevicesMixin:
    """The compute manager's volume preparation for builds and moves."""

    def _block_device_mappings(self, ctx, instance):
        return list(self.conductor.block_device_mappings(ctx, instance.uuid))

    def _prepare_volumes(self, ctx, instance, bdms):
        """Make, attach (this host's connector) and record each volume of
        the mappings; the block_device_info to spawn with. Raises what
        failed (the caller undoes with _undo_volumes)."""
        if not volume_mappings(bdms):
            return None
        connector = self.driver.get_volume_connector(instance)
        taken = [ROOT_DEVICE]
        for bdm in volume_mappings(bdms):
            if not bdm.get("volume_id"):
                self._create_volume(ctx, instance, bdm)
            if not bdm.get("attachment_id"):
                attachment = self.volume_api.attachment_create(
                    ctx, bdm.volume_id, instance.uuid)
                bdm.attachment_id = attachment["id"]
                self._save_bdm(ctx, bdm)
            device = self._device_name(bdm, taken)
            taken.append(device)
            attachment = self.volume_api.attachment_update(
                ctx, bdm.attachment_id, connector, mountpoint=device)
            bdm.device_name = device
            bdm.connection_info = json.dumps(
                attachment.get("connection_info") or {})
            self._save_bdm(ctx, bdm)
        return block_device_info(bdms)

    @staticmethod
    def _device_name(bdm, taken):
        if bdm.get("boot_index") == 0:
            return ROOT_DEVICE
        name = virt_block_device.device_name(bdm.get("device_name"))
        if not name or name in taken:
            name = virt_block_device.next_free(taken)
        if name is None:
            raise exception.InvalidBDM("No free device name for a volume")
        return name

    def _create_volume(self, ctx, instance, bdm):
        """A volume for a snapshot, image or blank mapping, once it is
        available ([DEFAULT] block_device_allocate_retries times
        block_device_allocate_retries_interval seconds at most)."""
        source = bdm.get("source_type")
        zone = (None if self.conf.cinder.cross_az_attach
                else instance.get("availability_zone"))
        volume = self.volume_api.create(
            ctx, bdm.get("volume_size") or 1,
            "%s-%s-vol" % (instance.uuid, source), "",
            snapshot_id=bdm.get("snapshot_id") if source == "snapshot"
            else None,
            image_id=bdm.get("image_id") if source == "image" else None,
            volume_type=bdm.get("volume_type"), availability_zone=zone)
        bdm.volume_id = volume["id"]
        self._save_bdm(ctx, bdm)
        volume = self._wait_available(ctx, volume["id"])
        if not bdm.get("volume_size"):
            bdm.volume_size = volume.get("size")

    def _wait_available(self, ctx, volume_id, statuses=("available",)):
        """The volume once its status is one of statuses, checked
        block_device_allocate_retries times (and once more)
        block_device_allocate_retries_interval seconds apart (0: 10 ms);
        VolumeServiceError when it errs or never gets there."""
        interval = self.conf.block_device_allocate_retries_interval or 0.01
        for _ in range(self.conf.block_device_allocate_retries):
            volume = self.volume_api.get(ctx, volume_id)
            if volume.get("status") in statuses:
                return volume
            if str(volume.get("status")).startswith("error"):
                break
            time.sleep(interval)
        volume = self.volume_api.get(ctx, volume_id)
        if volume.get("status") in statuses:
            return volume
        raise client_exception.VolumeServiceError(
            reason="volume %s is %s, not %s" % (
                volume_id, volume.get("status"), "/".join(statuses)))

    def _save_bdm(self, ctx, bdm):
        self.conductor.bdm_save(ctx, bdm)
        bdm.obj_reset_changes()

    def _complete_volumes(self, ctx, bdms):
        """The attachments of a spawned guest are complete (in-use)."""
        for bdm in volume_mappings(bdms):
            if bdm.get("attachment_id"):
                self.volume_api.attachment_complete(ctx, bdm.attachment_id)

    def _undo_volumes(self, ctx, instance, bdms, reschedule):
        """Take back what a failed build did with the volumes: the
        attachments go and the volumes the build made with
        delete_on_termination are deleted (their mappings forget them);
        on a reschedule the volumes kept are reserved again (an
        attachment without connector) for the next host. Failures are
        logged: the build's own failure is what the user learns."""
        for bdm in volume_mappings(bdms):
            try:
                self._undo_volume(ctx, instance, bdm, reschedule)
            except Exception as exc:  # noqa: BLE001 - best effort cleanup
                LOG.warning("Could not clean up volume %s of %s: %s",
                            bdm.get("volume_id"), instance.uuid, exc)

    def _undo_volume(self, ctx, instance, bdm, reschedule):
        if bdm.get("attachment_id"):
            self._delete_attachment(ctx, bdm.attachment_id)
            bdm.attachment_id = None
        bdm.connection_info = None
        made_here = bdm.get("source_type") != SOURCE_VOLUME
        if bdm.get("volume_id") and made_here and bdm.delete_on_termination:
            self._delete_volume(ctx, bdm.volume_id)
            bdm.volume_id = None
        if reschedule and bdm.get("volume_id"):
            bdm.attachment_id = self.volume_api.attachment_create(
                ctx, bdm.volume_id, instance.uuid)["id"]
        self._save_bdm(ctx, bdm)

    def _delete_attachment(self, ctx, attachment_id):
        try:
            self.volume_api.attachment_delete(ctx, attachment_id)
        except client_exception.VolumeAttachmentNotFound:
            pass

    def _delete_volume(self, ctx, volume_id):
        """Delete a volume once it can be (its attachments gone)."""
        try:
            self._wait_available(ctx, volume_id, ("available", "error"))
        except exception.StratusException:
            pass
        try:
            self.volume_api.delete(ctx, volume_id)
        except client_exception.VolumeNotFound:
            pass

    def _reimage_root(self, ctx, instance, bdms, image_id, always=False):
        """Rebuild of a volume-backed server (2.93, as Nova's
        _rebuild_volume_backed_instance): the root volume, let go by the
        guest, is reserved again and reimaged by the block storage
        service, with image_id even when it has it already (always: the
        API's reimage_boot_volume; else only with another image); the
        compute waits for the service's volume-reimaged event, [DEFAULT]
        reimage_timeout_per_gb seconds per GiB of the volume
        (ReimageException when it failed or did not come). The root
        mapping, or None when there is nothing to reimage."""
        root = next((bdm for bdm in volume_mappings(bdms)
                     if bdm.get("boot_index") == 0), None)
        if root is None or not image_id:
            return None
        volume = self.volume_api.get(ctx, root.volume_id)
        if not always and (volume.get("volume_image_metadata") or {}).get(
                "image_id") == image_id:
            return None
        self._reserve_volumes_again(ctx, instance, [root])
        timeout = self.conf.reimage_timeout_per_gb * max(
            int(volume.get("size") or 1), 1)

        def failed(events, why):
            if why == "failed":
                reason = "volume %s could not be reimaged" % root.volume_id
            else:
                reason = ("no volume-reimaged event for volume %s within "
                          "%d s" % (root.volume_id, timeout))
            return exception.ReimageException(reason=reason)
        with self.instance_events.expect(
                instance.uuid, [("volume-reimaged", root.volume_id)],
                timeout, error=failed) as reimaged:
            self.volume_api.reimage_volume(ctx, root.volume_id, image_id,
                                           reimage_reserved=True)
            reimaged.wait()
        return root

    # Moves ----------------------------------------------------------------

    def _connect_volumes(self, ctx, instance):
        """On the host a server arrives at (finish of a resize, revert,
        evacuate, unshelve): its volumes' attachments get this host's
        connector; (mappings, block_device_info or None)."""
        bdms = self._block_device_mappings(ctx, instance)
        return bdms, self._prepare_volumes(ctx, instance, bdms)

    def _volume_info(self, ctx, instance):
        """The block_device_info of the server's volumes as recorded (the
        host it is on): (mappings, block_device_info or None)."""
        bdms = self._block_device_mappings(ctx, instance)
        if not volume_mappings(bdms):
            return bdms, None
        return bdms, block_device_info(bdms)

    def _reserve_volumes_again(self, ctx, instance, bdms=None):
        """The server's volumes let go of this host and stay reserved for
        it (Nova's _terminate_volume_connections: a new attachment without
        connector, the old one deleted), for the host it goes to."""
        if bdms is None:
            bdms = self._block_device_mappings(ctx, instance)
        for bdm in volume_mappings(bdms):
            if not bdm.get("volume_id"):
                continue
            old = bdm.get("attachment_id")
            bdm.attachment_id = self.volume_api.attachment_create(
                ctx, bdm.volume_id, instance.uuid)["id"]
            self._save_bdm(ctx, bdm)
            if old:
                self._delete_attachment(ctx, old)

    def _source_attachments(self):
        """Live migrations to this host: {instance uuid: {volume id: (the
        source's attachment id, its connection_info)}} between the pre
        and post (or rollback) steps."""
        return self.__dict__.setdefault("_live_source_attachments", {})

    def _attach_on_destination(self, ctx, instance):
        """Live migration's pre step on the destination: a second
        attachment of each volume, with this host's connector, on its
        mapping; the source's stays until the guest has moved (its id
        kept here, as Nova keeps it in migrate_data); the
        block_device_info for this host."""
        bdms = self._block_device_mappings(ctx, instance)
        if not volume_mappings(bdms):
            return None
        connector = self.driver.get_volume_connector(instance)
        previous = self._source_attachments().setdefault(instance.uuid, {})
        for bdm in volume_mappings(bdms):
            attachment = self.volume_api.attachment_create(
                ctx, bdm.volume_id, instance.uuid, connector=connector,
                mountpoint=bdm.get("device_name"))
            previous[bdm.volume_id] = (bdm.get("attachment_id"),
                                       bdm.get("connection_info"))
            bdm.attachment_id = attachment["id"]
            bdm.connection_info = json.dumps(
                attachment.get("connection_info") or {})
            self._save_bdm(ctx, bdm)
        return block_device_info(bdms)

    def _settle_attachments(self, ctx, instance, moved):
        """The end of a live migration, on the destination: moved, each
        volume keeps its mapping's attachment (this host's, completed)
        and the source's goes; rolled back, this host's goes and the
        source's is the mapping's again."""
        previous = self._source_attachments().pop(instance.uuid, {})
        if not previous:
            return
        for bdm in volume_mappings(self._block_device_mappings(
                ctx, instance)):
            if bdm.get("volume_id") not in previous:
                continue
            old_id, old_info = previous[bdm.volume_id]
            if moved:
                self.volume_api.attachment_complete(ctx, bdm.attachment_id)
                if old_id:
                    self._delete_attachment(ctx, old_id)
                continue
            self._delete_attachment(ctx, bdm.attachment_id)
            bdm.attachment_id = old_id
            bdm.connection_info = old_info
            self._save_bdm(ctx, bdm)


def boot_image_meta(image_api, ctx, instance):
    """The ImageMeta a guest is made anew from: its image's, or for a
    volume-backed server without an image the image properties it keeps
    (its root is the volume)."""
    if instance.get("image_ref"):
        return image_meta_obj.ImageMeta.from_image_dict(
            image_api.get(ctx, instance.image_ref))
    properties = dict(instance.get("image_properties") or {})
    return image_meta_obj.ImageMeta(
        id=properties.get("base_image_ref")
        or "00000000-0000-0000-0000-000000000000",
        min_disk=0, min_ram=0, properties=properties)
