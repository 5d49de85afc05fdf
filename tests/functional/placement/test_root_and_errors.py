"""GET /, microversion negotiation, and the shape of every error."""
from stratus.placement import errors as codes
from tests.functional.placement.conftest import error_of


def test_version_document_needs_no_token(placement_sqlite):
    response = placement_sqlite.request("GET", "/", token="")
    assert response.status_int == 200
    (version,) = response.json["versions"]
    assert version["id"] == "v1.0"
    assert (version["min_version"], version["max_version"]) == ("1.0", "1.39")
    assert version["status"] == "CURRENT"
    assert response.headers["OpenStack-API-Version"] == "placement 1.39"
    assert "OpenStack-API-Version" in response.headers["Vary"]


def test_version_is_echoed_and_defaults_to_1_0(placement_sqlite):
    response = placement_sqlite.request("GET", "/resource_providers",
                                        version="")
    assert response.headers["OpenStack-API-Version"] == "placement 1.0"
    response = placement_sqlite.request("GET", "/resource_providers",
                                        version="latest")
    assert response.headers["OpenStack-API-Version"] == "placement 1.39"


def test_unsupported_and_malformed_versions(placement_sqlite):
    error_of(placement_sqlite.request("GET", "/traits", version="1.40"), 406)
    error_of(placement_sqlite.request("GET", "/traits", version="2.0"), 406)
    error_of(placement_sqlite.request("GET", "/traits", version="1.x"), 400)


def test_unknown_url_is_404_and_wrong_method_405_with_json(placement_sqlite):
    error = error_of(placement_sqlite.request("GET", "/nothing-here"), 404,
                     codes.DEFAULT)
    assert "could not be found" in error["detail"]
    response = placement_sqlite.request("PATCH", "/resource_providers")
    error_of(response, 405)
    assert response.headers["Allow"] == "GET, POST"


def test_error_code_appears_at_1_23_not_before(placement_sqlite):
    missing = "/resource_providers/%s" % ("0" * 8 + "-0000-0000-0000-" + "0" * 12)
    (error,) = placement_sqlite.request("GET", missing,
                                        version="1.22").json["errors"]
    assert "code" not in error
    error_of(placement_sqlite.request("GET", missing, version="1.23"), 404,
             codes.DEFAULT)


def test_authentication_and_admin_only_policy(placement_sqlite):
    error_of(placement_sqlite.request("GET", "/resource_providers",
                                      token=""), 401)
    error_of(placement_sqlite.request("GET", "/resource_providers",
                                      token="demo:demo"), 403)
    assert placement_sqlite.request(
        "GET", "/resource_providers",
        headers={"X-Roles": "service"}, token="nova:service").status_int == 200


def test_bodies_must_be_json(placement_sqlite):
    response = placement_sqlite.request(
        "POST", "/resource_providers", b"name=x",
        headers={"Content-Type": "text/plain"})
    error_of(response, 415)
    error_of(placement_sqlite.request("POST", "/resource_providers", b"{"),
             400)


def test_cache_headers_from_1_15(placement_sqlite):
    before = placement_sqlite.request("GET", "/resource_providers",
                                      version="1.14")
    assert "Last-Modified" not in before.headers
    after = placement_sqlite.request("GET", "/resource_providers",
                                     version="1.15")
    assert after.headers["Cache-Control"] == "no-cache"
    assert after.headers["Last-Modified"].endswith("GMT")
