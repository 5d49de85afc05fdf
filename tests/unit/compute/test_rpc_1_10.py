"""Compute RPC 1.10: attach_interface takes a port (port_id) or the
fixed IP of its new port; an attach with either is sent at 1.10, one
with neither at 1.2 as before, and a client capped below 1.10 refuses
one with either (409 ComputeTooOld) rather than lose it."""
import types

import pytest

from stratus.compute import rpcapi as compute_rpcapi
from stratus import exception
from tests.unit.compute.test_rpc_unread_arguments import _Messaging

_INSTANCE = types.SimpleNamespace(host="cmp1", uuid="u1")


def test_a_port_or_fixed_ip_is_sent_at_1_10():
    api = compute_rpcapi.ComputeAPI(_Messaging(None))
    api.attach_interface(None, _INSTANCE, port_id="p1")
    version, kwargs = api.client.sent["attach_interface"]
    assert version == "1.10"
    assert kwargs == {"instance": _INSTANCE, "network_id": None,
                      "port_id": "p1", "fixed_ip": None}


def test_a_plain_attach_is_still_1_2():
    api = compute_rpcapi.ComputeAPI(_Messaging("1.9"))
    api.attach_interface(None, _INSTANCE, network_id="n1")
    version, kwargs = api.client.sent["attach_interface"]
    assert version == "1.2"
    assert kwargs == {"instance": _INSTANCE, "network_id": "n1"}


def test_a_client_capped_at_1_9_refuses_a_fixed_ip():
    api = compute_rpcapi.ComputeAPI(_Messaging("1.9"))
    with pytest.raises(exception.ComputeTooOld):
        api.attach_interface(None, _INSTANCE, network_id="n1",
                             fixed_ip="10.0.0.5")
    assert "attach_interface" not in api.client.sent
