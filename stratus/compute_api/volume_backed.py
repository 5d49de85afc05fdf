"""Volume-backed servers at the API: createImage takes a snapshot of each
volume (Cinder's forced snapshot) and makes an image without data whose
properties map them (``block_device_mapping``, ``bdm_v2``,
``root_device_name``), as Nova's snapshot_volume_backed; a server created
from such an image boots from volumes made from those snapshots
(image_mappings).
"""
import json

from stratus.compute import states
from stratus.compute_api import base
from stratus import exception
from stratus.objects import block_device_mapping as bdm_obj

# The mapping fields an image keeps (Nova's get_image_mapping).
_IMAGE_MAPPING_FIELDS = (
    "source_type", "destination_type", "guest_format", "device_type",
    "disk_bus", "boot_index", "device_name", "delete_on_termination",
    "snapshot_id", "volume_id", "volume_size", "volume_type", "image_id",
    "no_device", "tag")
_IMAGE_BDM_PROPERTIES = ("block_device_mapping", "bdm_v2",
                         "root_device_name")


def instance_bdms(ctx, instance):
    """The server's live mappings (from its cell)."""
    with ctx.target_cell(instance.cell_uuid) as cctx:
        return bdm_obj.BlockDeviceMappingList.get_by_instance_uuid(
            cctx, instance.uuid).objects


def is_volume_backed(bdms):
    return any(bdm.boot_index == 0 and bdm.is_volume for bdm in bdms)


def image_mappings(image):
    """The block device mappings (v2 dicts) an image defines (a
    volume-backed server's snapshot); [] for an ordinary image."""
    if str(image.get("bdm_v2")).lower() != "true":
        return []
    mappings = image.get("block_device_mapping") or []
    if isinstance(mappings, str):
        try:
            mappings = json.loads(mappings)
        except ValueError:
            return []
    if not isinstance(mappings, list):
        return []
    converted = []
    for mapping in mappings:
        if not isinstance(mapping, dict) or mapping.get("no_device"):
            continue
        item = {key: value for key, value in mapping.items()
                if key in _IMAGE_MAPPING_FIELDS and value is not None}
        for source in ("snapshot", "volume", "image"):
            if item.get("source_type") == source and item.get(
                    source + "_id"):
                item["uuid"] = item.pop(source + "_id")
        converted.append(item)
    return converted


def merge_mappings(image, requested):
    """The request's mappings with those of the image (a request's
    mapping at the same device name, or another root, wins)."""
    defined = image_mappings(image)
    if not defined:
        return requested
    requested = list(requested or [])
    if any(str(mapping.get("boot_index")) == "0" for mapping in defined):
        # Nova: a client puts the image itself at boot index 0 (the
        # openstack CLI does): the image's root mapping replaces it.
        requested = [mapping for mapping in requested
                     if not (str(mapping.get("boot_index")) == "0"
                             and mapping.get("source_type") == "image")]
    names = {mapping.get("device_name") for mapping in requested
             if mapping.get("device_name")}
    has_root = any(str(mapping.get("boot_index")) == "0"
                   for mapping in requested)
    for mapping in defined:
        if mapping.get("device_name") in names:
            continue
        if has_root and str(mapping.get("boot_index")) == "0":
            continue
        requested.append(mapping)
    return requested


class VolumeBacked(base.APIBase):
    """createImage of a volume-backed server."""

    def snapshot_volume_backed(self, ctx, instance, bdms, name,
                               metadata=None):
        """The new image (active, no data) mapping forced snapshots of
        the server's volumes."""
        base.check_lock(ctx, instance)
        states.check(instance, "createImage")
        properties = dict(metadata or {})
        fields = base.snapshot_fields(instance, name, properties)
        for key in _IMAGE_BDM_PROPERTIES:
            fields.pop(key, None)
        # Formats only so the image service takes its (empty) data.
        fields.setdefault("disk_format", "raw")
        fields.setdefault("container_format", "bare")
        mappings, snapshots = [], []
        try:
            for bdm in bdms:
                if bdm.get("no_device"):
                    continue
                mapping = {key: bdm.get(key) for key in _IMAGE_MAPPING_FIELDS
                           if bdm.get(key) is not None}
                if bdm.is_volume and bdm.get("volume_id"):
                    snapshot = self.volume_api.create_snapshot_force(
                        ctx, bdm.volume_id, "snapshot for %s" % name, "")
                    snapshots.append(snapshot["id"])
                    mapping.pop("volume_id", None)
                    mapping.pop("image_id", None)
                    mapping.update(source_type="snapshot",
                                   snapshot_id=snapshot["id"])
                mappings.append(mapping)
            fields.update(
                block_device_mapping=json.dumps(mappings), bdm_v2="True",
                root_device_name=instance.get("root_device_name")
                or "/dev/vda")
            image = self.image_api.create(ctx, **fields)
            # No data: the image is its properties (Nova's size 0).
            self.image_api.upload(ctx, image["id"], b"")
        except Exception:
            for snapshot_id in snapshots:
                try:
                    self.volume_api.delete_snapshot(ctx, snapshot_id)
                except exception.StratusException:
                    pass
            raise
        return self.image_api.get(ctx, image["id"])
