"""Nova serves /v2.1/{project_id}/... as well as /v2.1/... (optional since
2.18); older service catalogs and clients still put the project id in.
The segment is a project id only where ``[api] project_id_regex`` (Nova's
default: hexadecimal and dashes) matches it."""
import pytest

from stratus.api.compute import app as compute_app
from tests import dbs
from tests.functional import cloud as cloud_harness

# SQLite only: the subject is how URLs are routed, which no database
# takes part in (the same API on every database: tests/functional/api).
pytestmark = dbs.SQLITE_ONLY

PROJECT = "0a1b2c3d-4e5f"


def test_urls_with_the_project_id_reach_the_same_resources(api):
    demo = api.as_user("demo:" + PROJECT)
    plain = demo.request("GET", "/v2.1/flavors/1")
    prefixed = demo.request("GET", "/v2.1/%s/flavors/1" % PROJECT)
    assert plain.status_int == prefixed.status_int == 200
    assert prefixed.json == plain.json
    assert demo.request(
        "GET", "/v2.1/%s/servers/detail" % PROJECT).json == {"servers": []}
    version = demo.request("GET", "/v2.1/" + PROJECT)
    assert version.status_int == 200 and version.json["version"]["id"] == "v2.1"


def test_another_projects_id_in_the_url_is_refused(api):
    demo = api.as_user("demo:" + PROJECT)
    response = demo.request("GET", "/v2.1/ffff0000/servers")
    assert response.status_int == 400
    assert ("doesn't match Context's project_id '%s'" % PROJECT) in (
        response.json["badRequest"]["message"])


def test_unknown_urls_stay_not_found(api):
    response = api.request("GET", "/v2.1/abcdef/no-such-thing")
    assert response.status_int == 404
    assert response.json["itemNotFound"]["code"] == 404


@pytest.mark.parametrize("path", [
    "/v2.1/os-networks", "/v2.1/os-security-groups", "/v2.1/os-floating-ips",
    "/v2.1/os-volumes", "/v2.1/anything", "/v2.1/demo/flavors/1",
    "/v2.1/os-tenant-networks"])
def test_a_segment_that_is_no_project_id_is_a_path_of_its_own(api, path):
    """Not the version document with 200 (clients then fail on a missing
    key): Nova's 404 with its error body."""
    response = api.request("GET", path)
    assert response.status_int == 404, response.text
    assert response.json["itemNotFound"]["code"] == 404


def test_the_project_id_pattern_is_configurable(cloud, conf):
    conf.set_override("project_id_regex", "[a-z]+", group="api")
    running = cloud.apps["compute"]
    app = compute_app.ComputeApp(conf, running.databases, running.messaging,
                                 image_api=running.image_api)
    demo = cloud_harness.StackClient(app, token="demo:demo")
    assert demo.request("GET", "/v2.1/demo/flavors/1").status_int == 200
    assert demo.request("GET", "/v2.1/f00d/flavors/1").status_int == 404
