"""Compute RPC 1.8: get_instance_diagnostics (a call) and
external_instance_event (a cast) are sent at 1.8; a client capped below
it sends neither (the API answers 409 for diagnostics and drops events,
saying so), and the manager still takes every older message. From 1.9
the events go to the host's topic compute_events (an RPC server of its
own), to older computes on the compute topic at 1.8."""
import types

from stratus.compute import manager as compute_manager
from stratus.compute import rpcapi as compute_rpcapi
from tests.unit.compute.test_rpc_unread_arguments import _Messaging
from stratus import exception


def _api(version_cap):
    return compute_rpcapi.ComputeAPI(_Messaging(version_cap))


def test_1_8_methods_are_sent_at_1_8():
    api = _api(None)
    instance = types.SimpleNamespace(host="cmp1", uuid="u1")
    api.get_instance_diagnostics(None, instance)
    api.external_instance_event(None, "cmp1", [instance], [{"name": "x"}])
    assert api.client.sent["get_instance_diagnostics"][0] == "1.8"
    version, kwargs = api.events_client.sent["external_instance_event"]
    assert version == "1.9"
    assert kwargs == {"instances": [instance], "events": [{"name": "x"}]}
    assert "external_instance_event" not in api.client.sent
    assert api.can_send_external_events()


def test_events_go_to_a_1_8_compute_on_its_compute_topic():
    api = _api("1.8")
    instance = types.SimpleNamespace(host="cmp1", uuid="u1")
    api.external_instance_event(None, "cmp1", [instance], [{"name": "x"}])
    assert api.client.sent["external_instance_event"][0] == "1.8"
    assert "external_instance_event" not in api.events_client.sent


def test_a_client_capped_at_1_7_sends_neither():
    api = _api("1.7")
    assert not api.can_send_external_events()
    try:
        api.check_can_send_actions("1.8")
    except exception.ComputeTooOld as exc:
        assert "1.8" in exc.format_message()
    else:
        raise AssertionError("a 1.7 cap let a 1.8 call through")


def test_the_manager_is_the_1_9_endpoint_and_serves_the_events_topic():
    assert compute_manager.ComputeManager.target.version == "1.9"
    for method in ("get_instance_diagnostics", "external_instance_event"):
        assert callable(getattr(compute_manager.ComputeManager, method))
    manager = object.__new__(compute_manager.ComputeManager)
    [(topic, endpoint)] = manager.extra_rpc_endpoints()
    assert topic == compute_rpcapi.EVENTS_TOPIC
    assert endpoint.target.version == "1.9"
