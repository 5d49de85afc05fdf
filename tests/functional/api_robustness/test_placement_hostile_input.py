"""Malformed and hostile input to every route of the Placement API: the
answer is always Placement's error body (or a success), never a 500."""
import json

import pytest

from stratus.api.placement import routes
from tests.functional.api_robustness.test_hostile_input import expand_paths
from tests.functional.placement.conftest import PlacementClient

PATH_VALUES = [
    "00000000-0000-0000-0000-000000000000",
    "does-not-exist",
    "VCPU",
    "CUSTOM_X",
    "%00",
    "..%2F..%2Fetc%2Fpasswd",
    "x" * 300,
    "%E2%98%83",
    "' OR 1=1 --",
]

BODIES = [
    b"", b"{", b"not json", b"null", b"[]", b"\"string\"", b"12",
    b"\xff\xfe\x00", b"NaN", b"{\"total\": Infinity}",
    json.dumps({"name": None}).encode(),
    json.dumps({"name": "\u0000"}).encode(),
    json.dumps({"name": "n", "uuid": "' OR 1=1"}).encode(),
    json.dumps({"resource_provider_generation": -1,
                "inventories": {"VCPU": {"total": 2 ** 70}}}).encode(),
    json.dumps({"resource_provider_generation": "0",
                "inventories": {"VCPU": {"total": 1, "allocation_ratio":
                                         "x"}}}).encode(),
    json.dumps({"allocations": {"x": {"resources": {"VCPU": 1}}},
                "project_id": "p", "user_id": "u",
                "consumer_generation": None}).encode(),
    json.dumps({"allocations": [{"resource_provider": {"uuid": 5},
                                 "resources": []}]}).encode(),
    json.dumps({"traits": ["a" * 1000], "resource_provider_generation": 0}
               ).encode(),
    json.dumps({"aggregates": [None], "resource_provider_generation": 0}
               ).encode(),
    json.dumps({"00000000-0000-0000-0000-000000000000": {
        "allocations": {}, "project_id": "p", "user_id": "u",
        "consumer_generation": 7, "consumer_type": "x"}}).encode(),
    json.dumps({"inventories": {"x": 1}, "allocations": []}).encode(),
    json.dumps({"a" * 1000: {"b": [1, {"c": None}] * 50}}).encode(),
]

QUERIES = [
    "", "?resources=VCPU:99999999999999999999", "?resources=:,:",
    "?required=!", "?required=in:", "?member_of=in:", "?member_of=!in:x",
    "?in_tree=%00", "?limit=-1", "?resources=VCPU:1&limit=abc",
    "?resources1=VCPU:1&resources2=VCPU:1&group_policy=x",
    "?resources=VCPU:1&same_subtree=,", "?resources=VCPU:1&root_required=in:A",
    "?name=in:", "?name=startswith:%25", "?associated=maybe",
    "?project_id=%00&user_id=x", "?uuid=x&uuid=y", "?resources_%E2%98%83=VCPU:1",
    "?resources=VCPU:%C2%B2", "?resources=VCPU:1&limit=%C2%B2",
    "?resources=VCPU:%D9%A3",
]

VERSIONS = ["1.0", "1.12", "1.28", "latest"]


def _paths():
    return expand_paths(routes.ROUTES, PATH_VALUES)


def assert_proper(response, context):
    assert response.status_int < 500, (context, response.status,
                                       response.text[:500])
    assert "Traceback" not in response.text, context
    if response.status_int >= 400:
        (error,) = response.json["errors"]
        assert error["status"] == response.status_int, context
        assert isinstance(error["detail"], str) and error["detail"]


@pytest.fixture
def client(conf, sqlite_databases):
    from stratus.api.placement import app as placement_app
    return PlacementClient(placement_app.make_app(conf, sqlite_databases))


@pytest.mark.slow
@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("token", ["admin:admin", "demo:demo"])
def test_every_placement_route_rejects_hostile_input_cleanly(client, token,
                                                             version):
    for path in _paths():
        for method in ("GET", "POST", "PUT", "DELETE", "PATCH"):
            bodies = BODIES if method in ("POST", "PUT") else [None]
            for body in bodies:
                response = client.request(method, path, body=body,
                                          version=version, token=token)
                assert_proper(response, (method, path, body))
        for query in QUERIES:
            response = client.request("GET", path + query, version=version,
                                      token=token)
            assert_proper(response, ("GET", path + query))


def test_bad_placement_microversions(client):
    for version, status in (("1.40", 406), ("2.0", 406), ("1", 400),
                            ("placement", 400), ("1.x", 400)):
        response = client.request("GET", "/traits", version=version)
        assert response.status_int == status, (version, response.text)
        assert_proper(response, version)
