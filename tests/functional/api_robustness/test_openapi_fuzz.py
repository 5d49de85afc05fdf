"""schemathesis against the OpenAPI documents the Compute, Placement,
Identity and Image APIs serve (GET /openapi.json), in-process on a cloud
with built-in identity: requests made from each operation's request schemas, answers
checked for server errors, their Content-Type and their response schema
(docs/decisions/0011-schemathesis.md, docs/openapi.md). The budget is
bounded (EXAMPLES per operation, no shrinking); the figures are printed.
Every other example of an operation other than DELETE has the real ids of
a seeded cloud in its path (a server, a flavor, an aggregate, a keypair,
a resource provider, an image...), so that it reaches the handlers'
bodies; the Identity API's are those of a user, a project and roles made
for the run, so that the admin the fuzzer speaks as stays whole.
"""
import collections
import os
import urllib.parse

import pytest
import schemathesis
import webob
from hypothesis import HealthCheck
from hypothesis import Phase
from hypothesis import given
from hypothesis import settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance
from schemathesis.specs.openapi.checks import response_schema_conformance

from stratus.api.schemas import image as image_schema

from tests.functional.api_robustness.test_hostile_input import _token
from tests.functional.api_robustness.test_hostile_input import seed_cloud
from tests.functional.conftest import started_cloud

# STRATUS_FUZZ_SCALE=10 multiplies the budget for a deeper run by hand.
EXAMPLES = {api: count * int(os.environ.get("STRATUS_FUZZ_SCALE", "1"))
            for api, count in (("compute", 5), ("placement", 8),
                               ("identity", 5), ("image", 10))}
HEADERS = {"compute": {"OpenStack-API-Version": "compute latest"},
           "placement": {"OpenStack-API-Version": "placement latest"},
           "identity": {}, "image": {}}
# Glance's JSON patch is JSON under a media type of its own.
schemathesis.serializer.alias(image_schema.PATCH_MEDIA_TYPE,
                              "application/json")
CHECKS = [not_a_server_error, content_type_conformance,
          response_schema_conformance]


@pytest.fixture
def fuzzed_cloud(conf, sqlite_cloud_urls, tmp_path):
    yield from started_cloud(conf, sqlite_cloud_urls, tmp_path,
                             auth="builtin")


def fuzz(app, api, token, seeds):
    """(operations, {status: answers}, {operation: first failure})."""
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    headers = dict(HEADERS[api], **{"X-Auth-Token": token})
    failures, statuses, operations = {}, collections.Counter(), 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(max_examples=EXAMPLES[api], deadline=None, database=None,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case):
            if case.method != "DELETE" and sum(statuses.values()) % 2:
                for name in list(case.path_parameters or {}):
                    if name in seeds:
                        case.path_parameters[name] = seeds[name]
                for name in list(case.headers or {}):
                    if name in seeds:
                        case.headers[name] = seeds[name]
            response = case.call(headers=headers)
            statuses[response.status_code] += 1
            try:
                case.validate_response(response, checks=CHECKS)
            # schemathesis' FailureGroup is a BaseExceptionGroup
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001
                failures.setdefault(operation.label, str(exc)[:1500])
        run()
    return operations, statuses, failures


def identity_seeds(cloud, token):
    """A user, a project, two roles and a group made to be fuzzed, and a
    token."""
    def create(collection, key, body):
        req = webob.Request.blank("/v3/" + collection, method="POST",
                                  headers={"X-Auth-Token": token})
        req.json = {key: body}
        response = req.get_response(cloud.apps["identity"])
        assert response.status_int == 201, response.text
        return response.json[key]["id"]
    project_id = create("projects", "project", {"name": "fuzzed"})
    user_id = create("users", "user", {
        "name": "fuzzed", "password": "fuzzed",
        "default_project_id": project_id})
    role_id = create("roles", "role", {"name": "fuzzed"})
    return {"project_id": project_id, "user_id": user_id,
            "role_id": role_id, "prior_role_id": role_id,
            "implied_role_id": create("roles", "role",
                                      {"name": "fuzzed-implied"}),
            "group_id": create("groups", "group", {"name": "fuzzed"}),
            # A token to validate (X-Subject-Token)
            "X-Subject-Token": _token(cloud, "admin")}


@pytest.mark.slow
@pytest.mark.parametrize("api", ["compute", "placement", "identity",
                                 "image"])
def test_schemathesis_finds_no_server_error_and_no_answer_off_schema(
        fuzzed_cloud, api, capsys):
    token = _token(fuzzed_cloud, "admin")
    seeds = {name: urllib.parse.unquote(value)
             for name, value in seed_cloud(fuzzed_cloud, token).items()}
    seeds.update(identity_seeds(fuzzed_cloud, token))
    operations, statuses, failures = fuzz(fuzzed_cloud.apps[api], api,
                                          token, seeds)
    with capsys.disabled():
        print("\nschemathesis %s: %d operations, %d examples (%s), %d "
              "failing operations" % (
                  api, operations, sum(statuses.values()),
                  " ".join("%s:%d" % item for item in sorted(
                      statuses.items())), len(failures)))
    assert operations > 10
    assert not failures, "\n\n".join(
        "%s: %s" % item for item in sorted(failures.items()))
