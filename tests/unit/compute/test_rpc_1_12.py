"""Compute RPC 1.12: rebuild_instance carries reimage_boot_volume (2.93's
rebuild of a volume-backed server); a client capped below 1.12 refuses
such a rebuild (409 ComputeTooOld) and sends a plain rebuild as before;
the manager reads the flag."""
import types

import pytest

from stratus.compute import manager as compute_manager
from stratus.compute import rpcapi as compute_rpcapi
from stratus import exception
from tests.unit.compute.test_rpc_unread_arguments import _Messaging

_INSTANCE = types.SimpleNamespace(host="cmp1", uuid="u1")


def test_reimage_sent_at_1_12():
    api = compute_rpcapi.ComputeAPI(_Messaging(None))
    api.rebuild_instance(None, _INSTANCE, "img", "pw", False,
                         reimage_boot_volume=True)
    version, kwargs = api.client.sent["rebuild_instance"]
    assert version == "1.12"
    assert kwargs == dict(instance=_INSTANCE, image_ref="img",
                          new_pass="pw", reimage_boot_volume=True)


def test_reimage_refused_below_1_12():
    api = compute_rpcapi.ComputeAPI(_Messaging("1.11"))
    with pytest.raises(exception.ComputeTooOld):
        api.rebuild_instance(None, _INSTANCE, "img", "pw", False,
                             reimage_boot_volume=True)
    assert api.client.sent == {}


def test_plain_rebuild_unchanged_below_1_12():
    api = compute_rpcapi.ComputeAPI(_Messaging("1.11"))
    api.rebuild_instance(None, _INSTANCE, "img", "pw", False)
    version, kwargs = api.client.sent["rebuild_instance"]
    assert version == "1.7"
    assert "reimage_boot_volume" not in kwargs


def test_the_manager_reads_the_flag():
    assert compute_manager.ComputeManager.target.version \
        == compute_rpcapi.VERSION
    assert "reimage_boot_volume" in (
        compute_manager.ComputeManager.rebuild_instance.__code__
        .co_varnames)
