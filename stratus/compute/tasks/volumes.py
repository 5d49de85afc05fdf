"""Volumes of the block storage service on a running server (compute RPC
1.11), as Nova's compute does them with Cinder's attachments API:

- reserve_block_device_name (a call, before 2.101): the guest's device
  name for the volume, and its block device mapping stored (through the
  conductor) without an attachment yet;
- attach_volume: the attachment (reserved by the API) updated with this
  host's connector, its connection_info saved on the mapping, the volume
  plugged into the guest, the attachment completed. Any failure deletes
  the attachment and destroys the mapping: nothing leaks, the volume is
  available again;
- detach_volume: unplugged, the attachment deleted, the mapping
  destroyed;
- swap_volume: the new volume's attachment updated, the guest's disk
  copied to it, Cinder told (migrate_volume_completion), the old
  attachment deleted, the mapping pointed at the volume Cinder keeps;
- extend_volume (the ``volume-extended`` event): the guest told of the
  volume's new size, Cinder told it is done when it waits
  (extend_volume_completion, an ``extending`` volume);
- at start (init_host), an attach a restart cut short leaves nothing:
  a mapping of an attached volume whose attachment never completed
  (not ``attached``, or gone) is unplugged from the guest if it got
  there, its attachment deleted and the mapping destroyed.

Every one is an instance action event (compute_attach_volume ...).
"""
import json
import re
import string
import traceback

from stratus.compute.tasks.common import ERROR, LOG, SUCCESS
from stratus import client_exception
from stratus import exception
from stratus.objects import block_device_mapping as bdm_obj
from stratus.virt import driver as virt_driver

ATTACH_EVENT = "compute_attach_volume"
DETACH_EVENT = "compute_detach_volume"
SWAP_EVENT = "compute_swap_volume"
EXTEND_EVENT = "compute_extend_volume"
ROOT_DEVICE = "/dev/vda"
GiB = 1024 ** 3
# A device name's bus prefix (/dev/vd, /dev/sd, /dev/xvd ...).
_PREFIX = re.compile(r"^(/dev/(?:xv|v|s|h)d)[a-z]+$")


def device_names(prefix="/dev/vd"):
    """The guest device names in order: vda ... vdz, vdaa ... vdzz."""
    letters = string.ascii_lowercase
    for first in letters:
        yield prefix + first
    for first in letters:
        for second in letters:
            yield prefix + first + second


def _connection_info(bdm):
    info = bdm.get("connection_info")
    return json.loads(info) if info else None


class VolumesMixin:
    """The compute manager's volume attachments."""

    # Device names ------------------------------------------------------

    def _pick_device_name(self, instance, bdms, requested=None):
        """The requested device name when the guest has it free (else
        DevicePathInUse), or its first free one after the root disk."""
        root = instance.get("root_device_name") or ROOT_DEVICE
        taken = {root}
        unnamed_locals = 0
        for bdm in bdms:
            if bdm.get("device_name"):
                taken.add(bdm.device_name)
            elif bdm.is_swap or bdm.is_ephemeral:
                unnamed_locals += 1
        if requested:
            if not requested.startswith("/dev/"):
                requested = "/dev/" + requested
            if requested in taken:
                raise exception.DevicePathInUse(path=requested)
            return requested
        found = _PREFIX.match(root)
        prefix = found.group(1) if found else "/dev/vd"
        for name in device_names(prefix):
            if name in taken:
                continue
            if unnamed_locals:
                # The flavor's ephemeral and swap disks come next.
                unnamed_locals -= 1
                continue
            return name
        raise exception.DevicePathInUse(path=prefix + "*")

    def _check_volume_features(self, volume_id, tag, multiattach):
        if tag and not getattr(self.driver, "device_tagging", False):
            raise exception.VolumeTaggedAttachNotSupported()
        if multiattach and not getattr(self.driver, "volume_multiattach",
                                       False):
            raise exception.MultiattachNotSupportedByVirtDriver(
                volume_id=volume_id)

    def reserve_block_device_name(self, ctx, instance, device, volume_id,
                                  tag=None, multiattach=False,
                                  delete_on_termination=False):
        self._require(virt_driver.VolumeAttach, "attach_volume")
        self._check_volume_features(volume_id, tag, multiattach)
        with self._locks(instance.uuid):
            bdms = self.conductor.block_device_mappings(ctx, instance.uuid)
            name = self._pick_device_name(instance, bdms, device)
            bdm = bdm_obj.BlockDeviceMapping(
                instance_uuid=instance.uuid, source_type="volume",
                destination_type="volume", volume_id=volume_id,
                device_name=name, tag=tag, boot_index=None,
                delete_on_termination=bool(delete_on_termination))
            return self.conductor.bdm_create(ctx, bdm)

    # Attach -------------------------------------------------------------

    def attach_volume(self, ctx, instance, bdm):
        self._start_event_quietly(ctx, instance.uuid, ATTACH_EVENT)
        with self._locks(instance.uuid):
            try:
                self._attach_volume(ctx, instance, bdm)
            except Exception as exc:  # noqa: BLE001 - rolled back, recorded
                trace = traceback.format_exc()
                LOG.warning("Attaching volume %s to instance %s failed: %s",
                            bdm.volume_id, instance.uuid, exc)
                self._unreserve(ctx, bdm)
                self._finish_event_quietly(ctx, instance.uuid, ATTACH_EVENT,
                                           ERROR, trace)
                return
        self._finish_event_quietly(ctx, instance.uuid, ATTACH_EVENT,
                                   SUCCESS)

    def _attach_volume(self, ctx, instance, bdm):
        self._require(virt_driver.VolumeAttach, "attach_volume")
        if not bdm.get("device_name"):
            # 2.101: the API did not wait for a device name.
            bdms = self.conductor.block_device_mappings(ctx, instance.uuid)
            bdm.device_name = self._pick_device_name(
                instance, [each for each in bdms if each.uuid != bdm.uuid])
        connector = self.driver.get_volume_connector(instance)
        attachment = self.volume_api.attachment_update(
            ctx, bdm.attachment_id, connector, mountpoint=bdm.device_name)
        info = attachment.get("connection_info") or {}
        bdm.connection_info = json.dumps(info)
        bdm = self.conductor.bdm_save(ctx, bdm)
        self.driver.attach_volume(ctx, instance, info, bdm.device_name,
                                  disk_bus=bdm.get("disk_bus"),
                                  device_type=bdm.get("device_type"))
        try:
            self.volume_api.attachment_complete(ctx, bdm.attachment_id)
        except Exception:
            self._unplug_quietly(ctx, instance, info, bdm.device_name)
            raise

    def _unplug_quietly(self, ctx, instance, info, mountpoint):
        try:
            self.driver.detach_volume(ctx, instance, info, mountpoint)
        except Exception:  # noqa: BLE001 - the guest may be gone
            LOG.exception("Could not unplug %s from instance %s",
                          mountpoint, instance.uuid)

    def _unreserve(self, ctx, bdm):
        """A failed attach leaves nothing: its attachment deleted (the
        volume available again), its mapping destroyed."""
        if bdm.get("attachment_id"):
            try:
                self.volume_api.attachment_delete(ctx, bdm.attachment_id)
            except client_exception.VolumeAttachmentNotFound:
                pass
            except Exception:  # noqa: BLE001 - logged, the rest goes on
                LOG.exception("Could not delete attachment %s of volume %s",
                              bdm.attachment_id, bdm.volume_id)
        try:
            self.conductor.bdm_destroy(ctx, bdm)
        except exception.NotFound:
            pass

    # Interrupted attaches -------------------------------------------------

    def _undo_interrupted_attaches(self, ctx, instance):
        """At start: the volumes whose attach a restart cut short (their
        mapping's attachment is not attached) are let go, as a failed
        attach lets them go. The root volume is the build's to settle."""
        for bdm in self.conductor.block_device_mappings(ctx, instance.uuid):
            if not (bdm.get("source_type") == "volume"
                    and bdm.get("destination_type") == "volume"
                    and bdm.get("volume_id")) or bdm.get("boot_index") == 0:
                continue
            if self._attachment_completed(ctx, bdm):
                continue
            LOG.warning("Attach of volume %s to instance %s was interrupted "
                        "by a restart of the compute service; undoing it",
                        bdm.volume_id, instance.uuid)
            info = _connection_info(bdm)
            if info is not None and virt_driver.supports(
                    self.driver, virt_driver.VolumeAttach):
                self._unplug_quietly(ctx, instance, info, bdm.device_name)
            self._unreserve(ctx, bdm)

    def _attachment_completed(self, ctx, bdm):
        if not bdm.get("attachment_id"):
            return False
        try:
            attachment = self.volume_api.attachment_get(ctx,
                                                        bdm.attachment_id)
        except client_exception.VolumeAttachmentNotFound:
            return False
        return attachment.get("status") == "attached"

    # Detach -------------------------------------------------------------

    def _volume_bdm(self, ctx, instance, volume_id):
        for bdm in self.conductor.block_device_mappings(ctx, instance.uuid):
            if bdm.get("volume_id") == volume_id:
                return bdm
        raise exception.VolumeBDMNotFound(volume_id=volume_id)

    def _volume_action(self, ctx, instance, event, work, *args):
        """Run work(ctx, instance, *args) holding the instance's lock, as
        the event of its action (Error with the trace when it fails)."""
        self._start_event_quietly(ctx, instance.uuid, event)
        try:
            with self._locks(instance.uuid):
                work(ctx, instance, *args)
        except Exception:  # noqa: BLE001 - recorded on the action
            LOG.exception("%s of instance %s failed", event, instance.uuid)
            self._finish_event_quietly(ctx, instance.uuid, event, ERROR,
                                       traceback.format_exc())
            return
        self._finish_event_quietly(ctx, instance.uuid, event, SUCCESS)

    def detach_volume(self, ctx, instance, volume_id, attachment_id=None):
        self._volume_action(ctx, instance, DETACH_EVENT, self._detach_volume,
                            volume_id)

    def _detach_volume(self, ctx, instance, volume_id):
        self._detach_bdm(ctx, instance,
                         self._volume_bdm(ctx, instance, volume_id))

    def _detach_bdm(self, ctx, instance, bdm, guest=True):
        """Unplug the volume of bdm (when the guest still runs here), delete
        its attachment, destroy the mapping."""
        info = _connection_info(bdm)
        if guest and info and virt_driver.supports(self.driver,
                                                   virt_driver.VolumeAttach):
            try:
                self.driver.detach_volume(ctx, instance, info,
                                          bdm.device_name)
            except exception.InstanceNotFound:
                pass
        # The mapping first: once the volume shows available the server
        # no longer lists it, so it can be attached again at once.
        try:
            self.conductor.bdm_destroy(ctx, bdm)
        except exception.NotFound:
            pass
        if bdm.get("attachment_id"):
            try:
                self.volume_api.attachment_delete(ctx, bdm.attachment_id)
            except client_exception.VolumeAttachmentNotFound:
                pass

    def detach_all_volumes(self, ctx, instance, guest=False):
        """A deleted server's volumes: every attachment deleted, and the
        volumes it was to delete on termination deleted (Nova's
        _cleanup_volumes); failures are logged, the rest goes on."""
        try:
            bdms = self.conductor.block_device_mappings(ctx, instance.uuid)
        except (exception.NotFound, exception.ConductorTooOld):
            return
        for bdm in bdms:
            if not bdm.is_volume:
                continue
            try:
                self._detach_bdm(ctx, instance, bdm, guest=guest)
            except Exception:  # noqa: BLE001 - the others still go
                LOG.exception("Could not detach volume %s of deleted "
                              "instance %s", bdm.volume_id, instance.uuid)
                continue
            if bdm.delete_on_termination and bdm.get("volume_id"):
                try:
                    self.volume_api.delete(ctx, bdm.volume_id)
                except client_exception.VolumeNotFound:
                    pass
                except Exception:  # noqa: BLE001 - logged
                    LOG.exception("Could not delete volume %s of deleted "
                                  "instance %s", bdm.volume_id,
                                  instance.uuid)

    # Swap ---------------------------------------------------------------

    def swap_volume(self, ctx, instance, old_volume_id, new_volume_id,
                    new_attachment_id):
        self._volume_action(ctx, instance, SWAP_EVENT, self._swap_volume,
                            old_volume_id, new_volume_id, new_attachment_id)

    def _swap_volume(self, ctx, instance, old_volume_id, new_volume_id,
                     new_attachment_id):
        bdm = self._volume_bdm(ctx, instance, old_volume_id)
        old_info = _connection_info(bdm)
        try:
            self._require(virt_driver.VolumeAttach, "swap_volume")
            connector = self.driver.get_volume_connector(instance)
            new_info = self.volume_api.attachment_update(
                ctx, new_attachment_id, connector,
                mountpoint=bdm.device_name).get("connection_info") or {}
            old_size = self.volume_api.get(ctx, old_volume_id).get("size")
            new_size = self.volume_api.get(ctx, new_volume_id).get("size")
            resize_to = new_size if (new_size or 0) > (old_size or 0) else 0
            self.driver.swap_volume(ctx, instance, old_info, new_info,
                                    bdm.device_name, resize_to)
        except Exception:
            try:
                self.volume_api.attachment_delete(ctx, new_attachment_id)
            except Exception:  # noqa: BLE001 - logged
                LOG.exception("Could not delete attachment %s",
                              new_attachment_id)
            self._complete_migration(ctx, old_volume_id, new_volume_id,
                                     error=True)
            raise
        saved = self._complete_migration(ctx, old_volume_id, new_volume_id)
        self.volume_api.attachment_complete(ctx, new_attachment_id)
        old_attachment = bdm.get("attachment_id")
        bdm.volume_id = saved or new_volume_id
        bdm.attachment_id = new_attachment_id
        bdm.connection_info = json.dumps(new_info)
        self.conductor.bdm_save(ctx, bdm)
        if old_attachment:
            try:
                self.volume_api.attachment_delete(ctx, old_attachment)
            except client_exception.VolumeAttachmentNotFound:
                pass

    def _complete_migration(self, ctx, old_volume_id, new_volume_id,
                            error=False):
        """Cinder's migrate_volume_completion; the volume id to keep on
        the mapping (None: the new one)."""
        try:
            answer = self.volume_api.migrate_volume_completion(
                ctx, old_volume_id, new_volume_id, error=error)
        except Exception:  # noqa: BLE001 - a service without migrations
            LOG.info("migrate_volume_completion of %s -> %s refused",
                     old_volume_id, new_volume_id)
            return None
        return (answer or {}).get("save_volume_id")

    # Extend -------------------------------------------------------------

    def extend_volume(self, ctx, instance, volume_id):
        self._volume_action(ctx, instance, EXTEND_EVENT, self._extend_volume,
                            volume_id)

    def _extend_volume(self, ctx, instance, volume_id):
        self._require(virt_driver.VolumeAttach, "extend_volume")
        bdm = self._volume_bdm(ctx, instance, volume_id)
        volume = self.volume_api.get(ctx, volume_id)
        try:
            self.driver.extend_volume(ctx, instance, _connection_info(bdm),
                                      int(volume["size"]) * GiB)
        except Exception:
            self._extend_completion(ctx, volume_id, failed=True)
            raise
        self._extend_completion(ctx, volume_id, failed=False)

    def _extend_completion(self, ctx, volume_id, failed):
        """Cinder 3.71: a volume ``extending`` waits for the compute."""
        try:
            if self.volume_api.get(ctx, volume_id).get(
                    "status") == "extending":
                self.volume_api.extend_volume_completion(ctx, volume_id,
                                                         error=failed)
        except Exception:  # noqa: BLE001 - logged
            LOG.exception("Could not complete the extension of volume %s",
                          volume_id)
