"""The block device mappings of a server create (block_device_mapping_v2),
checked as Nova checks them.

Stratus offers the image's local root disk and local blank disks
(ephemeral, swap) sized against the flavor. Volumes need a block storage
service, which Stratus does not have yet: those mappings are refused.
"""
import uuid as uuid_lib

from stratus import exception
from stratus.objects import block_device_mapping as bdm_obj

_NO_VOLUMES = ("volume-backed block devices (destination_type volume, "
               "source_type volume or snapshot) need a block storage "
               "service, which this cloud does not have")


def from_api(mappings, image_id, flavor, max_local):
    """[BlockDeviceMapping] (no instance yet) for the requested mappings,
    the image's root disk first; InvalidBDM* (400) when Nova would refuse
    them or they need volumes."""
    requested = [_from_api_dict(mapping) for mapping in mappings or []]
    if not any(bdm.boot_index == 0 for bdm in requested):
        if not image_id:
            raise exception.InvalidBDMBootSequence()
        requested.insert(0, _image_root(image_id))
    _check_boot_sequence(requested)
    _check_locals(requested, flavor, max_local)
    for bdm in requested:
        # As Nova: a local blank disk without a size takes the flavor's.
        if bdm.get("volume_size") is None and bdm.is_swap:
            bdm.volume_size = flavor.swap
        elif bdm.get("volume_size") is None and bdm.is_ephemeral:
            bdm.volume_size = flavor.ephemeral_gb
    return requested


def root_image_id(mappings):
    """The image the server boots (from_api put its disk at index 0)."""
    return next(bdm.image_id for bdm in mappings if bdm.boot_index == 0)


def for_instance(mappings, instance_uuid):
    """Copies of the checked mappings for one server of a (multi-)create."""
    copies = []
    for mapping in mappings:
        values = {name: value for name, value in mapping.values().items()
                  if value is not None}
        values.update(uuid=str(uuid_lib.uuid4()), instance_uuid=instance_uuid)
        copies.append(bdm_obj.BlockDeviceMapping(**values))
    return bdm_obj.BlockDeviceMappingList(objects=copies)


def _image_root(image_id):
    """What Nova adds for a server booted from imageRef."""
    return bdm_obj.BlockDeviceMapping(
        source_type=bdm_obj.SOURCE_IMAGE,
        destination_type=bdm_obj.DESTINATION_LOCAL, image_id=image_id,
        boot_index=0, delete_on_termination=True, device_type="disk")


def _from_api_dict(mapping):
    source_type = mapping.get("source_type")
    device_uuid = mapping.get("uuid")
    if source_type is None:
        raise exception.InvalidBDMFormat(
            details="Some required fields are missing")
    if source_type in ("volume", "snapshot"):
        raise exception.InvalidBDMFormat(details=_NO_VOLUMES)
    destination_type = mapping.get("destination_type",
                                   bdm_obj.DESTINATION_LOCAL)
    if destination_type == bdm_obj.DESTINATION_VOLUME:
        raise exception.InvalidBDMFormat(details=_NO_VOLUMES)
    if source_type == bdm_obj.SOURCE_BLANK and device_uuid:
        raise exception.InvalidBDMFormat(details="Invalid device UUID.")
    image_id = mapping.get("image_id") or device_uuid
    if source_type == bdm_obj.SOURCE_IMAGE and not image_id:
        raise exception.InvalidBDMFormat(details="Missing device UUID.")
    boot_index = _integer(mapping.get("boot_index"), "boot_index")
    if boot_index is not None and boot_index < 0:
        boot_index = -1
    if source_type == bdm_obj.SOURCE_IMAGE and boot_index != 0:
        raise exception.InvalidBDMFormat(
            details="Mapping image to local is not supported.")
    values = dict(
        source_type=source_type, destination_type=destination_type,
        boot_index=boot_index,
        volume_size=_integer(mapping.get("volume_size"), "volume_size"),
        delete_on_termination=_boolean(mapping.get("delete_on_termination",
                                                   False)))
    if source_type == bdm_obj.SOURCE_IMAGE:
        values["image_id"] = image_id
    for name in ("device_name", "guest_format", "device_type", "disk_bus",
                 "tag"):
        if mapping.get(name) is not None:
            values[name] = mapping[name]
    if mapping.get("no_device"):
        values["no_device"] = True
    return bdm_obj.BlockDeviceMapping(**values)


def _integer(value, name):
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise exception.InvalidBDMFormat(
            details="%s must be an integer" % name)


def _boolean(value):
    if isinstance(value, str):
        return value.strip().lower() in ("1", "t", "true", "on", "y", "yes")
    return bool(value)


def _check_boot_sequence(mappings):
    """Bootable mappings numbered 0, 1, 2, ... with no gap or repeat, the
    root being the image's disk (Stratus boots only images)."""
    indexes = sorted(bdm.boot_index for bdm in mappings
                     if bdm.boot_index is not None and bdm.boot_index >= 0)
    if indexes != list(range(len(indexes))):
        raise exception.InvalidBDMBootSequence()
    root = next(bdm for bdm in mappings if bdm.boot_index == 0)
    if root.source_type != bdm_obj.SOURCE_IMAGE:
        raise exception.InvalidBDMBootSequence()


def _check_locals(mappings, flavor, max_local):
    """Nova's limits on local disks: their number, one swap disk no larger
    than the flavor's swap, ephemeral disks adding up to no more than the
    flavor's ephemeral size (a disk without a size takes all of it)."""
    local = [bdm for bdm in mappings
             if bdm.destination_type == bdm_obj.DESTINATION_LOCAL]
    if 0 <= max_local < len(local):
        raise exception.InvalidBDMLocalsLimit()
    swaps = [bdm for bdm in mappings if bdm.is_swap]
    if len(swaps) > 1:
        raise exception.InvalidBDMFormat(
            details="More than one swap drive requested.")
    if swaps and (swaps[0].volume_size or 0) > flavor.swap:
        raise exception.InvalidBDMSwapSize()
    ephemeral = sum(bdm.volume_size or flavor.ephemeral_gb
                    for bdm in mappings if bdm.is_ephemeral)
    if ephemeral > flavor.ephemeral_gb:
        raise exception.InvalidBDMEphemeralSize()
