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


@pytest.mark.parametrize("api", ["compute", "placement", "identity",
                                 "image"])
def test_the_document_is_served_without_a_token(builtin_auth_cloud, api):
    response = webob.Request.blank("/openapi.json").get_response(
        builtin_auth_cloud.apps[api])
    assert response.status_int == 200, response.text
    assert response.content_type == "application/json"
    assert json.loads(response.body) == json.loads(
        json.dumps(openapi.DOCUMENTS[api]()))


@pytest.mark.parametrize("api, path", [("compute", "/v2.1/flavors"),
                                       ("identity", "/v3/users"),
                                       ("image", "/v2/images")])
def test_a_token_is_still_needed_elsewhere(builtin_auth_cloud, api, path):
    response = webob.Request.blank(path).get_response(
        builtin_auth_cloud.apps[api])
    assert response.status_int == 401
