"""stratus.network.neutron.NeutronAPI against the built-in network
service: in-process (the caller's context travels in the WSGI environ)
and over HTTP on a loopback port ([neutron] endpoint_override, the
caller's token); the errors of a Neutron become Stratus exceptions.
In-process on every database backend (the built-in service's rows);
over HTTP on SQLite only: there the transport is the subject, and the
in-process cases cover the same calls' database part."""

import pytest

from stratus.api import network_client
from stratus.api.network import app as network_app
from stratus import context as stratus_context
from stratus import client_exception
from stratus import exception
from stratus.network import neutron
from stratus import rest_transport
from stratus import wsgi_server
from tests import dbs


def _context(project, user=None, token=True):
    user = user or project
    roles = (["admin", "member", "reader"] if user == "admin"
             else ["member", "reader"])
    return stratus_context.RequestContext(
        user_id=user, project_id=project, roles=roles,
        is_admin=user == "admin",
        auth_token="%s:%s" % (user, project) if token else None)


ADMIN = _context("admin")
ALICE = _context("project-a", "alice")
BOB = _context("project-b", "bob")


class Counting:
    """A WSGI app forwarding to another, counting the requests by path."""

    def __init__(self, app):
        self.app = app
        self.paths = []

    def __call__(self, environ, start_response):
        self.paths.append(environ["PATH_INFO"])
        return self.app(environ, start_response)


TRANSPORTS = [("in-process", backend) for backend in dbs.BACKENDS] + [
    ("http", "sqlite")]


def pytest_generate_tests(metafunc):
    """The tests of this module that take network_api: (transport,
    db_backend). A hook of this module, not a mark on the tests:
    test_real_neutron.py runs the same tests against a real Neutron,
    with a network_api of its own."""
    if "transport" in metafunc.fixturenames:
        metafunc.parametrize(("transport", "db_backend"), TRANSPORTS,
                             ids=["%s-%s" % case for case in TRANSPORTS])


@pytest.fixture
def network_api(transport, conf, databases):
    """(NeutronAPI, Counting app behind it) over the built-in service."""
    if transport == "in-process":
        app = Counting(network_client.in_process_app(conf, databases))
        yield neutron.NeutronAPI(direct_app=app), app
        return
    app = Counting(network_app.make_app(conf, databases))
    server = wsgi_server.serve([("network", app, "127.0.0.1", 0)],
                               threads=4)
    conf.set_override("endpoint_override", server.url("network"),
                      group="neutron")
    try:
        client = neutron.NeutronAPI.from_conf(conf)
        assert isinstance(client.transport, rest_transport.HTTPTransport)
        yield client, app
    finally:
        server.stop()


def _create(client, ctx, **network):
    """A network made through the built-in service's own API (the client
    has no call for it: Nova makes none)."""
    return client._call(ctx, "POST", "/v2.0/networks", "network",
                        body={"network": network}, ok=(201,))["network"]


@pytest.fixture
def seeded(network_api):
    client, _ = network_api
    public = _create(client, ADMIN, name="public", **{"router:external": True})
    private_a = _create(client, ALICE, name="private-a")
    private_b = _create(client, BOB, name="private-b")
    return {"public": public, "private-a": private_a,
            "private-b": private_b}


def test_list_networks_as_the_caller_sees_them(network_api, seeded):
    client, _ = network_api
    assert sorted(n["name"] for n in client.list_networks(ALICE)) == [
        "private-a", "public"]
    assert sorted(n["name"] for n in client.list_networks(ADMIN)) == [
        "private-a", "private-b", "public"]


def test_list_networks_with_filters_and_fields(network_api, seeded):
    client, _ = network_api
    assert [n["name"] for n in client.list_networks(
        ADMIN, name="private-b")] == ["private-b"]
    assert [n["name"] for n in client.list_networks(
        ADMIN, **{"router:external": True})] == ["public"]
    ids = [seeded["public"]["id"], seeded["private-a"]["id"]]
    assert sorted(n["id"] for n in client.list_networks(ADMIN, id=ids)) == (
        sorted(ids))
    only = client.list_networks(ALICE, name="private-a", fields=["id"])
    assert only == [{"id": seeded["private-a"]["id"]}]
    page = client.list_networks(ADMIN, limit=1, sort_key="name",
                                sort_dir="asc")
    assert [n["name"] for n in page] == ["private-a"]


def test_show_network(network_api, seeded):
    client, _ = network_api
    shown = client.show_network(ALICE, seeded["private-a"]["id"])
    assert shown["name"] == "private-a"
    assert shown["project_id"] == "project-a"
    assert client.show_network(ALICE, seeded["public"]["id"],
                               fields=["name"]) == {"name": "public"}


def test_another_projects_network_is_not_found(network_api, seeded):
    client, _ = network_api
    with pytest.raises(client_exception.NetworkResourceNotFound) as raised:
        client.show_network(ALICE, seeded["private-b"]["id"])
    assert raised.value.code == 404
    assert raised.value.neutron_type == "NetworkNotFound"
    assert seeded["private-b"]["id"] in raised.value.format_message()


@pytest.mark.parametrize("network_id", ["no-such", "../../v2.0/networks",
                                        "a/b", "%00", "\u2603"])
def test_odd_ids_stay_one_path_segment(network_api, network_id):
    client, _ = network_api
    with pytest.raises(client_exception.NetworkResourceNotFound):
        client.show_network(ALICE, network_id)


def test_floating_ip_pools_are_the_external_networks(network_api, seeded):
    client, _ = network_api
    assert [n["name"] for n in client.floating_ip_pools(BOB)] == ["public"]


def test_extensions_are_asked_once_per_interval(network_api):
    client, app = network_api
    now = [1000.0]
    client._clock = lambda: now[0]
    extensions = client.list_extensions(ALICE)
    assert extensions and all(alias == extension["alias"]
                              for alias, extension in extensions.items())
    alias = next(iter(extensions))
    assert client.has_extension(ALICE, alias)
    assert not client.has_extension(ALICE, "no-such-extension")
    assert app.paths.count("/v2.0/extensions") == 1
    now[0] += client.extension_sync_interval
    client.list_extensions(ALICE)
    assert app.paths.count("/v2.0/extensions") == 2
    client.list_extensions(ALICE, refresh=True)
    assert app.paths.count("/v2.0/extensions") == 3


def test_no_token_over_http_is_refused(network_api, seeded):
    """Without a token and without [neutron]'s service user the built-in
    service answers 401 over HTTP; in-process the caller's context
    stands for its token."""
    client, _ = network_api
    anonymous = _context("project-a", "alice", token=False)
    if isinstance(client.transport, rest_transport.HTTPTransport):
        with pytest.raises(exception.Unauthorized):
            client.list_networks(anonymous)
    else:
        assert sorted(n["name"] for n in client.list_networks(
            anonymous)) == ["private-a", "public"]


def test_from_conf_serves_the_built_in_app_in_process(conf, sqlite_databases):
    client = network_client.network_api(conf, sqlite_databases)
    assert isinstance(client.transport, rest_transport.DirectTransport)
    assert client.list_networks(ALICE) == []


def test_a_process_without_the_app_reaches_its_address(conf,
                                                       sqlite_databases):
    """`stratus api` elsewhere, a conductor: without endpoint_override the
    client reaches the built-in service at [neutron] listen and port."""
    server = wsgi_server.serve(
        [("network", network_app.make_app(conf, sqlite_databases),
          "127.0.0.1", 0)], threads=2)
    try:
        conf.set_override("port", int(server.url("network").rsplit(":", 1)[1]),
                          group="neutron")
        client = neutron.NeutronAPI.from_conf(conf)
        assert client.list_networks(ALICE) == []
    finally:
        server.stop()


def test_unreachable_network_service(conf):
    conf.set_override("endpoint_override", "http://127.0.0.1:9",
                      group="neutron")
    conf.set_override("http_retries", 1, group="neutron")
    client = neutron.NeutronAPI.from_conf(conf)
    with pytest.raises(client_exception.NetworkServiceUnavailable) as raised:
        client.list_networks(ALICE)
    assert raised.value.code == 503


# Nova's calls on ports, security groups and floating IPs. The hosts are
# the two that Neutron's own `test` mechanism driver binds without an
# agent (tests/functional/network/test_real_neutron.py runs these checks
# against a real neutron-server too); the built-in service binds any.
HOST = "host-bridge-filter"
OTHER_HOST = "host-ovs-no_filter"


def _subnet(client, ctx, network, cidr):
    return client._call(ctx, "POST", "/v2.0/subnets", "subnet", body={
        "subnet": {"network_id": network["id"], "cidr": cidr,
                   "ip_version": 4}}, ok=(201,))["subnet"]


def _bound_port(client, network, device_id="server-1"):
    """A port ALICE made on her network, taken by a server on HOST as
    Nova's compute takes it: the binding with her context elevated (an
    administrator's call: over HTTP, see NeutronAPI._as_admin)."""
    port = client.create_port(ALICE, {"network_id": network["id"],
                                      "project_id": "project-a",
                                      "admin_state_up": True})
    return client.update_port(ALICE.elevated(), port["id"], {
        "device_id": device_id, "device_owner": "compute:nova",
        "binding:host_id": HOST})


def test_ports_are_made_bound_found_and_deleted(network_api, seeded):
    client, _ = network_api
    subnet = _subnet(client, ALICE, seeded["private-a"], "10.1.0.0/24")
    port = _bound_port(client, seeded["private-a"])
    assert port["binding:host_id"] == HOST
    assert port["binding:vif_type"] == "bridge"
    assert port["device_owner"] == "compute:nova"
    [fixed] = port["fixed_ips"]
    assert fixed["subnet_id"] == subnet["id"]
    assert client.list_ports(ADMIN, device_id="server-1") == [port]
    assert client.show_port(ALICE, port["id"])["id"] == port["id"]
    assert client.list_subnets(ALICE, network_id=[
        seeded["private-a"]["id"]]) == [subnet]
    # Bob neither sees it nor binds it.
    assert client.list_ports(BOB, device_id="server-1") == []
    with pytest.raises((client_exception.NetworkResourceNotFound,
                        client_exception.NetworkServiceForbidden)):
        client.update_port(BOB, port["id"], {"binding:host_id": OTHER_HOST})
    # The address is taken: a second port may not have it.
    with pytest.raises(client_exception.NetworkServiceConflict) as raised:
        client.create_port(ALICE, {"network_id": seeded["private-a"]["id"],
                                   "fixed_ips": [{"ip_address":
                                                  fixed["ip_address"]}]})
    assert raised.value.neutron_type in ("IpAddressInUse",
                                         "IpAddressAlreadyAllocated")
    client.delete_port(ADMIN.elevated(), port["id"])
    with pytest.raises(client_exception.NetworkResourceNotFound) as raised:
        client.show_port(ALICE, port["id"])
    assert raised.value.neutron_type == "PortNotFound"


def _bindings(client, port_id):
    return sorted((binding["host"], binding["status"]) for binding in
                  client._call(ADMIN, "GET", "/v2.0/ports/%s/bindings"
                               % port_id, "binding")["bindings"])


def test_a_second_binding_is_activated_and_the_first_deleted(network_api,
                                                             seeded):
    """binding-extended, as Nova live-migrates."""
    client, _ = network_api
    assert client.has_extension(ADMIN, "binding-extended")
    _subnet(client, ALICE, seeded["private-a"], "10.1.0.0/24")
    port = _bound_port(client, seeded["private-a"])
    admin = ADMIN.elevated()
    binding = client.create_port_binding(admin, port["id"], {
        "host": OTHER_HOST, "vnic_type": "normal", "profile": {}})
    assert (binding["host"], binding["status"]) == (OTHER_HOST, "INACTIVE")
    assert binding["vif_type"] not in ("unbound", "binding_failed")
    assert _bindings(client, port["id"]) == sorted([
        (HOST, "ACTIVE"), (OTHER_HOST, "INACTIVE")])
    with pytest.raises(client_exception.NetworkServiceConflict) as raised:
        client.create_port_binding(admin, port["id"], {"host": OTHER_HOST})
    assert raised.value.neutron_type == "PortBindingAlreadyExists"
    # Neutron answers the binding bare (a member action).
    activated = client._call(admin, "PUT", "/v2.0/ports/%s/bindings/%s/"
                             "activate" % (port["id"], OTHER_HOST),
                             "binding")
    assert (activated["host"], activated["status"]) == (OTHER_HOST,
                                                        "ACTIVE")
    with pytest.raises(client_exception.NetworkServiceConflict) as raised:
        client.activate_port_binding(admin, port["id"], OTHER_HOST)
    assert raised.value.neutron_type == "PortBindingAlreadyActive"
    assert client.show_port(admin, port["id"])["binding:host_id"] == (
        OTHER_HOST)
    client.delete_port_binding(admin, port["id"], HOST)
    assert _bindings(client, port["id"]) == [(OTHER_HOST, "ACTIVE")]
    with pytest.raises(client_exception.NetworkResourceNotFound) as raised:
        client.delete_port_binding(admin, port["id"], HOST)
    assert raised.value.neutron_type == "PortBindingNotFound"


def test_security_groups_of_a_project(network_api, seeded):
    client, _ = network_api
    made = client._call(ALICE, "POST", "/v2.0/security-groups",
                        "security_group", body={"security_group": {
                            "name": "web"}}, ok=(201,))["security_group"]
    names = sorted(group["name"] for group in client.list_security_groups(
        ALICE, project_id="project-a"))
    assert names == ["default", "web"]
    assert [group["id"] for group in client.list_security_groups(
        ALICE, name="web")] == [made["id"]]
    assert client.list_security_groups(BOB, name="web") == []


def test_floating_ips_of_ports(network_api, seeded):
    client, _ = network_api
    public = seeded["public"]
    _subnet(client, ADMIN, public, "172.24.4.0/24")
    private = _subnet(client, ALICE, seeded["private-a"], "10.1.0.0/24")
    router = client._call(ALICE, "POST", "/v2.0/routers", "router", body={
        "router": {"name": "router", "external_gateway_info": {
            "network_id": public["id"]}}}, ok=(201,))["router"]
    client._call(ALICE, "PUT", "/v2.0/routers/%s/add_router_interface"
                 % router["id"], "router", body={"subnet_id": private["id"]})
    ports = [_bound_port(client, seeded["private-a"], "server-%d" % i)
             for i in range(2)]
    floating = client._call(ALICE, "POST", "/v2.0/floatingips",
                            "floatingip", body={"floatingip": {
                                "floating_network_id": public["id"],
                                "port_id": ports[0]["id"]}},
                            ok=(201,))["floatingip"]
    assert floating["floating_ip_address"].startswith("172.24.4.")
    found = client.list_floating_ips(ADMIN, port_id=[
        port["id"] for port in ports])
    assert [(fip["id"], fip["port_id"]) for fip in found] == [
        (floating["id"], ports[0]["id"])]
    assert client.list_floating_ips(ALICE, port_id=ports[1]["id"]) == []
    assert client.has_extension(ALICE, "router")
