"""The mappings of a create from an image of a volume-backed server."""
import json

from stratus.compute_api import volume_backed

IMAGE = {"bdm_v2": "True", "block_device_mapping": json.dumps([{
    "source_type": "snapshot", "destination_type": "volume",
    "boot_index": 0, "device_name": "/dev/vda", "snapshot_id": "snap-1",
    "volume_size": 1, "delete_on_termination": False}])}


def test_the_image_root_replaces_the_clients_image_mapping():
    # openstack server create --image sends the image at boot index 0.
    requested = [{"uuid": "image-1", "source_type": "image",
                  "destination_type": "local", "boot_index": 0,
                  "delete_on_termination": True}]
    [root] = volume_backed.merge_mappings(IMAGE, requested)
    assert (root["source_type"], root["uuid"]) == ("snapshot", "snap-1")


def test_a_requested_volume_root_is_kept_beside_no_image_root():
    requested = [{"uuid": "vol-1", "source_type": "volume",
                  "destination_type": "volume", "boot_index": 0}]
    assert volume_backed.merge_mappings(IMAGE, requested) == requested


def test_an_ordinary_image_keeps_the_request():
    requested = [{"uuid": "image-1", "source_type": "image",
                  "destination_type": "local", "boot_index": 0}]
    assert volume_backed.merge_mappings({}, requested) == requested
