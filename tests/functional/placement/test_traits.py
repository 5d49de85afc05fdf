"""/traits and /resource_providers/{uuid}/traits (1.6)."""
import uuid

import os_traits

from stratus.placement import errors as codes
from tests.functional.placement.conftest import error_of


def test_not_there_before_1_6(placement):
    error_of(placement.request("GET", "/traits", version="1.5"), 404)


def test_standard_traits_are_there(placement):
    names = placement.get("/traits")["traits"]
    assert set(os_traits.get_traits()) <= set(names)
    assert placement.request("GET", "/traits/HW_CPU_X86_AVX2"
                             ).status_int == 204
    error_of(placement.request("GET", "/traits/CUSTOM_NOPE"), 404)


def test_custom_traits(placement):
    response = placement.request("PUT", "/traits/CUSTOM_FAST")
    assert response.status_int == 201
    assert response.headers["Location"].endswith("/traits/CUSTOM_FAST")
    assert placement.request("PUT", "/traits/CUSTOM_FAST").status_int == 204
    error_of(placement.request("PUT", "/traits/FAST"), 400)
    assert placement.get("/traits?name=startswith:CUSTOM_") == {
        "traits": ["CUSTOM_FAST"]}
    assert placement.get("/traits?name=in:CUSTOM_FAST,HW_CPU_X86_SSE") == {
        "traits": ["CUSTOM_FAST", "HW_CPU_X86_SSE"]}
    error_of(placement.request("GET", "/traits?name=CUSTOM_FAST"), 400)
    error_of(placement.request("DELETE", "/traits/HW_CPU_X86_SSE"), 400)
    assert placement.request("DELETE", "/traits/CUSTOM_FAST").status_int == 204
    error_of(placement.request("DELETE", "/traits/CUSTOM_FAST"), 404)


def test_provider_traits(placement):
    rp = placement.provider("cn1")
    path = "/resource_providers/%s/traits" % rp
    assert placement.get(path) == {"traits": [],
                                   "resource_provider_generation": 0}
    placement.ok("PUT", "/traits/CUSTOM_FAST", status=201)
    body = placement.ok("PUT", path, {
        "traits": ["CUSTOM_FAST", "HW_CPU_X86_SSE"],
        "resource_provider_generation": 0})
    assert body == {"traits": ["CUSTOM_FAST", "HW_CPU_X86_SSE"],
                    "resource_provider_generation": 1}
    error_of(placement.request("PUT", path, {
        "traits": [], "resource_provider_generation": 0}), 409,
        codes.CONCURRENT_UPDATE)
    error_of(placement.request("PUT", path, {
        "traits": ["CUSTOM_UNKNOWN"], "resource_provider_generation": 1}), 400)
    error_of(placement.request("PUT", path, {"traits": []}), 400)
    error_of(placement.request("DELETE", "/traits/CUSTOM_FAST"), 409)
    assert placement.get("/traits?associated=true") == {
        "traits": ["CUSTOM_FAST", "HW_CPU_X86_SSE"]}
    assert "CUSTOM_FAST" not in placement.get(
        "/traits?associated=false")["traits"]
    assert placement.request("DELETE", path).status_int == 204
    assert placement.get(path) == {"traits": [],
                                   "resource_provider_generation": 2}
    error_of(placement.request("GET", "/resource_providers/%s/traits"
                               % uuid.uuid4()), 404)
