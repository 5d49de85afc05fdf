"""schemathesis against the OpenAPI documents the Compute and Placement
APIs serve (GET /openapi.json), in-process on a cloud with built-in
identity: requests made from each operation's request schemas, answers
checked for server errors, their Content-Type and their response schema
(docs/decisions/0011-schemathesis.md, docs/openapi.md). The budget is
bounded (EXAMPLES per operation, no shrinking); the figures are printed.
Every other example of an operation other than DELETE has the real ids of
a seeded cloud in its path (a server, a flavor, an aggregate, a keypair,
a resource provider...), so that it reaches the handlers' bodies.
"""
import collections
import os
import urllib.parse

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import Phase
from hypothesis import given
from hypothesis import settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.functional.api_robustness.test_hostile_input import _token
from tests.functional.api_robustness.test_hostile_input import seed_cloud
from tests.functional.conftest import started_cloud

# STRATUS_FUZZ_SCALE=10 multiplies the budget for a deeper run by hand.
EXAMPLES = {api: count * int(os.environ.get("STRATUS_FUZZ_SCALE", "1"))
            for api, count in (("compute", 5), ("placement", 8))}
HEADERS = {"compute": "compute latest", "placement": "placement latest"}
CHECKS = [not_a_server_error, content_type_conformance,
          response_schema_conformance]


@pytest.fixture
def fuzzed_cloud(conf, sqlite_cloud_urls, tmp_path):
    yield from started_cloud(conf, sqlite_cloud_urls, tmp_path,
                             auth="builtin")


def fuzz(app, api, token, seeds):
    """(operations, {status: answers}, {operation: first failure})."""
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    headers = {"X-Auth-Token": token,
               "OpenStack-API-Version": HEADERS[api]}
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
            response = case.call(headers=headers)
            statuses[response.status_code] += 1
            try:
                case.validate_response(response, checks=CHECKS)
            # schemathesis' FailureGroup is a BaseExceptionGroup
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001
                failures.setdefault(operation.label, str(exc)[:1500])
        run()
    return operations, statuses, failures


@pytest.mark.slow
@pytest.mark.parametrize("api", ["compute", "placement"])
def test_schemathesis_finds_no_server_error_and_no_answer_off_schema(
        fuzzed_cloud, api, capsys):
    token = _token(fuzzed_cloud, "admin")
    seeds = {name: urllib.parse.unquote(value)
             for name, value in seed_cloud(fuzzed_cloud, token).items()}
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
