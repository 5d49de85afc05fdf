"""The OpenAPI documents: made from the tables, kept in docs/openapi/."""
import json
import pathlib

import pytest

from stratus.api.compute import routes as compute_routes
from stratus.api import openapi
from stratus.api.placement import routes as placement_routes

ROOT = pathlib.Path(__file__).resolve().parents[3]
ROUTES = {"compute": compute_routes.ROUTES,
          "placement": placement_routes.ROUTES}


@pytest.mark.parametrize("name", sorted(openapi.DOCUMENTS))
def test_the_documents_in_docs_are_up_to_date(name):
    """Regenerate with tools/openapi.py."""
    written = json.loads((ROOT / "docs" / "openapi" /
                          ("%s.json" % name)).read_text())
    assert written == json.loads(json.dumps(openapi.DOCUMENTS[name]())), (
        "docs/openapi/%s.json is out of date: run tools/openapi.py" % name)


@pytest.mark.parametrize("name", sorted(openapi.DOCUMENTS))
def test_every_route_and_method_is_described(name):
    document = openapi.DOCUMENTS[name]()
    assert document["openapi"].startswith("3.1.")
    described = {(method.upper(), path)
                 for path, item in document["paths"].items()
                 for method in item}
    assert described == {(method, path)
                         for path, methods in ROUTES[name].items()
                         for method in methods}
    for path, item in document["paths"].items():
        for operation in item.values():
            assert operation["responses"], path
            assert operation["x-openstack-microversions"], path


def test_the_documents_are_public_like_the_version_documents():
    assert "/openapi.json" in compute_routes.UNAUTHENTICATED
    assert "/openapi.json" in placement_routes.UNAUTHENTICATED
    assert openapi.compute_document()["paths"]["/openapi.json"]["get"][
        "security"] == []


def test_actions_list_their_request_bodies():
    operation = openapi.compute_document()["paths"][
        "/v2.1/servers/{server_id}/action"]["post"]
    assert "rebuild" in operation["x-openstack-actions"]
    assert operation["requestBody"]["content"]["application/json"][
        "schema"]["anyOf"]
