"""The OpenAPI documents: made from the tables, kept in docs/openapi/."""
import json
import pathlib

import pytest

from stratus.api.compute import routes as compute_routes
from stratus.api.identity import routes as identity_routes
from stratus.api.image import routes as image_routes
from stratus.api import openapi
from stratus.api.placement import routes as placement_routes

ROOT = pathlib.Path(__file__).resolve().parents[3]
ROUTES = {"compute": compute_routes.ROUTES,
          "placement": placement_routes.ROUTES,
          "identity": identity_routes.ROUTES,
          "image": image_routes.ROUTES}
VERSIONED = ("compute", "placement")


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
            if name in VERSIONED:
                assert operation["x-openstack-microversions"], path
            else:
                assert "x-openstack-microversions" not in operation, path


def test_the_documents_are_public_like_the_version_documents():
    assert "/openapi.json" in compute_routes.UNAUTHENTICATED
    assert "/openapi.json" in placement_routes.UNAUTHENTICATED
    assert ("/openapi.json", "GET") in identity_routes.PUBLIC
    assert "/openapi.json" in image_routes.PUBLIC
    for name in openapi.DOCUMENTS:
        assert openapi.DOCUMENTS[name]()["paths"]["/openapi.json"]["get"][
            "security"] == [], name


def test_only_the_token_request_of_identity_is_public():
    paths = openapi.identity_document()["paths"]
    assert paths["/v3/auth/tokens"]["post"]["security"] == []
    assert "security" not in paths["/v3/auth/tokens"]["get"]


def test_the_apis_without_microversions_give_their_version():
    assert openapi.identity_document()["info"]["version"] == "3.14"
    assert openapi.image_document()["info"]["version"] == "2.7"
    assert "x-openstack-microversion" not in \
        openapi.image_document()["info"]


def test_image_data_is_an_octet_stream_and_a_patch_a_json_patch():
    paths = openapi.image_document()["paths"]
    upload = paths["/v2/images/{image_id}/file"]["put"]
    assert list(upload["requestBody"]["content"]) == [
        "application/octet-stream"]
    download = paths["/v2/images/{image_id}/file"]["get"]
    assert list(download["responses"]["200"]["content"]) == [
        "application/octet-stream"]
    patch = paths["/v2/images/{image_id}"]["patch"]
    assert list(patch["requestBody"]["content"]) == [
        "application/openstack-images-v2.1-json-patch"]


def test_actions_list_their_request_bodies():
    operation = openapi.compute_document()["paths"][
        "/v2.1/servers/{server_id}/action"]["post"]
    assert "rebuild" in operation["x-openstack-actions"]
    assert operation["requestBody"]["content"]["application/json"][
        "schema"]["anyOf"]
