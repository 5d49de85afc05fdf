"""Conductor RPC 1.10: the block device mappings of a server for its
compute (which has no database): listed, created (one live mapping per
volume per server), saved, destroyed — on the real databases; and the
client sends them at 1.10, refusing while capped below."""
import uuid

import pytest

from stratus.conductor import rpcapi as conductor_rpcapi
from stratus import exception
from stratus.objects import block_device_mapping as bdm_obj
from tests.unit.compute.test_api_objects import _instance
from tests.unit.compute.test_api_objects import cell  # noqa: F401 - fixture
from tests.unit.compute.test_rpc_unread_arguments import _RecordingClient


def _volume_bdm(instance_uuid, volume_id=None, **values):
    return bdm_obj.BlockDeviceMapping(
        instance_uuid=instance_uuid, source_type="volume",
        destination_type="volume", volume_id=volume_id or str(uuid.uuid4()),
        device_name="/dev/vdb", **values)


def test_create_save_destroy_round_trip(cell):  # noqa: F811
    server = _instance(cell)
    bdm = _volume_bdm(server.uuid, tag="data")
    bdm.create(cell)
    assert bdm.uuid and bdm.id
    listed = bdm_obj.BlockDeviceMappingList.get_by_instance_uuid(
        cell, server.uuid)
    assert [(each.volume_id, each.device_name, each.tag)
            for each in listed] == [(bdm.volume_id, "/dev/vdb", "data")]
    found = bdm_obj.BlockDeviceMapping.get_by_volume_id(
        cell, bdm.volume_id, instance_uuid=server.uuid)
    attachment = str(uuid.uuid4())
    found.attachment_id = attachment
    found.connection_info = '{"driver_volume_type": "file"}'
    found.save(cell)
    again = bdm_obj.BlockDeviceMapping.get_by_uuid(cell, bdm.uuid)
    assert (again.attachment_id, again.connection_info) == (
        attachment, '{"driver_volume_type": "file"}')
    again.destroy(cell)
    assert list(bdm_obj.BlockDeviceMappingList.get_by_instance_uuid(
        cell, server.uuid)) == []
    with pytest.raises(exception.VolumeBDMNotFound):
        bdm_obj.BlockDeviceMapping.get_by_volume_id(cell, bdm.volume_id)
    # A mapping destroyed meanwhile cannot be saved; destroyed again is
    # no error.
    again.device_name = "/dev/vdc"
    with pytest.raises(exception.BDMNotFound):
        again.save(cell)
    again.destroy(cell)


def test_one_live_mapping_per_volume_per_server(cell):  # noqa: F811
    server, other = _instance(cell), _instance(cell)
    volume_id = str(uuid.uuid4())
    first = _volume_bdm(server.uuid, volume_id)
    first.create(cell)
    with pytest.raises(exception.InvalidVolume) as raised:
        _volume_bdm(server.uuid, volume_id).create(cell)
    assert "already attached" in str(raised.value)
    # Another server (a multiattach volume) may have its own.
    _volume_bdm(other.uuid, volume_id).create(cell)
    assert len(bdm_obj.BlockDeviceMappingList.get_by_volume_id(
        cell, volume_id)) == 2
    # Once detached, the volume can be attached again.
    first.destroy(cell)
    _volume_bdm(server.uuid, volume_id).create(cell)


def test_no_mapping_for_a_deleted_server(cell):  # noqa: F811
    with pytest.raises(exception.InstanceNotFound):
        _volume_bdm(str(uuid.uuid4())).create(cell)


class _Messaging:
    def __init__(self, cap):
        self.cap = cap

    def client(self, topic, version, version_cap=None, pin=None):
        return _RecordingClient(self.cap)


@pytest.mark.parametrize("method,kwargs", [
    ("block_device_mappings", {"instance_uuid": "u1"}),
    ("bdm_create", {"bdm": "a mapping"}),
    ("bdm_save", {"bdm": "a mapping"}),
    ("bdm_destroy", {"bdm": "a mapping"}),
])
def test_sent_at_1_10_and_refused_below(method, kwargs):
    api = conductor_rpcapi.ConductorAPI(_Messaging(None))
    getattr(api, method)(None, **kwargs)
    assert api.client._client.sent[method] == ("1.10", kwargs)
    capped = conductor_rpcapi.ConductorAPI(_Messaging("1.9"))
    with pytest.raises(exception.ConductorTooOld):
        getattr(capped, method)(None, **kwargs)
    assert capped.client._client.sent == {}


def test_the_manager_serves_what_the_client_sends():
    from stratus.conductor import manager
    for method in ("block_device_mappings", "bdm_create", "bdm_save",
                   "bdm_destroy"):
        assert callable(getattr(manager.ConductorManager, method))
    served = tuple(int(part) for part in
                   manager.ConductorManager.target.version.split("."))
    assert served >= (1, 10)
