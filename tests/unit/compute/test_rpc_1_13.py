"""Compute RPC 1.13: build_and_run_instance carries without_volumes, so
that the compute of a server without volume mappings does not ask the
conductor for its mappings; a client capped below 1.13 sends the build
as before (and that compute asks)."""
import inspect
import types

from stratus.compute import manager as compute_manager
from stratus.compute import rpcapi as compute_rpcapi
from tests.unit.compute.test_rpc_unread_arguments import _Messaging

_INSTANCE = types.SimpleNamespace(host="cmp1", uuid="u1")


def _build(version_cap, **kwargs):
    api = compute_rpcapi.ComputeAPI(_Messaging(version_cap))
    api.build_and_run_instance(None, "cmp1", _INSTANCE, "spec", [], None,
                               [], **kwargs)
    return api.client.sent["build_and_run_instance"]


def test_without_volumes_sent_at_1_13():
    version, kwargs = _build(None, without_volumes=True)
    assert version == "1.13"
    assert kwargs["without_volumes"] is True


def test_a_build_with_volumes_is_sent_as_before():
    version, kwargs = _build(None, without_volumes=False)
    assert version == "1.7"
    assert "without_volumes" not in kwargs


def test_not_sent_below_1_13():
    version, kwargs = _build("1.12", without_volumes=True)
    assert version == "1.7"
    assert "without_volumes" not in kwargs


def test_the_manager_reads_it_and_defaults_to_reading_the_mappings():
    assert compute_manager.ComputeManager.target.version == "1.13"
    parameter = inspect.signature(
        compute_manager.ComputeManager.build_and_run_instance).parameters[
            "without_volumes"]
    assert parameter.default is False


class _Conductor:
    def __init__(self):
        self.asked = 0

    def block_device_mappings(self, ctx, uuid):
        self.asked += 1
        return []


def test_the_compute_asks_for_mappings_only_without_the_flag(monkeypatch):
    from stratus.compute.tasks import build as build_task
    conductor = _Conductor()
    builder = types.SimpleNamespace(conductor=conductor)
    for without, asked in ((True, 0), (False, 1)):
        conductor.asked = 0
        bdms = build_task._mappings_for_build(builder, None, _INSTANCE,
                                              without)
        assert bdms == []
        assert conductor.asked == asked
