"""Malformed and hostile input to every route of the Compute API: the
answer is always a proper OpenStack error body (or a success), never a 500
and never a traceback."""
import json
import re

import pytest

from stratus.api.compute import routes
from stratus.api import errors

PATH_VALUES = [
    "00000000-0000-0000-0000-000000000000",
    "does-not-exist",
    "%00",
    "..%2F..%2Fetc%2Fpasswd",
    "x" * 300,
    "%E2%98%83",
    "' OR 1=1 --",
    "-1",
]

BODIES = [
    b"",
    b"{",
    b"not json",
    b"null",
    b"[]",
    b"\"string\"",
    b"12",
    b"\xff\xfe\x00",
    json.dumps({"server": None}).encode(),
    json.dumps({"flavor": {"name": 1, "ram": "x"}}).encode(),
    json.dumps({"a" * 1000: {"b": [1, {"c": None}] * 50}}).encode(),
    json.dumps({"server": {"name": "\u0000" * 10, "flavorRef": {"x": 1},
                           "imageRef": ["a"], "min_count": -5}}).encode(),
    json.dumps({"metadata": {"k" * 300: "v" * 300}}).encode(),
    json.dumps({"lock": {"locked_reason": 5}}).encode(),
    json.dumps({"keypair": {"name": "../../x", "public_key": "garbage"}}).encode(),
]

QUERIES = ["", "?limit=-1", "?limit=abc", "?marker=nope", "?sort_key=__class__",
           "?changes-since=yesterday", "?all_tenants=maybe&project_id=%00",
           "?name=[invalid(regex"]

_PARAM = re.compile(r"\{(\w+)\}")


def expand_paths(templates, values):
    """Each template as is, or with every value in its parameters."""
    for template in sorted(templates):
        if "{" not in template:
            yield template
            continue
        for value in values:
            yield _PARAM.sub(value, template)


def _paths():
    return expand_paths(routes.ROUTES, PATH_VALUES)


def assert_proper(response, context):
    assert response.status_int < 500, (context, response.status, response.text[:500])
    assert "Traceback" not in response.text, context
    if response.status_int >= 400:
        body = response.json
        (name, fault), = body.items()
        assert name in set(errors.FAULT_NAMES.values()) | {"computeFault"}, body
        assert fault["code"] == response.status_int
        assert isinstance(fault["message"], str) and fault["message"]


@pytest.mark.slow
@pytest.mark.parametrize("token", ["admin:admin", "demo:demo"])
def test_every_route_rejects_hostile_input_cleanly(api, token):
    client = api.as_user(token)
    for path in _paths():
        for method in ("GET", "POST", "PUT", "DELETE", "PATCH"):
            bodies = BODIES if method in ("POST", "PUT") else [None]
            for body in bodies:
                response = client.request(method, path, body=body)
                assert_proper(response, (method, path, body))
        for query in QUERIES:
            response = client.request("GET", path + query)
            assert_proper(response, ("GET", path + query))


def test_bad_microversions_are_rejected_with_error_bodies(api):
    for version, status in (("3.0", 406), ("2.1000", 406), ("2", 400),
                            ("compute", 400), ("2.x", 400)):
        response = api.request("GET", "/v2.1/flavors", version=version)
        assert response.status_int == status, (version, response.text)
        assert_proper(response, version)


def test_missing_token_is_401(api):
    response = api.request("GET", "/v2.1/servers", token="")
    assert response.status_int == 401
    assert_proper(response, "no token")
