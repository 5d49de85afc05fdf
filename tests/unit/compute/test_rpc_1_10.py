"""Compute RPC 1.10: attach_interface takes port_id and fixed_ip (a port
of the network service, or the address of the new port), sent at 1.10;
an attach on a network alone is still sent at 1.2, and a client capped
below 1.10 refuses the new arguments (409) rather than losing them."""
import types

import pytest

from stratus.compute import rpcapi as compute_rpcapi
from stratus import exception
from tests.unit.compute.test_rpc_unread_arguments import _Messaging

INSTANCE = types.SimpleNamespace(host="cmp1", uuid="u1")


def test_a_port_or_an_address_is_sent_at_1_10():
    api = compute_rpcapi.ComputeAPI(_Messaging(None))
    api.attach_interface(None, INSTANCE, port_id="p1")
    assert api.client.sent["attach_interface"] == ("1.10", {
        "instance": INSTANCE, "network_id": None, "port_id": "p1"})
    api.attach_interface(None, INSTANCE, network_id="n1",
                         fixed_ip="10.0.0.9")
    assert api.client.sent["attach_interface"] == ("1.10", {
        "instance": INSTANCE, "network_id": "n1", "fixed_ip": "10.0.0.9"})


def test_a_network_alone_is_sent_at_1_2():
    api = compute_rpcapi.ComputeAPI(_Messaging("1.9"))
    api.attach_interface(None, INSTANCE, network_id="n1")
    assert api.client.sent["attach_interface"] == ("1.2", {
        "instance": INSTANCE, "network_id": "n1"})


def test_a_client_capped_below_1_10_refuses_a_port():
    api = compute_rpcapi.ComputeAPI(_Messaging("1.9"))
    with pytest.raises(exception.ComputeTooOld):
        api.attach_interface(None, INSTANCE, port_id="p1")
    assert "attach_interface" not in api.client.sent
