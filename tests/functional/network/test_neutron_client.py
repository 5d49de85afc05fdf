"""stratus.network.neutron.NeutronAPI against the built-in network
service: in-process (the caller's context travels in the WSGI environ)
and over HTTP on a loopback port ([neutron] endpoint_override, the
caller's token), on every database backend; the errors of a Neutron
become Stratus exceptions."""

import pytest

from stratus.api import network_client
from stratus.api.network import app as network_app
from stratus import context as stratus_context
from stratus import exception
from stratus.network import neutron
from stratus import rest_transport
from stratus import wsgi_server


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


@pytest.fixture(params=["in-process", "http"])
def network_api(request, conf, databases):
    """(NeutronAPI, Counting app behind it) over the built-in service."""
    if request.param == "in-process":
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
    with pytest.raises(exception.NetworkResourceNotFound) as raised:
        client.show_network(ALICE, seeded["private-b"]["id"])
    assert raised.value.code == 404
    assert raised.value.neutron_type == "NetworkNotFound"
    assert seeded["private-b"]["id"] in raised.value.format_message()


@pytest.mark.parametrize("network_id", ["no-such", "../../v2.0/networks",
                                        "a/b", "%00", "\u2603"])
def test_odd_ids_stay_one_path_segment(network_api, network_id):
    client, _ = network_api
    with pytest.raises(exception.NetworkResourceNotFound):
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
    with pytest.raises(exception.NetworkServiceUnavailable) as raised:
        client.list_networks(ALICE)
    assert raised.value.code == 503
