"""The volumes of a server create, checked with the block storage service
as Nova's _validate_bdm checks them, and the existing volumes reserved
for each new server (attachments without a connector) until its host
attaches them (stratus/compute/tasks/block_devices.py).
"""
import logging

from stratus.compute_api import block_device
from stratus import client_exception
from stratus import exception
from stratus.objects import block_device_mapping as bdm_obj

LOG = logging.getLogger(__name__)
GiB = 1024 ** 3


# Nova's 400s for the volumes of a create (its InvalidBDMVolume,
# InvalidBDMSnapshot, InvalidBDMImage, InvalidBDMVolumeNotBootable,
# VolumeSmallerThanMinDisk, MismatchVolumeAZException).
def failed_to_get(kind, item_id):
    return exception.InvalidBDM(
        "Block Device Mapping is Invalid: failed to get %s %s."
        % (kind, item_id))


def not_bootable(volume_id):
    return exception.InvalidBDM("Block Device %s is not bootable."
                                % volume_id)


def smaller_than_min_disk(volume_size, image_min_disk):
    return exception.Invalid(
        "Volume is smaller than the minimum size specified in image "
        "metadata. Volume size is %i bytes, minimum size is %i bytes."
        % (volume_size, image_min_disk))


def zone_mismatch(reason):
    return exception.Invalid(
        "The availability zone between the server and its attached "
        "volumes do not match: %s." % reason)


class Checked:
    """What the checks found: the root's image document (a Glance image,
    or the image metadata of the root volume; {} when it has none) and
    the server's availability zone (a volume's, as Nova, when the request
    named none and [cinder] cross_az_attach is off)."""

    def __init__(self, image, availability_zone):
        self.image = image
        self.availability_zone = availability_zone


def check(api, ctx, bdms, flavor, availability_zone, supports_multiattach):
    """Check the volume mappings of a create (filling their sizes from
    their volumes and snapshots); a Checked."""
    volume_api = api.volume_api
    volumes = {}
    for bdm in bdms:
        if bdm.source_type == block_device.SOURCE_VOLUME:
            volume = _volume(volume_api, ctx, bdm.volume_id)
            _check_usable(volume, supports_multiattach)
            volumes[bdm.volume_id] = volume
            bdm.volume_size = volume.get("size")
        elif bdm.source_type == block_device.SOURCE_SNAPSHOT:
            snapshot = _snapshot(volume_api, ctx, bdm.snapshot_id)
            if not bdm.get("volume_size"):
                bdm.volume_size = snapshot.get("size")
        elif (bdm.source_type == bdm_obj.SOURCE_IMAGE and bdm.is_volume
              and bdm.boot_index != 0):
            _bdm_image(api, ctx, bdm)
    _check_volume_types(volume_api, ctx, bdms)
    image = _root_image(api, ctx, bdms, volumes)
    root = block_device.root_of(bdms)
    if root.is_volume:
        min_disk = int(image.get("min_disk") or 0) * GiB
        size = int(root.get("volume_size") or 0) * GiB
        if size and min_disk > size:
            raise smaller_than_min_disk(size, min_disk)
        if flavor.memory_mb < int(image.get("min_ram") or 0):
            raise exception.FlavorMemoryTooSmall()
    zone = _zone(api.conf, availability_zone, volumes.values())
    return Checked(image, zone)


def _check_volume_types(volume_api, ctx, bdms):
    """A 2.67 volume_type names (by id or name) a type the block storage
    service has, kept as its name (Nova's _check_requested_volume_type);
    VolumeTypeNotFound (400) otherwise."""
    wanted = [bdm for bdm in bdms if bdm.get("volume_type")]
    if not wanted:
        return
    types = volume_api.get_all_volume_types(ctx)
    for bdm in wanted:
        found = next((volume_type for volume_type in types
                      if bdm.volume_type in (volume_type.get("id"),
                                             volume_type.get("name"))),
                     None)
        if found is None:
            raise exception.VolumeTypeNotFound(id_or_name=bdm.volume_type)
        bdm.volume_type = found["name"]


def reserve(volume_api, ctx, instance_uuid, bdms):
    """An attachment without a connector (a reservation, as Nova's
    attachment_create at the API) for each existing volume of one new
    server, kept on its mapping; the ones made are deleted again when
    one fails."""
    made = []
    try:
        for bdm in bdms:
            if bdm.source_type != block_device.SOURCE_VOLUME:
                continue
            try:
                attachment = volume_api.attachment_create(
                    ctx, bdm.volume_id, instance_uuid)
            except client_exception.VolumeNotFound:
                raise failed_to_get("volume", bdm.volume_id)
            except client_exception.VolumeServiceBadRequest as exc:
                raise exception.InvalidVolume(reason=exc.format_message())
            except client_exception.VolumeServiceConflict as exc:
                raise exception.InvalidVolume(reason=exc.format_message())
            bdm.attachment_id = attachment["id"]
            made.append(bdm)
    except Exception:
        release(volume_api, ctx, made)
        raise


def release(volume_api, ctx, bdms):
    """Delete the reservations of mappings (a create that failed after
    reserve); a failure is logged, not raised: the create's own error is
    the answer."""
    for bdm in bdms:
        attachment_id = bdm.get("attachment_id")
        if not attachment_id:
            continue
        try:
            volume_api.attachment_delete(ctx, attachment_id)
        except client_exception.VolumeAttachmentNotFound:
            pass
        except exception.StratusException as exc:
            LOG.warning("Could not delete the attachment %s of volume %s: "
                        "%s", attachment_id, bdm.get("volume_id"), exc)
        bdm.attachment_id = None


def _volume(volume_api, ctx, volume_id):
    return _fetch(volume_api.get, ctx, volume_id, client_exception.VolumeNotFound,
                  "volume")


def _snapshot(volume_api, ctx, snapshot_id):
    return _fetch(volume_api.get_snapshot, ctx, snapshot_id,
                  client_exception.SnapshotNotFound, "snapshot")


def _fetch(getter, ctx, item_id, not_found, kind):
    """A volume or snapshot of a mapping; Nova's InvalidBDM* (400) when
    the block storage service does not give it."""
    try:
        return getter(ctx, item_id)
    except (not_found, client_exception.VolumeServiceBadRequest,
            client_exception.VolumeServiceForbidden):
        raise failed_to_get(kind, item_id)


def _bdm_image(api, ctx, bdm):
    """The image of an image→volume mapping; its min_disk against the
    volume's size."""
    try:
        image = api.image_api.get(ctx, bdm.image_id)
    except exception.ImageNotFound:
        raise failed_to_get("image", bdm.image_id)
    if image.get("status") != "active":
        raise exception.ImageNotActive(image_id=bdm.image_id)
    min_disk = int(image.get("min_disk") or 0) * GiB
    size = int(bdm.get("volume_size") or 0) * GiB
    if min_disk > size:
        raise smaller_than_min_disk(size, min_disk)
    return image


def _check_usable(volume, supports_multiattach):
    """Nova's checks of an existing volume: multiattach only from 2.60;
    available, or in-use when multiattach."""
    multiattach = bool(volume.get("multiattach"))
    if multiattach and not supports_multiattach:
        raise exception.MultiattachNotSupportedOldMicroversion()
    status = volume.get("status")
    if status == "available" or (status == "in-use" and multiattach):
        return
    raise exception.InvalidVolume(
        reason="volume '%s' status must be 'available'. Currently in '%s'"
        % (volume["id"], status))


def _root_image(api, ctx, bdms, volumes):
    """The image document of the server's root (as Nova's
    _get_bdm_image_metadata for a volume-backed server)."""
    root = block_device.root_of(bdms)
    if root.source_type == bdm_obj.SOURCE_IMAGE:
        if root.is_volume:
            return _bdm_image(api, ctx, root)
        return {}
    if root.source_type == block_device.SOURCE_SNAPSHOT:
        snapshot = _snapshot(api.volume_api, ctx, root.snapshot_id)
        try:
            volume = api.volume_api.get(ctx, snapshot["volume_id"])
        except client_exception.VolumeNotFound:
            return {}
    else:
        volume = volumes[root.volume_id]
        if str(volume.get("bootable")).lower() not in ("true", "1"):
            raise not_bootable(root.volume_id)
    return image_from_volume(volume)


def image_from_volume(volume):
    """A Glance-like image document from a volume's image metadata."""
    metadata = dict(volume.get("volume_image_metadata") or {})
    if not metadata.get("image_id"):
        return {}
    image = {"id": metadata.pop("image_id"), "status": "active",
             "name": metadata.pop("image_name", None)}
    for key in ("min_ram", "min_disk", "size"):
        if metadata.get(key) not in (None, ""):
            image[key] = int(metadata.pop(key))
    for key in ("disk_format", "container_format", "checksum"):
        if key in metadata:
            image[key] = metadata.pop(key)
    image.update(metadata)
    return image


def _zone(conf, availability_zone, volumes):
    """Nova's rule for existing volumes' zones when [cinder]
    cross_az_attach is off: all in one zone, the server's (a server
    that named none goes to theirs)."""
    if conf.cinder.cross_az_attach or not volumes:
        return availability_zone
    zones = {volume.get("availability_zone") for volume in volumes}
    if len(zones) > 1:
        raise zone_mismatch(
            "Volumes are in different availability zones: %s"
            % ",".join(sorted(str(zone) for zone in zones)))
    zone = zones.pop()
    if availability_zone and availability_zone != zone:
        raise zone_mismatch(
            "Server and volumes are not in the same availability zone. "
            "Server is in: %s. Volumes are in: %s" % (availability_zone,
                                                      zone))
    return availability_zone or zone
