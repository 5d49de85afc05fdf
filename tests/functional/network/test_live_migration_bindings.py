"""Live migration of a server with a port of the built-in network service
([network] provider = neutron) with Neutron's multiple port bindings
(binding-extended), as Nova does: while the guest moves its port has an
INACTIVE binding on the destination beside its ACTIVE one on the source;
once it has moved, one ACTIVE binding on the destination; a failed
migration leaves the port bound to the source only. Without the
extension the port is rebound (binding:host_id) at the end."""
import time

import pytest

from tests.functional import cloud as cloud_harness
from tests.functional.network import test_server_ports as server_ports
# The cloud of two fake hosts whose servers get ports of the built-in
# network service, on each database.
from tests.functional.network.test_server_ports import ported_cloud  # noqa: F401,E501

ADMIN = "admin:admin"


def _bindings(cloud, port_id):
    bindings = server_ports._network_call(
        cloud, "GET", "/v2.0/ports/%s/bindings" % port_id,
        token=ADMIN)["bindings"]
    return sorted((binding["host"], binding["status"])
                  for binding in bindings)


def _manager(cloud, host):
    [compute] = [svc for svc in cloud.computes if svc.host == host]
    return compute.manager


def _driver(cloud, host):
    return _manager(cloud, host).driver


def _server_with_port(cloud):
    network, _ = server_ports._private_network(cloud)
    api = server_ports._demo(cloud)
    server = api.create_server(image=api.first_image_id(),
                               networks=[{"uuid": network["id"]}])["server"]
    api.wait_for_status(server["id"], "ACTIVE")
    admin = cloud_harness.StackClient(cloud.apps["compute"])
    source = admin.server(server["id"])["OS-EXT-SRV-ATTR:host"]
    [dest] = [host for host in ("compute1", "compute2") if host != source]
    port = server_ports._port_of(cloud, server["id"])
    assert _bindings(cloud, port["id"]) == [(source, "ACTIVE")]
    return admin, server["id"], port, source, dest


def _live_migrate(admin, server_id, dest):
    admin.post("/servers/%s/action" % server_id, {"os-migrateLive": {
        "host": dest, "block_migration": "auto"}})


def _wait_for(check, what, timeout=20):
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def _assert_bound_to(cloud, admin, server_id, port, host):
    shown = admin.wait_for_status(server_id, "ACTIVE", timeout=20)
    shown = admin.server(server_id)
    assert shown["OS-EXT-SRV-ATTR:host"] == host
    after = server_ports._port_of(cloud, server_id)
    assert after["id"] == port["id"]
    assert after["binding:host_id"] == host
    assert _bindings(cloud, port["id"]) == [(host, "ACTIVE")]
    # The host's agent reported it plugged (network-vif-plugged).
    _wait_for(lambda: server_ports._port_of(
        cloud, server_id)["status"] == "ACTIVE", "port ACTIVE")
    assert shown["addresses"]["private"][0]["addr"] == (
        port["fixed_ips"][0]["ip_address"])


def test_the_port_has_a_binding_on_each_host_while_the_guest_moves(
        ported_cloud):  # noqa: F811
    cloud = ported_cloud
    admin, server_id, port, source, dest = _server_with_port(cloud)
    _driver(cloud, source).hold_live_migration(server_id)
    try:
        _live_migrate(admin, server_id, dest)
        during = _wait_for(lambda: len(_bindings(cloud, port["id"])) == 2
                           and _bindings(cloud, port["id"]),
                           "a second binding")
        assert during == sorted([(source, "ACTIVE"), (dest, "INACTIVE")])
        assert server_ports._port_of(cloud, server_id)[
            "binding:host_id"] == source
    finally:
        _driver(cloud, source).release_live_migration(server_id)
    _assert_bound_to(cloud, admin, server_id, port, dest)


@pytest.mark.parametrize("failure", ["destination", "copy"])
def test_a_failed_live_migration_leaves_the_port_on_the_source(
        ported_cloud, failure):  # noqa: F811
    cloud = ported_cloud
    admin, server_id, port, source, dest = _server_with_port(cloud)
    if failure == "destination":
        _driver(cloud, dest).inject_failure("pre_live_migration")
    else:
        _driver(cloud, source).inject_failure("live_migration_step")
    _live_migrate(admin, server_id, dest)
    _wait_for(lambda: [m for m in admin.get(
        "/os-migrations?instance_uuid=%s" % server_id)["migrations"]
        if m["status"] == "error"], "the migration failed")
    _assert_bound_to(cloud, admin, server_id, port, source)


def test_without_binding_extended_the_port_is_rebound_at_the_end(
        ported_cloud):  # noqa: F811
    cloud = ported_cloud
    for host in ("compute1", "compute2"):
        neutron = _manager(cloud, host).network.neutron
        known = neutron.list_extensions

        def hidden(ctx, refresh=False, known=known):
            found = known(ctx, refresh)
            found.pop("binding-extended", None)
            return found
        neutron.list_extensions = hidden
    admin, server_id, port, source, dest = _server_with_port(cloud)
    _driver(cloud, source).hold_live_migration(server_id)
    try:
        _live_migrate(admin, server_id, dest)
        _wait_for(lambda: _driver(cloud, dest).incoming_guest(server_id),
                  "the destination prepared")
        assert _bindings(cloud, port["id"]) == [(source, "ACTIVE")]
    finally:
        _driver(cloud, source).release_live_migration(server_id)
    _assert_bound_to(cloud, admin, server_id, port, dest)
