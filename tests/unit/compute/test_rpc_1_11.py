"""Compute RPC 1.11: the volume calls (reserve_block_device_name,
attach_volume, detach_volume, swap_volume, extend_volume) are sent at
1.11; a client capped below refuses them (409 ComputeTooOld) before
anything changes; the manager serves them."""
import types

import pytest

from stratus.compute import manager as compute_manager
from stratus.compute import rpcapi as compute_rpcapi
from stratus import exception
from tests.unit.compute.test_rpc_unread_arguments import _Messaging

_INSTANCE = types.SimpleNamespace(host="cmp1", uuid="u1")

CALLS = {
    "reserve_block_device_name": dict(
        device=None, volume_id="v1", tag="t", multiattach=False,
        delete_on_termination=True),
    "attach_volume": dict(bdm="a mapping"),
    "detach_volume": dict(volume_id="v1", attachment_id="a1"),
    "swap_volume": dict(old_volume_id="v1", new_volume_id="v2",
                        new_attachment_id="a2"),
    "extend_volume": dict(volume_id="v1"),
}


@pytest.mark.parametrize("method", sorted(CALLS))
def test_sent_at_1_11(method):
    api = compute_rpcapi.ComputeAPI(_Messaging(None))
    getattr(api, method)(None, _INSTANCE, **CALLS[method])
    version, kwargs = api.client.sent[method]
    assert version == "1.11"
    assert kwargs == dict(CALLS[method], instance=_INSTANCE)


@pytest.mark.parametrize("method", sorted(CALLS))
def test_refused_below_1_11(method):
    api = compute_rpcapi.ComputeAPI(_Messaging("1.10"))
    with pytest.raises(exception.ComputeTooOld):
        getattr(api, method)(None, _INSTANCE, **CALLS[method])
    assert api.client.sent == {}


def test_the_manager_serves_them():
    version = compute_manager.ComputeManager.target.version
    assert tuple(int(part) for part in version.split(".")) >= (1, 11)
    for method, kwargs in CALLS.items():
        assert set(kwargs) <= set(
            getattr(compute_manager.ComputeManager, method).__code__
            .co_varnames)
