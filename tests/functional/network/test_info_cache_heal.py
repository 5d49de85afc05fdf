"""A server's network info cache follows its ports when they change
outside Stratus, with ports of the built-in network service ([network]
provider = neutron): the compute's periodic heal
([DEFAULT] heal_instance_info_cache_interval, one server per run in turn)
and the network-changed external event (which Neutron sends) read the
ports again, so a floating IP associated or a port deleted through the
network API shows in the server's addresses."""
import time

import pytest

from stratus.api.network import server_events
from stratus import context as stratus_context
from tests.functional import cloud as cloud_harness
from tests.functional.network import test_server_ports as server_ports
# The cloud of two fake hosts whose servers get ports of the built-in
# network service, on each database.
from tests.functional.network.test_server_ports import ported_cloud  # noqa: F401,E501

ADMIN = "admin:admin"


def _call(cloud, method, path, body=None, token=server_ports.DEMO):
    return server_ports._network_call(cloud, method, path, body,
                                      token=token)


def _routed_network(cloud):
    """The demo project's private network, routed to an external one."""
    network, subnet = server_ports._private_network(cloud)
    public = _call(cloud, "POST", "/v2.0/networks", {"network": {
        "name": "public", "router:external": True}}, token=ADMIN)["network"]
    _call(cloud, "POST", "/v2.0/subnets", {"subnet": {
        "network_id": public["id"], "cidr": "172.24.4.0/24",
        "ip_version": 4}}, token=ADMIN)
    router = _call(cloud, "POST", "/v2.0/routers", {"router": {
        "name": "router",
        "external_gateway_info": {"network_id": public["id"]}}})["router"]
    _call(cloud, "PUT", "/v2.0/routers/%s/add_router_interface"
          % router["id"], {"subnet_id": subnet["id"]})
    return network, public


def _admin(cloud):
    return cloud_harness.StackClient(cloud.apps["compute"])


def _server(cloud, network, name="vm", host=None):
    """A server of the demo project, or of the administrator's on host."""
    api = _admin(cloud) if host else server_ports._demo(cloud)
    extra = {"host": host} if host else {}
    server = api.create_server(name=name, image=api.first_image_id(),
                               networks=[{"uuid": network["id"]}],
                               **extra)["server"]
    api.wait_for_status(server["id"], "ACTIVE")
    return server["id"]


def _manager(cloud, server_id):
    host = _admin(cloud).server(server_id)["OS-EXT-SRV-ATTR:host"]
    [compute] = [svc for svc in cloud.computes if svc.host == host]
    return compute.manager


def _heal(cloud, server_id):
    _manager(cloud, server_id).heal_instance_info_cache(
        stratus_context.get_admin_context())


def _addresses(cloud, server_id):
    return {(address["addr"], address["OS-EXT-IPS:type"])
            for addresses in _admin(cloud).server(
                server_id)["addresses"].values()
            for address in addresses}


def _associate(cloud, public, server_id):
    port = server_ports._port_of(cloud, server_id)
    return _call(cloud, "POST", "/v2.0/floatingips", {"floatingip": {
        "floating_network_id": public["id"], "port_id": port["id"]}},
        token=ADMIN)["floatingip"]["floating_ip_address"]


@pytest.fixture
def events_lost(monkeypatch):
    """The network service's network-changed events for floating IPs
    never arrive (what the heal is for: a lost event, a Neutron whose
    [nova] notifier is off)."""
    monkeypatch.setattr(server_events, "after", lambda *args: None)


def test_the_periodic_heal_shows_a_floating_ip_and_a_deleted_port(
        ported_cloud, events_lost):  # noqa: F811
    cloud = ported_cloud
    network, public = _routed_network(cloud)
    server_id = _server(cloud, network)
    [(fixed, kind)] = _addresses(cloud, server_id)
    assert kind == "fixed"
    floating = _associate(cloud, public, server_id)
    # Nothing told the compute: the cache is as it was.
    assert _addresses(cloud, server_id) == {(fixed, "fixed")}
    _heal(cloud, server_id)
    assert _addresses(cloud, server_id) == {(fixed, "fixed"),
                                            (floating, "floating")}

    port = server_ports._port_of(cloud, server_id)
    _call(cloud, "DELETE", "/v2.0/ports/" + port["id"], token=ADMIN)
    _heal(cloud, server_id)
    assert _addresses(cloud, server_id) == set()


def test_each_run_heals_the_next_server_of_the_host(ported_cloud, events_lost):  # noqa: F811,E501
    cloud = ported_cloud
    network, public = _routed_network(cloud)
    servers = sorted(_server(cloud, network, name, host="compute1")
                     for name in "ab")
    floating = {server_id: _associate(cloud, public, server_id)
                for server_id in servers}
    _heal(cloud, servers[0])
    assert [(floating[server_id], "floating") in _addresses(cloud, server_id)
            for server_id in servers] == [True, False]
    _heal(cloud, servers[0])
    assert [(floating[server_id], "floating") in _addresses(cloud, server_id)
            for server_id in servers] == [True, True]


def test_the_network_changed_event_refreshes_the_cache(ported_cloud):  # noqa: F811,E501
    cloud = ported_cloud
    network, public = _routed_network(cloud)
    server_id = _server(cloud, network)
    floating = _associate(cloud, public, server_id)
    port = server_ports._port_of(cloud, server_id)
    # What Neutron's Nova notifier sends when a port's floating IP
    # changes (the built-in service does not).
    _admin(cloud).as_user("neutron:service").post(
        "/os-server-external-events", {"events": [{
            "name": "network-changed", "server_uuid": server_id,
            "tag": port["id"]}]}, headers={"X-Roles": "service"})
    assert (floating, "floating") in _wait_for_addresses(cloud, server_id)


def _wait_for_addresses(cloud, server_id, timeout=10):
    end = time.monotonic() + timeout
    while True:
        found = _addresses(cloud, server_id)
        if len(found) > 1 or time.monotonic() > end:
            return found
        time.sleep(0.05)


def test_the_heal_runs_every_interval_unless_disabled(ported_cloud, conf):  # noqa: F811,E501
    manager = ported_cloud.computes[0].manager
    assert (60, manager.heal_instance_info_cache) in manager.periodic_tasks()
    for disabled in (0, -1):
        conf.set_override("heal_instance_info_cache_interval", disabled)
        assert manager.heal_instance_info_cache not in [
            task for _, task in manager.periodic_tasks()]
