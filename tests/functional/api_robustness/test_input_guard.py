"""The input guard every API runs before its handlers (stratus/api/
input_guard.py), and the 500s of hostile input it and the handlers no
longer give: each as a user would see it, in the API's own error format."""
import io
import json

import pytest
import webob

from stratus.api.metadata import app as metadata_app
from stratus.api.placement import app as placement_app
from stratus.testing import hostile
from tests.functional import cloud as cloud_harness

SPECS = hostile.specs()
LIMIT = 114688
# A route of each API that reads a JSON body, and its headers.
WRITES = {
    "compute": ("POST", "/v2.1/flavors", SPECS["compute"].headers),
    "placement": ("POST", "/resource_providers", SPECS["placement"].headers),
    "identity": ("POST", "/v3/auth/tokens", {}),
    "image": ("POST", "/v2/images", {}),
}


class Unreadable(io.RawIOBase):
    """A request body nobody may read."""

    def read(self, size=-1):
        raise AssertionError("the body was read")

    readinto = read


class Endless(io.RawIOBase):
    """An endless body that counts what was read of it."""

    consumed = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        self.consumed += len(buffer)
        buffer[:] = b"x" * len(buffer)
        return len(buffer)


def request(app, method, path, headers=None, body=None, content_type=None,
            token="admin:admin"):
    all_headers = {"Accept": "application/json"}
    if token:
        all_headers["X-Auth-Token"] = token
    all_headers.update(headers or {})
    req = webob.Request.blank(path, method=method, headers=all_headers)
    if body is not None:
        req.body = body
        req.environ["CONTENT_TYPE"] = content_type or "application/json"
    return req.get_response(app)


def assert_error(api, response, status):
    assert response.status_int == status, (api, response.status,
                                           response.text[:300])
    probe = hostile.Probe(api, "GET", "/", "check")
    assert not hostile.problems(SPECS[api], probe, response.status_int,
                                response.content_type, response.body)
    return response


@pytest.mark.parametrize("api", sorted(WRITES))
def test_a_declared_body_over_the_limit_is_413_before_it_is_read(
        sqlite_cloud, api):
    method, path, headers = WRITES[api]
    req = webob.Request.blank(path, method=method, headers=dict(
        headers, Accept="application/json"))
    req.environ["wsgi.input"] = Unreadable()
    req.environ["CONTENT_LENGTH"] = str(LIMIT + 1)
    req.environ["CONTENT_TYPE"] = "application/json"
    response = req.get_response(sqlite_cloud.apps[api])   # no token either
    assert_error(api, response, 413)


@pytest.mark.parametrize("api", sorted(WRITES))
def test_a_chunked_body_is_read_no_further_than_the_limit(sqlite_cloud,
                                                          api):
    method, path, headers = WRITES[api]
    body = Endless()
    req = webob.Request.blank(path, method=method, headers=dict(
        headers, Accept="application/json"))
    req.environ["wsgi.input"] = io.BufferedReader(body)
    req.environ["wsgi.input_terminated"] = True
    req.environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    req.environ.pop("CONTENT_LENGTH", None)
    response = req.get_response(sqlite_cloud.apps[api])
    assert_error(api, response, 413)
    # what a buffered reader fetches ahead, at most
    assert body.consumed <= LIMIT + 1 + io.DEFAULT_BUFFER_SIZE


def test_the_limit_is_max_request_body_size(sqlite_cloud, conf):
    conf.set_override("max_request_body_size", 1000, group="oslo_middleware")
    app = placement_app.make_app(conf, sqlite_cloud.databases)
    headers = SPECS["placement"].headers
    big = b'{"name": "rp"}' + b" " * 1000
    assert_error("placement", request(app, "POST", "/resource_providers",
                                      headers, big), 413)
    small = b'{"name": "rp"}' + b" " * 900
    assert request(app, "POST", "/resource_providers", headers,
                   small).status_int == 200


def test_image_data_is_streamed_past_the_limit(sqlite_cloud):
    image = sqlite_cloud.apps["image"]
    created = request(image, "POST", "/v2/images", body=json.dumps({
        "name": "big", "disk_format": "raw",
        "container_format": "bare"}).encode())
    assert created.status_int == 201, created.text
    data = b"\0" * (3 * LIMIT)
    uploaded = request(image, "PUT", "/v2/images/%s/file" % created.json["id"],
                       body=data, content_type="application/octet-stream")
    assert uploaded.status_int == 204, uploaded.text
    shown = request(image, "GET", "/v2/images/" + created.json["id"])
    assert shown.json["size"] == len(data)


PATHS = {"compute": "/v2.1/servers", "placement": "/resource_providers",
         "identity": "/v3/users", "image": "/v2/images"}


@pytest.mark.parametrize("api", sorted(PATHS))
@pytest.mark.parametrize("suffix", ["/%FF", "/%C0%AF", "?tags=%FF",
                                    "?%FF=1", "?name=%ED%A0%80"])
def test_invalid_utf8_in_the_url_is_400_before_auth(sqlite_cloud, api,
                                                     suffix):
    response = request(sqlite_cloud.apps[api], "GET", PATHS[api] + suffix,
                       SPECS[api].headers, token=None)
    assert_error(api, response, 400)
    assert "UTF-8" in response.text


def test_the_metadata_api_guards_its_urls_too(sqlite_cloud, conf):
    app = metadata_app.make_app(conf, sqlite_cloud.databases)
    response = request(app, "GET", "/openstack/%FF", token=None)
    assert response.status_int == 400
    assert response.content_type == "text/plain"
    assert "UTF-8" in response.text


@pytest.mark.parametrize("depth", [65, 1000, 50000])
def test_deep_json_is_400_even_unauthenticated(sqlite_cloud, depth):
    body = b"[" * depth + b"]" * depth
    response = request(sqlite_cloud.apps["identity"], "POST",
                       "/v3/auth/tokens", body=body, token=None)
    assert_error("identity", response, 400)
    assert "nested deeper than 64" in response.json["error"]["message"]


def test_json_as_deep_as_allowed_is_parsed(sqlite_cloud):
    body = b'{"a":' * 63 + b"1" + b"}" * 63
    response = request(sqlite_cloud.apps["identity"], "POST",
                       "/v3/auth/tokens", body=body, token=None)
    assert_error("identity", response, 400)
    assert "nested" not in response.text


def test_nan_and_infinity_are_not_json(sqlite_cloud):
    compute = cloud_harness.StackClient(sqlite_cloud.apps["compute"])
    response = compute.request("POST", "/v2.1/flavors",
                               b'{"flavor": {"name": "f", "ram": NaN, '
                               b'"vcpus": Infinity, "disk": 1}}')
    assert_error("compute", response, 400)


@pytest.mark.parametrize("content_type", [
    "application/xml", "multipart/form-data; boundary=x",
    "application/x-www-form-urlencoded", "text/html"])
def test_compute_refuses_a_body_that_is_not_json_with_415(sqlite_cloud,
                                                          content_type):
    req = webob.Request.blank("/v2.1/os-keypairs", method="POST", headers={
        "X-Auth-Token": "admin:admin", "Content-Type": content_type})
    req.body = b'{"keypair": {"name": "k"}}'
    req.environ["CONTENT_TYPE"] = content_type
    response = req.get_response(sqlite_cloud.apps["compute"])
    assert_error("compute", response, 415)
    assert response.json["badMediaType"]["message"] == (
        "Unsupported Content-Type")


@pytest.mark.parametrize("content_type", [
    None, "", "text/plain", "application/json",
    "application/vnd.openstack.compute+json"])
def test_compute_reads_json_as_nova_does(sqlite_cloud, content_type):
    """Nova takes text/plain (some HTTP libraries' default) and no type as
    JSON too."""
    req = webob.Request.blank("/v2.1/os-keypairs", method="POST", headers={
        "X-Auth-Token": "admin:admin",
        "OpenStack-API-Version": "compute 2.1"})
    req.body = b'{"keypair": {"name": "k"}}'
    if content_type is None:
        req.environ.pop("CONTENT_TYPE", None)
    else:
        req.environ["CONTENT_TYPE"] = content_type
    response = req.get_response(sqlite_cloud.apps["compute"])
    assert response.status_int == 200, response.text
    assert response.json["keypair"]["name"] == "k"


@pytest.mark.parametrize("method,path", [
    ("GET", "/v2.1/os-cells"), ("POST", "/v2.1/os-cells/sync_instances"),
    ("GET", "/v2.1/os-agents"), ("POST", "/v2.1/os-certificates"),
    ("GET", "/v2.1/os-cloudpipe"), ("GET", "/v2.1/os-fping"),
    ("GET", "/v2.1/os-fixed-ips/10.0.0.1"),
    ("GET", "/v2.1/os-floating-ip-dns"),
    ("GET", "/v2.1/os-floating-ips-bulk"), ("POST", "/v2.1/os-networks"),
    ("DELETE", "/v2.1/os-networks/1"),
    ("GET", "/v2.1/os-security-group-default-rules"),
    ("GET", "/v2.1/servers/00000000-0000-0000-0000-000000000000/consoles"),
    ("GET", "/v2.1/servers/00000000-0000-0000-0000-000000000000/"
            "os-virtual-interfaces"),
])
def test_the_apis_nova_removed_are_gone(sqlite_api, method, path):
    body = {} if method == "POST" else None
    if path == "/v2.1/os-networks":
        # Nova checks the body before it answers 410.
        body = {"network": {"label": "net", "cidr": "10.0.0.0/24"}}
    response = sqlite_api.request(method, path, body)
    assert_error("compute", response, 410)
    assert response.json["computeFault"]["code"] == 410


@pytest.mark.parametrize("path", [
    "/v2.1/os-networks", "/v2.1/os-security-groups", "/v2.1/os-floating-ips",
    "/v2.1/os-volumes"])
def test_the_network_proxies_are_not_served(sqlite_api, path):
    # (os-networks is, up to 2.35: tests/functional/gabbits/compute/
    # networks-proxies.yaml)
    assert_error("compute", sqlite_api.request("GET", path), 404)


def test_a_huge_value_is_not_echoed_whole(sqlite_api):
    response = sqlite_api.request("POST", "/v2.1/flavors", {"flavor": {
        "name": "n" * 100000, "ram": 1, "vcpus": 1, "disk": 1}})
    assert_error("compute", response, 400)
    assert len(response.body) < 4096
    assert "more characters" in response.json["badRequest"]["message"]


@pytest.fixture
def server(api):
    created = api.create_server(name="target", image=api.first_image_id())
    server_id = created["server"]["id"]
    api.wait_for_status(server_id, "ACTIVE")
    return server_id


def test_a_tag_that_is_not_latin1_gets_an_encoded_location(api, server):
    response = api.request("PUT", "/v2.1/servers/%s/tags/%s"
                           % (server, "%E5%90%8D%E5%89%8D"))
    assert response.status_int == 201, response.text
    assert response.headers["Location"].endswith(
        "/servers/%s/tags/%%E5%%90%%8D%%E5%%89%%8D" % server)
    assert api.get("/servers/%s/tags" % server)["tags"] == ["\u540d\u524d"]


@pytest.mark.parametrize("migration_id", ["99999999999999999999",
                                          "2147483648", "-1", "x"])
def test_migration_ids_out_of_range_are_not_found(api, server, migration_id):
    base = "/v2.1/servers/%s/migrations/%s" % (server, migration_id)
    assert_error("compute", api.request("GET", base), 404)
    # as Nova: the server must be migrating before the id is looked at
    assert_error("compute", api.request("DELETE", base), 409)
    assert_error("compute", api.request(
        "POST", base + "/action", {"force_complete": None}), 409)


@pytest.mark.parametrize("path", [
    "/v2.1/os-aggregates/99999999999999999999",
    "/v2.1/os-hypervisors/99999999999999999999",
    "/v2.1/flavors/99999999999999999999",
    "/v2.1/os-server-groups/99999999999999999999",
    "/v2.1/servers/99999999999999999999",
    "/v2.1/os-instance-actions/99999999999999999999"])
def test_huge_integer_ids_are_client_errors(api, path):
    response = api.request("GET", path)
    assert 400 <= response.status_int < 500, response.text
    assert_error("compute", response, response.status_int)


def test_deleting_an_image_with_a_non_latin1_id_through_the_proxy(api):
    response = api.request("DELETE", "/v2.1/images/%E5%90%8D%E2%98%83",
                           version="2.35")
    assert_error("compute", response, 404)


def test_access_ips_are_stored_canonical(api):
    created = api.create_server(
        name="ips", image=api.first_image_id(),
        accessIPv4="10.0.0.1",
        accessIPv6="0000:0000:0000:0000:0000:babe:220.12.22.2")
    server_id = created["server"]["id"]
    shown = api.server(server_id)
    assert shown["accessIPv6"] == "::babe:dc0c:1602"
    api.put("/servers/%s" % server_id, {"server": {
        "accessIPv6": "2001:0db8:0000:0000:0000:0000:0000:0001"}})
    assert api.server(server_id)["accessIPv6"] == "2001:db8::1"
    assert api.server(server_id)["accessIPv4"] == "10.0.0.1"

