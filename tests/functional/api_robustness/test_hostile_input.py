"""Hostile input to every route and method of the six APIs (compute, network,
placement, identity, image, volume), from their route tables: malformed and
oversized bodies, bad UTF-8 and NUL in paths and queries, deep JSON, huge
integers, wrong content types. The answer is always a success or the
API's own error body, never a 5xx. The corpus is stratus/testing/hostile.py,
which tools/fuzz_api.py sends to a running cloud."""
import io
import json
import time

import pytest
import webob

from stratus.api.metadata import app as metadata_app
from stratus.network.store import topology
from stratus.testing import hostile
from tests.functional import cloud as cloud_harness
from tests.functional.conftest import started_cloud

SPECS = hostile.specs()
APIS = ["compute", "identity", "image", "network", "placement", "volume"]
# The external network every cloud's bootstrap makes.
PUBLIC = topology.PUBLIC_NETWORK_ID


def _token(cloud, user):
    identity = cloud.apps["identity"]
    req = webob.Request.blank("/v3/auth/tokens", method="POST")
    req.json = {"auth": {"identity": {"methods": ["password"], "password": {
        "user": {"name": user, "domain": {"id": "default"},
                 "password": user}}},
        "scope": {"project": {"name": user, "domain": {"id": "default"}}}}}
    response = req.get_response(identity)
    assert response.status_int == 201, response.text
    return response.headers["X-Subject-Token"]


def send(app, spec, probe, token):
    """The answer of the app in-process: (status, Content-Type, body,
    headers)."""
    headers = probe.request_headers(spec)
    if token:
        headers["X-Auth-Token"] = token
    req = webob.Request.blank(probe.path, method=probe.method,
                              headers=headers)
    if probe.body is not None:
        if probe.chunked:
            req.environ["wsgi.input"] = io.BytesIO(probe.body)
            req.environ.pop("CONTENT_LENGTH", None)
            req.environ["wsgi.input_terminated"] = True
            req.environ["HTTP_TRANSFER_ENCODING"] = "chunked"
        else:
            req.body = probe.body
        if probe.content_type is not None:
            req.environ["CONTENT_TYPE"] = probe.content_type
    response = req.get_response(app)
    return (response.status_int, response.content_type, response.body,
            response.headerlist)


def seed_call(cloud, api, token, method, path, document=None):
    """(status, JSON document or None) of a request that seeds the
    cloud."""
    probe = hostile.Probe(api, method, path, "seed",
                          body=None if document is None
                          else json.dumps(document).encode(),
                          content_type="application/json")
    status, _, body, _ = send(cloud.apps[api], SPECS[api], probe, token)
    return status, json.loads(body) if body else None


def seed_cloud(cloud, token):
    """A server, an aggregate and a keypair, so that routes under them
    are reached; the ids the corpus puts into paths."""
    compute = cloud_harness.StackClient(cloud.apps["compute"], token=token)
    compute.post("/os-aggregates", {"aggregate": {"name": "agg"}})
    compute.post("/os-keypairs", {"keypair": {"name": "key"}}, version="2.1")
    server = compute.create_server(name="target",
                                   image=compute.first_image_id())["server"]
    compute.wait_for_status(server["id"], "ACTIVE")
    seed_network(cloud, token)
    seed_volume(cloud, token)
    seed_metadefs(cloud, token)
    seed_identity(cloud, token)

    def get_json(api, path):
        probe = hostile.Probe(api, "GET", path, "seed")
        status, _, body, _ = send(cloud.apps[api], SPECS[api], probe, token)
        return json.loads(body) if status == 200 else None
    return hostile.discover_seeds(get_json)


def seed_network(cloud, token):
    """A network with a subnet and a port bound to a host, a router with
    its gateway on the bootstrap's external network and a floating IP
    there, so that their routes are reached with real ids."""
    def post(path, document):
        probe = hostile.Probe("network", "POST", path, "seed",
                              body=json.dumps(document).encode(),
                              content_type="application/json")
        status, _, body, _ = send(cloud.apps["network"], SPECS["network"],
                                  probe, token)
        assert status == 201, body
        return json.loads(body)
    network_id = post("/v2.0/networks", {"network": {"name": "seed"}})[
        "network"]["id"]
    post("/v2.0/subnets", {"subnet": {"network_id": network_id,
                                      "ip_version": 4,
                                      "cidr": "10.250.0.0/24"}})
    post("/v2.0/ports", {"port": {"network_id": network_id,
                                  "binding:host_id": "seed-host"}})
    post("/v2.0/routers", {"router": {"name": "seed", "external_gateway_info":
                                      {"network_id": PUBLIC}}})
    post("/v2.0/floatingips", {"floatingip": {"floating_network_id": PUBLIC}})


def seed_identity(cloud, token):
    """A group with the admin user as its member and a role on the admin
    project, so that the group routes are reached with real ids."""
    def call(method, path, document=None):
        return seed_call(cloud, "identity", token, method, path, document)
    status, body = call("POST", "/v3/groups", {"group": {"name": "seed"}})
    assert status == 201, body
    group_id = body["group"]["id"]
    _, body = call("GET", "/v3/users?name=admin")
    user_id = body["users"][0]["id"]
    _, body = call("GET", "/v3/projects?name=admin")
    project_id = body["projects"][0]["id"]
    _, body = call("GET", "/v3/roles?name=reader")
    role_id = body["roles"][0]["id"]
    assert call("PUT", "/v3/groups/%s/users/%s" % (group_id, user_id))[
        0] == 204
    assert call("PUT", "/v3/projects/%s/groups/%s/roles/%s" % (
        project_id, group_id, role_id))[0] == 204


def seed_metadefs(cloud, token):
    """A metadata definitions namespace with a property, an object, a
    tag and a resource type association."""
    probe = hostile.Probe("image", "POST", "/v2/metadefs/namespaces", "seed",
                          body=json.dumps({
                              "namespace": "Seed::NS", "visibility": "public",
                              "resource_type_associations": [
                                  {"name": "OS::Nova::Flavor"}],
                              "properties": {"p": {"title": "P",
                                                   "type": "string"}},
                              "objects": [{"name": "o"}],
                              "tags": [{"name": "t"}]}).encode(),
                          content_type="application/json")
    status, _, body, _ = send(cloud.apps["image"], SPECS["image"], probe,
                              token)
    assert status == 201, body


def seed_volume(cloud, token):
    """A volume, available, with a snapshot and an attachment, so that
    the block storage routes are reached with real ids."""
    def call(method, path, document=None):
        return seed_call(cloud, "volume", token, method, path, document)
    status, body = call("POST", "/v3/volumes", {"volume": {"size": 1}})
    assert status == 202, body
    volume_id = body["volume"]["id"]
    for _ in range(3000):
        status, body = call("GET", "/v3/volumes/" + volume_id)
        if body["volume"]["status"] != "creating":
            break
        time.sleep(0.01)
    assert body["volume"]["status"] == "available", body
    status, body = call("POST", "/v3/snapshots",
                        {"snapshot": {"volume_id": volume_id}})
    assert status == 202, body
    status, body = call("POST", "/v3/attachments", {"attachment": {
        "volume_uuid": volume_id,
        "instance_uuid": "0b7f3c51-9d5b-4b8e-8a68-6b1c3a9f0d21"}})
    assert status == 200, body


def run_corpus(cloud, api, thorough, tokens, seed_token=None):
    spec = SPECS[api]
    failures = []
    count = 0
    seeds = seed_cloud(cloud, seed_token or tokens[0])
    assert "server_id" in seeds and "image_id" in seeds, seeds
    assert "router_id" in seeds and "floatingip_id" in seeds, seeds
    assert "group_id" in seeds, seeds
    for token in tokens:
        for probe in hostile.probes(spec, thorough=thorough, seeds=seeds):
            status, content_type, body, headers = send(
                cloud.apps[api], spec, probe, token)
            count += 1
            for problem in hostile.problems(spec, probe, status,
                                            content_type, body, headers):
                failures.append("%s: %s" % (probe.describe(), problem))
    assert count > 0
    assert not failures, "%d of %d answers wrong:\n%s" % (
        len(failures), count, "\n".join(failures[:40]))


@pytest.fixture
def builtin_cloud(conf, cloud_urls, tmp_path):
    yield from started_cloud(conf, cloud_urls, tmp_path, auth="builtin")


@pytest.fixture
def sqlite_builtin_cloud(conf, sqlite_cloud_urls, tmp_path):
    yield from started_cloud(conf, sqlite_cloud_urls, tmp_path,
                             auth="builtin")


@pytest.mark.parametrize("api", APIS)
def test_a_sample_of_the_corpus_on_every_route(builtin_cloud, api):
    """Each route and declared method with the quick sample, on every
    database (integer overflows differ by backend)."""
    run_corpus(builtin_cloud, api, thorough=False,
               tokens=[_token(builtin_cloud, "admin")])


@pytest.mark.slow
@pytest.mark.parametrize("who", ["admin", "demo", "anonymous"])
@pytest.mark.parametrize("api", APIS)
def test_the_whole_corpus_on_every_route(sqlite_builtin_cloud, api, who):
    """Every method on every route with the whole corpus, as an admin, a
    member and without a token (on SQLite: the corpus is the subject).
    One test per caller: the compute corpus alone takes minutes, and
    three shorter tests spread over the workers."""
    token = None if who == "anonymous" else _token(sqlite_builtin_cloud, who)
    run_corpus(sqlite_builtin_cloud, api, thorough=True, tokens=[token],
               seed_token=_token(sqlite_builtin_cloud, "admin"))


def test_the_metadata_service_answers_hostile_input_in_text(sqlite_cloud,
                                                            conf):
    """Guests ask it without credentials; its errors are plain text."""
    app = metadata_app.make_app(conf, sqlite_cloud.databases)
    spec = SPECS["metadata"]
    failures = []
    for probe in hostile.probes(spec, thorough=True):
        status, content_type, body, headers = send(app, spec, probe, None)
        failures += ["%s: %s" % (probe.describe(), problem)
                     for problem in hostile.problems(
                         spec, probe, status, content_type, body, headers)]
    assert not failures, "\n".join(failures[:40])


def test_bad_compute_microversions_are_rejected_with_error_bodies(api):
    spec = SPECS["compute"]
    for version, status in (("3.0", 406), ("2.1000", 406), ("2", 400),
                            ("compute", 400), ("2.x", 400)):
        response = api.request("GET", "/v2.1/flavors", version=version)
        assert response.status_int == status, (version, response.text)
        probe = hostile.Probe("compute", "GET", "/v2.1/flavors", version)
        assert not hostile.problems(spec, probe, response.status_int,
                                    response.content_type, response.body)


def test_bad_placement_microversions(builtin_cloud):
    spec = SPECS["placement"]
    for version, status in (("1.40", 406), ("2.0", 406), ("1", 400),
                            ("placement", 400), ("1.x", 400)):
        req = webob.Request.blank("/traits", headers={
            "OpenStack-API-Version": "placement " + version,
            "X-Auth-Token": _token(builtin_cloud, "admin")})
        response = req.get_response(builtin_cloud.apps["placement"])
        assert response.status_int == status, (version, response.text)
        probe = hostile.Probe("placement", "GET", "/traits", version)
        assert not hostile.problems(spec, probe, response.status_int,
                                    response.content_type, response.body)


def test_missing_token_is_401(api):
    response = api.request("GET", "/v2.1/servers", token="")
    assert response.status_int == 401
    assert response.json["unauthorized"]["code"] == 401
