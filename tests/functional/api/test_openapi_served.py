"""GET /openapi.json: each API serves its OpenAPI document without a
token, like its version document (docs/openapi.md)."""
import json

import pytest
import webob

from stratus.api import openapi
from tests.functional.conftest import started_cloud


@pytest.fixture
def builtin_auth_cloud(conf, sqlite_cloud_urls, tmp_path):
    yield from started_cloud(conf, sqlite_cloud_urls, tmp_path,
                             auth="builtin")


@pytest.mark.parametrize("api", ["compute", "placement"])
def test_the_document_is_served_without_a_token(builtin_auth_cloud, api):
    response = webob.Request.blank("/openapi.json").get_response(
        builtin_auth_cloud.apps[api])
    assert response.status_int == 200, response.text
    assert response.content_type == "application/json"
    assert json.loads(response.body) == json.loads(
        json.dumps(openapi.DOCUMENTS[api]()))


def test_a_token_is_still_needed_elsewhere(builtin_auth_cloud):
    response = webob.Request.blank("/v2.1/flavors").get_response(
        builtin_auth_cloud.apps["compute"])
    assert response.status_int == 401
