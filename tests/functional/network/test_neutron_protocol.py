"""What stratus.network.neutron.NeutronAPI sends and how it reads what a
Neutron answers, against a stub Neutron (a WSGI app) in-process and on a
loopback port: Nova's port calls, Neutron's error bodies mapped to
Stratus exceptions, the service user for calls without a token, and the
network endpoint found in the service catalog in keystone mode."""
import json
import urllib.parse

import pytest

from stratus import context as stratus_context
from stratus import client_exception
from stratus import exception
from stratus.network import neutron
from stratus import rest_transport
from stratus import wsgi_server

CTX = stratus_context.RequestContext(
    user_id="alice", project_id="project-a", roles=["member", "reader"],
    auth_token="alice-token", request_id="req-1")
NO_TOKEN = stratus_context.RequestContext(
    user_id=None, project_id=None, is_admin=True, roles=["admin"])


class StubNeutron:
    """Answers every request with (status, body) and records what came:
    (method, path, query, headers, body)."""

    def __init__(self, status=200, body=None, name="stub"):
        self.status = status
        self.body = body if body is not None else {}
        self.name = name
        self.requests = []

    def __call__(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        data = environ["wsgi.input"].read(length) if length else b""
        headers = {key[5:].replace("_", "-").title(): value
                   for key, value in environ.items()
                   if key.startswith("HTTP_")}
        headers["Content-Type"] = environ.get("CONTENT_TYPE")
        self.requests.append((
            environ["REQUEST_METHOD"], environ["PATH_INFO"],
            urllib.parse.parse_qs(environ.get("QUERY_STRING", "")),
            headers, json.loads(data) if data else None))
        if self.status == 204:
            start_response("204 No Content", [])
            return [b""]
        text = (self.body if isinstance(self.body, bytes)
                else json.dumps(self.body).encode())
        start_response("%d Whatever" % self.status,
                       [("Content-Type", "application/json"),
                        ("X-Served-By", self.name)])
        return [text]


def _error(status, neutron_type, message="it failed"):
    return StubNeutron(status, {"NeutronError": {
        "type": neutron_type, "message": message, "detail": ""}})


def test_port_calls_are_nova_shaped():
    stub = StubNeutron(200, {"ports": [{"id": "p1"}], "port": {"id": "p1"}})
    client = neutron.NeutronAPI(direct_app=stub)
    assert client.list_ports(CTX, device_id="vm-1",
                             network_id=["n1", "n2"]) == [{"id": "p1"}]
    method, path, query, headers, _ = stub.requests[-1]
    assert (method, path) == ("GET", "/v2.0/ports")
    assert query == {"device_id": ["vm-1"], "network_id": ["n1", "n2"]}
    assert headers["X-Auth-Token"] == "alice-token"
    assert headers["X-Openstack-Request-Id"] == "req-1"
    assert client.show_port(CTX, "p1", fields=["id", "mac_address"]) == {
        "id": "p1"}
    assert stub.requests[-1][1:3] == ("/v2.0/ports/p1", {
        "fields": ["id", "mac_address"]})

    stub.status = 201
    port = {"network_id": "n1", "device_id": "vm-1",
            "binding:host_id": "compute1", "admin_state_up": True}
    assert client.create_port(CTX, port) == {"id": "p1"}
    assert stub.requests[-1][0:2] == ("POST", "/v2.0/ports")
    assert stub.requests[-1][4] == {"port": port}
    assert stub.requests[-1][3]["Content-Type"] == "application/json"

    stub.status = 200
    assert client.update_port(CTX, "p1", {"device_id": ""}) == {"id": "p1"}
    assert stub.requests[-1][0:2] == ("PUT", "/v2.0/ports/p1")
    assert stub.requests[-1][4] == {"port": {"device_id": ""}}

    stub.status = 204
    assert client.delete_port(CTX, "p1") is None
    assert stub.requests[-1][0:2] == ("DELETE", "/v2.0/ports/p1")


@pytest.mark.parametrize("call, collection, url_name", [
    ("list_subnets", "subnets", "subnets"),
    # Neutron's URL has a hyphen, its body an underscore.
    ("list_security_groups", "security_groups", "security-groups"),
    ("list_floating_ips", "floatingips", "floatingips"),
    ("list_networks", "networks", "networks")])
def test_lists_and_their_filters(call, collection, url_name):
    stub = StubNeutron(200, {collection: [{"id": "x"}]})
    client = neutron.NeutronAPI(direct_app=stub)
    assert getattr(client, call)(CTX, project_id="project-a",
                                 shared=False) == [{"id": "x"}]
    assert stub.requests[-1][1:3] == ("/v2.0/" + url_name, {
        "project_id": ["project-a"], "shared": ["false"]})


def test_lists_follow_next_links_unless_limited():
    pages = iter([
        {"networks": [{"id": "a"}], "networks_links": [
            {"rel": "next",
             "href": "http://neutron:9696/v2.0/networks?marker=a"}]},
        {"networks": [{"id": "b"}], "networks_links": [
            {"rel": "previous", "href": "http://x/v2.0/networks"}]},
    ])

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps(next(pages)).encode()]
    client = neutron.NeutronAPI(direct_app=app)
    assert [n["id"] for n in client.list_networks(CTX)] == ["a", "b"]


@pytest.mark.parametrize("status, neutron_type, error_class, code", [
    (404, "NetworkNotFound", client_exception.NetworkResourceNotFound, 404),
    (404, "HTTPNotFound", client_exception.NetworkResourceNotFound, 404),
    (409, "PortInUse", client_exception.NetworkServiceConflict, 409),
    (409, "IpAddressInUse", client_exception.NetworkServiceConflict, 409),
    (409, "IpAddressGenerationFailure", exception.NoMoreFixedIps, 500),
    (409, "OverQuota", client_exception.PortLimitExceeded, 403),
    (400, "InvalidInput", client_exception.NetworkServiceBadRequest, 400),
    (401, "HTTPUnauthorized", exception.Unauthorized, 401),
    (403, "PolicyNotAuthorized", client_exception.NetworkServiceForbidden, 403),
    (503, "HTTPServiceUnavailable", client_exception.NetworkServiceUnavailable,
     503),
    (500, "HTTPInternalServerError", client_exception.NetworkServiceError, 500),
])
def test_neutron_errors_become_stratus_exceptions(status, neutron_type,
                                                  error_class, code):
    client = neutron.NeutronAPI(direct_app=_error(status, neutron_type))
    with pytest.raises(error_class) as raised:
        client.create_port(CTX, {"network_id": "n1"})
    assert raised.value.code == code
    assert raised.value.neutron_type == neutron_type


def test_the_message_of_neutrons_error_is_kept():
    client = neutron.NeutronAPI(direct_app=_error(
        409, "MacAddressInUse", "The mac address 00:11 is in use."))
    with pytest.raises(client_exception.NetworkServiceConflict) as raised:
        client.update_port(CTX, "p1", {"mac_address": "00:11"})
    assert raised.value.format_message() == (
        "The mac address 00:11 is in use.")


@pytest.mark.parametrize("body", [b"<html>Bad Gateway</html>", b"",
                                  b'{"NeutronError": "old style"}',
                                  b"[1, 2]"])
def test_odd_error_bodies(body):
    client = neutron.NeutronAPI(direct_app=StubNeutron(502, body))
    with pytest.raises(client_exception.NetworkServiceUnavailable) as raised:
        client.list_networks(CTX)
    assert raised.value.neutron_type is None


class FakeSession:
    def __init__(self, endpoint=None):
        self.endpoint = endpoint

    def get_token(self):
        return "service-token"

    def get_endpoint(self, **kwargs):
        return self.endpoint


@pytest.fixture
def served():
    """Serve stubs on loopback ports: served(stub) -> its URL."""
    servers = []

    def serve(app):
        server = wsgi_server.serve([("neutron", app, "127.0.0.1", 0)],
                                   threads=2)
        servers.append(server)
        return server.url("neutron")
    yield serve
    for server in servers:
        server.stop()


def test_a_call_without_a_token_is_the_service_users(served):
    stub = StubNeutron(200, {"networks": []})
    transport = rest_transport.HTTPTransport(
        [served(stub)], neutron._unavailable, service_session=FakeSession())
    client = neutron.NeutronAPI(transport)
    client.list_networks(NO_TOKEN)
    assert stub.requests[-1][3]["X-Auth-Token"] == "service-token"
    client.list_networks(CTX)
    assert stub.requests[-1][3]["X-Auth-Token"] == "alice-token"


@pytest.mark.parametrize("identity, token", [
    ("service", "service-token"), ("noauth", "admin:project-a"),
    (None, "alice-token")])
def test_an_elevated_context_speaks_as_an_administrator(served, identity,
                                                        token):
    """The binding calls (the caller's context elevated) go as Nova's
    admin client: the service user, or noauth's administrator; the
    caller's own calls keep the caller's token."""
    stub = StubNeutron(200, {"port": {"id": "p"}})
    transport = rest_transport.HTTPTransport(
        [served(stub)], neutron._unavailable, service_session=FakeSession())
    client = neutron.NeutronAPI(transport, admin_identity=identity)
    client.update_port(CTX.elevated(), "p", {"binding:host_id": "h"})
    assert stub.requests[-1][3]["X-Auth-Token"] == token
    client.update_port(CTX, "p", {"name": "n"})
    assert stub.requests[-1][3]["X-Auth-Token"] == "alice-token"


def test_the_admin_identity_follows_the_configuration(conf):
    conf.set_override("endpoint_override", "http://127.0.0.1:9",
                      group="neutron")
    assert neutron.NeutronAPI.from_conf(conf).admin_identity == "noauth"
    conf.set_override("auth_strategy", "keystone", group="api")
    assert neutron.NeutronAPI.from_conf(conf).admin_identity is None


def _keystone_conf(conf):
    conf.set_override("auth_strategy", "keystone", group="api")
    conf.set_override("valid_interfaces", ["internal", "public"],
                      group="neutron")
    return conf


def test_keystone_mode_finds_neutron_in_the_callers_catalog(conf, served):
    real = StubNeutron(200, {"networks": [{"id": "from-catalog"}]})
    built_in = StubNeutron(200, {"networks": [{"id": "built-in"}]})
    client = neutron.NeutronAPI.built_in(_keystone_conf(conf), built_in)
    url = served(real)
    catalog = [{"type": "network", "endpoints": [
        {"interface": "public", "url": "http://127.0.0.1:9",
         "region": "RegionOne"},
        {"interface": "internal", "url": url, "region": "RegionOne"}]}]
    with_catalog = stratus_context.RequestContext(
        user_id="u", project_id="p", auth_token="user-token",
        service_catalog=catalog)
    assert client.list_networks(with_catalog) == [{"id": "from-catalog"}]
    assert real.requests[-1][3]["X-Auth-Token"] == "user-token"
    # No network in the caller's catalog (nor a service user): the
    # built-in service in-process.
    assert client.list_networks(CTX) == [{"id": "built-in"}]


def test_keystone_mode_asks_the_service_users_catalog(conf, served):
    real = StubNeutron(200, {"networks": [{"id": "from-service-catalog"}]})
    built_in = StubNeutron(200, {"networks": [{"id": "built-in"}]})
    client = neutron.NeutronAPI.built_in(_keystone_conf(conf), built_in)
    client.transport.service_session = FakeSession(served(real))
    assert client.list_networks(NO_TOKEN) == [{"id": "from-service-catalog"}]
    assert real.requests[-1][3]["X-Auth-Token"] == "service-token"


def test_the_network_endpoint_of_a_catalog():
    catalog = [
        {"type": "image", "endpoints": [
            {"interface": "public", "url": "http://glance"}]},
        {"type": "network", "endpoints": [
            {"region": "RegionTwo", "publicURL": "http://neutron-two",
             "internalURL": "http://neutron-two-internal"}]},
        {"type": "network", "endpoints": [
            {"interface": "public", "url": "http://neutron",
             "region": "RegionOne"}]}]
    assert neutron.network_endpoint(catalog, ["public"], "RegionOne") == (
        "http://neutron")
    assert neutron.network_endpoint(catalog, ["internal", "public"],
                                    "RegionTwo") == (
        "http://neutron-two-internal")
    assert neutron.network_endpoint(catalog, ["admin"]) is None
    assert neutron.network_endpoint([{"type": "image"}], ["public"]) is None
    assert neutron.network_endpoint(None, ["public"]) is None


def test_the_built_in_services_address(conf):
    conf.set_override("listen", "0.0.0.0", group="neutron")
    conf.set_override("port", 9797, group="neutron")
    assert neutron.built_in_url(conf) == "http://127.0.0.1:9797"
    conf.set_override("listen", "::", group="neutron")
    assert neutron.built_in_url(conf) == "http://[::1]:9797"
    conf.set_override("listen", "10.1.2.3", group="neutron")
    assert neutron.built_in_url(conf) == "http://10.1.2.3:9797"
