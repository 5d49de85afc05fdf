"""The guest device name a compute picks for a volume: the first free
one after the root disk on the root's bus (the flavor's ephemeral and
swap disks, when they have no name, come before it), or the one asked
for when it is free (DevicePathInUse, Nova's 409, otherwise)."""
import types

import pytest

from stratus.compute.tasks import volumes
from stratus import exception
from stratus.objects import block_device_mapping as bdm_obj


def _bdm(**values):
    return bdm_obj.BlockDeviceMapping(instance_uuid="u1", **values)


def _instance(root=None):
    return types.SimpleNamespace(get=lambda name: root)


PICK = volumes.VolumesMixin()._pick_device_name


def test_the_first_free_name_after_the_root():
    assert PICK(_instance(), []) == "/dev/vdb"
    taken = [_bdm(destination_type="volume", device_name="/dev/vdb")]
    assert PICK(_instance("/dev/vda"), taken) == "/dev/vdc"
    assert PICK(_instance("/dev/sda"), []) == "/dev/sdb"
    assert PICK(_instance("/dev/xvda"), []) == "/dev/xvdb"


def test_unnamed_local_disks_come_first():
    locals_ = [_bdm(source_type="blank", destination_type="local"),
               _bdm(source_type="blank", destination_type="local",
                    guest_format="swap")]
    assert PICK(_instance(), locals_) == "/dev/vdd"


def test_a_requested_name():
    assert PICK(_instance(), [], "/dev/vdf") == "/dev/vdf"
    assert PICK(_instance(), [], "vdf") == "/dev/vdf"
    taken = [_bdm(destination_type="volume", device_name="/dev/vdb")]
    with pytest.raises(exception.DevicePathInUse) as raised:
        PICK(_instance(), taken, "/dev/vdb")
    assert raised.value.code == 409


def test_names_go_on_past_z():
    names = list(volumes.device_names())
    assert names[:2] == ["/dev/vda", "/dev/vdb"]
    assert names[26:28] == ["/dev/vdaa", "/dev/vdab"]
