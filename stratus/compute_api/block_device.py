"""The block device mappings of a server create (block_device_mapping_v2
and the legacy block_device_mapping), checked as Nova checks their form:
the image's local root disk, local blank disks (ephemeral, swap) sized
against the flavor, and volumes (an existing volume, one made from a
snapshot, an image or blank). What the block storage service must say
about the volumes is checked by stratus/compute_api/block_device_volumes.py.
"""
import uuid as uuid_lib

from stratus import exception
from stratus.objects import block_device_mapping as bdm_obj

SOURCE_VOLUME = "volume"
SOURCE_SNAPSHOT = "snapshot"
_ROOT_NAMES = ("vda", "sda", "xvda", "hda")


def from_api(mappings, image_id, flavor, max_local, legacy=None):
    """[BlockDeviceMapping] (no instance yet) for the requested mappings,
    the image's root disk first when no mapping is the root;
    InvalidBDM* (400) when Nova would refuse them."""
    if mappings and legacy:
        raise exception.Invalid(
            "Using different block_device_mapping syntaxes is not allowed.")
    requested = [_from_api_dict(mapping) for mapping in mappings or []]
    requested += _from_legacy(legacy or [], image_id)
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


def root_of(mappings):
    """The root mapping (from_api made sure there is one)."""
    return next(bdm for bdm in mappings if bdm.boot_index == 0)


def is_volume_backed(mappings):
    """Whether the server's root disk is a volume."""
    return root_of(mappings).is_volume


def root_image_id(mappings):
    """The image the server boots (None for a volume or snapshot root)."""
    return root_of(mappings).get("image_id")


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


def _from_legacy(legacy, image_id):
    """Nova's legacy mappings as v2 volumes: a volume or snapshot by id;
    without an image, the one at the root device name (vda ...) or else
    the first is the root."""
    converted = []
    for mapping in legacy:
        if mapping.get("no_device"):
            continue
        if mapping.get("snapshot_id"):
            source, uuid = SOURCE_SNAPSHOT, mapping["snapshot_id"]
        elif mapping.get("volume_id"):
            source, uuid = SOURCE_VOLUME, mapping["volume_id"]
        else:
            raise exception.InvalidBDMFormat(details="Missing device UUID.")
        converted.append(dict(
            source_type=source, destination_type="volume", uuid=uuid,
            device_name=mapping.get("device_name"),
            volume_size=mapping.get("volume_size"), boot_index=-1,
            delete_on_termination=mapping.get("delete_on_termination",
                                              False)))
    if converted and not image_id:
        names = [str(item.get("device_name") or "").rsplit("/", 1)[-1]
                 for item in converted]
        root = next((index for index, name in enumerate(names)
                     if name in _ROOT_NAMES), 0)
        converted[root]["boot_index"] = 0
    return [_from_api_dict(item) for item in converted]


def _from_api_dict(mapping):
    source_type = mapping.get("source_type")
    device_uuid = mapping.get("uuid")
    if source_type is None:
        raise exception.InvalidBDMFormat(
            details="Some required fields are missing")
    from_volume = source_type in (SOURCE_VOLUME, SOURCE_SNAPSHOT)
    destination_type = mapping.get("destination_type") or (
        bdm_obj.DESTINATION_VOLUME if from_volume
        else bdm_obj.DESTINATION_LOCAL)
    if source_type == bdm_obj.SOURCE_BLANK and device_uuid:
        raise exception.InvalidBDMFormat(details="Invalid device UUID.")
    if source_type == SOURCE_VOLUME:
        device_uuid = device_uuid or mapping.get("volume_id")
    elif source_type == SOURCE_SNAPSHOT:
        device_uuid = device_uuid or mapping.get("snapshot_id")
    elif source_type == bdm_obj.SOURCE_IMAGE:
        device_uuid = mapping.get("image_id") or device_uuid
    if source_type != bdm_obj.SOURCE_BLANK and not device_uuid:
        raise exception.InvalidBDMFormat(details="Missing device UUID.")
    boot_index = _integer(mapping.get("boot_index"), "boot_index")
    if boot_index is not None and boot_index < 0:
        boot_index = -1
    if (source_type == bdm_obj.SOURCE_IMAGE
            and destination_type == bdm_obj.DESTINATION_LOCAL
            and boot_index != 0):
        raise exception.InvalidBDMFormat(
            details="Mapping image to local is not supported.")
    if from_volume and destination_type != bdm_obj.DESTINATION_VOLUME:
        raise exception.InvalidBDMFormat(
            details="Mapping %s to local is not supported." % source_type)
    volume_size = _integer(mapping.get("volume_size"), "volume_size")
    _check_new_volume(source_type, destination_type, volume_size,
                      mapping.get("volume_type"))
    values = dict(
        source_type=source_type, destination_type=destination_type,
        boot_index=boot_index, volume_size=volume_size,
        delete_on_termination=_boolean(mapping.get("delete_on_termination",
                                                   False)))
    if source_type != bdm_obj.SOURCE_BLANK:
        values[source_type + "_id"] = device_uuid
    for name in ("device_name", "guest_format", "device_type", "disk_bus",
                 "tag", "volume_type"):
        if mapping.get(name) is not None:
            values[name] = mapping[name]
    if mapping.get("no_device"):
        values["no_device"] = True
    return bdm_obj.BlockDeviceMapping(**values)


def _check_new_volume(source_type, destination_type, volume_size,
                      volume_type):
    """Nova's rules for the volumes a build makes: a size for blank and
    image volumes, a volume type (2.67) only for a volume made anew."""
    to_volume = destination_type == bdm_obj.DESTINATION_VOLUME
    if volume_type is not None:
        if not to_volume:
            raise exception.Invalid(
                "Specifying a volume_type with destination_type=local is "
                "not supported.")
        if source_type == SOURCE_VOLUME:
            raise exception.Invalid(
                "Specifying volume type to existing volume is not "
                "supported.")
    if to_volume and not volume_size:
        if source_type == bdm_obj.SOURCE_BLANK:
            raise exception.InvalidBDM(
                "Blank volumes (source: 'blank', dest: 'volume') need to "
                "have non-zero size")
        if source_type == bdm_obj.SOURCE_IMAGE:
            raise exception.InvalidBDM(
                "Images with destination_type 'volume' need to have a "
                "non-zero size specified")


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
    """Bootable mappings numbered 0, 1, 2, ... with no gap or repeat; the
    root is an image (local or as a volume), a volume or a snapshot."""
    indexes = sorted(bdm.boot_index for bdm in mappings
                     if bdm.boot_index is not None and bdm.boot_index >= 0)
    if indexes != list(range(len(indexes))):
        raise exception.InvalidBDMBootSequence()
    if root_of(mappings).source_type == bdm_obj.SOURCE_BLANK:
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
