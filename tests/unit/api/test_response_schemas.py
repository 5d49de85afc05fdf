"""The response tables (stratus/api/schemas/responses/,
placement_responses/): every route has its schemas, they are valid JSON
Schema, and the known drifts name real entries."""
import pytest
from jsonschema import Draft202012Validator

from stratus.api.compute import routes as compute_routes
from stratus.api.identity import routes as identity_routes
from stratus.api.image import routes as image_routes
from stratus.api.placement import routes as placement_routes
from stratus.api import response_schemas

ROUTES = {response_schemas.COMPUTE: compute_routes.ROUTES,
          response_schemas.PLACEMENT: placement_routes.ROUTES,
          response_schemas.IDENTITY: identity_routes.ROUTES,
          response_schemas.IMAGE: image_routes.ROUTES}


@pytest.mark.parametrize("api", sorted(ROUTES))
def test_every_route_and_method_has_response_schemas(api):
    table = response_schemas.table(api)
    missing = [(method, path) for path, methods in ROUTES[api].items()
               for method in methods if (method, path) not in table.responses]
    assert not missing, "no RESPONSES entry for %s" % missing


@pytest.mark.parametrize("api", sorted(ROUTES))
def test_every_entry_names_a_route_of_the_table(api):
    table = response_schemas.table(api)
    unknown = [key for key in table.responses
               if key[0] not in ROUTES[api].get(key[1], {})]
    assert not unknown


@pytest.mark.parametrize("api", sorted(ROUTES))
def test_schemas_are_valid_and_ranges_well_formed(api):
    table = response_schemas.table(api)
    for key, entries in table.responses.items():
        assert entries, key
        # Successes, or (a route Nova answers only with errors) errors.
        errors_only = all(status >= 400 for _, _, status, _ in entries)
        for low, high, status, schema in entries:
            if api in response_schemas.UNVERSIONED:
                assert (low, high) == (None, None), key
            else:
                lowest = response_schemas.parse_version(low)
                assert high is None or \
                    response_schemas.parse_version(high) >= lowest, key
            assert 100 <= status < 400 or errors_only, key
            assert status < 600, key
            if schema is not None:
                Draft202012Validator.check_schema(schema)
    Draft202012Validator.check_schema(table.error_schema)


@pytest.mark.parametrize("api", sorted(ROUTES))
def test_known_drift_names_real_entries(api):
    table = response_schemas.table(api)
    for entry in table.drift:
        assert entry[:-2] in table.responses, entry


def test_a_body_that_breaks_its_schema_is_reported():
    found = response_schemas.problems(
        "compute", "GET", "/v2.1/servers/{server_id}", (2, 100), 200,
        b'{"server": {"id": "x"}}')
    assert found and "required property" in found[0]


def test_a_success_of_a_route_nova_answers_only_with_errors_is_reported():
    found = response_schemas.problems(
        "compute", "POST", "/v2.1/os-baremetal-nodes", (2, 1), 200, b"{}")
    assert found == ["POST /v2.1/os-baremetal-nodes 200 at 2.1: no "
                     "response schema for this status"]


def test_a_success_without_a_schema_is_reported():
    found = response_schemas.problems(
        "compute", "GET", "/v2.1/flavors", (2, 1), 201, b"{}")
    assert found == ["GET /v2.1/flavors 201 at 2.1: no response schema "
                     "for this status"]


@pytest.mark.parametrize("api, body", [
    ("compute", b'{"itemNotFound": {"code": 404, "message": "gone"}}'),
    ("placement", b'{"errors": [{"status": 404, "title": "Not Found", '
                  b'"detail": "gone", "request_id": "req-1", '
                  b'"code": "placement.undefined_code"}]}'),
    ("identity", b'{"error": {"code": 404, "title": "Not Found", '
                 b'"message": "gone"}}'),
    ("image", b'{"message": "gone", "code": "404 Not Found", '
              b'"title": "Not Found"}'),
])
def test_error_bodies_have_their_api_shape(api, body):
    version = None if api in response_schemas.UNVERSIONED else (1, 30)
    assert response_schemas.problems(api, "GET", None, version, 404,
                                     body) == []
    assert response_schemas.problems(api, "GET", None, version, 404,
                                     b'{"error": "gone"}')


def test_glance_errors_may_be_html_or_text_but_not_successes():
    assert response_schemas.problems(
        "image", "GET", "/v2/images/{image_id}", None, 404,
        b"<html>gone</html>", content_type="text/html") == []
    assert response_schemas.problems(
        "image", "GET", "/v2/images/{image_id}", None, 200,
        b"<html>gone</html>", content_type="text/html")


def test_image_data_is_checked_by_its_media_type():
    template = "/v2/images/{image_id}/file"
    assert response_schemas.problems(
        "image", "GET", template, None, 200, b"\x00\x01",
        content_type="application/octet-stream") == []
    assert response_schemas.problems(
        "image", "GET", template, None, 200, b"{}",
        content_type="application/json") == [
        "GET %s 200: a application/json body, not "
        "application/octet-stream" % template]


def test_the_suite_checks_the_answers_of_every_api():
    """tests/conftest.py installs the check on each app's finish hook."""
    from stratus.api.compute import app as compute_app
    from stratus.api.identity import app as identity_app
    from stratus.api.image import app as image_app
    from stratus.api.placement import app as placement_app
    for cls in (compute_app.ComputeApp, placement_app.PlacementApp,
                identity_app.IdentityApp, image_app.ImageApp):
        assert hasattr(cls.finish, "__wrapped__"), cls
