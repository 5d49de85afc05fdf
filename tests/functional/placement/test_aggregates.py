"""/resource_providers/{uuid}/aggregates: a list before 1.19, with the
provider generation from 1.19."""
import uuid

from stratus.placement import errors as codes
from tests.functional.placement.conftest import error_of

AGG1 = "aaaaaaaa-0000-4000-8000-000000000001"
AGG2 = "aaaaaaaa-0000-4000-8000-000000000002"


def test_not_there_at_1_0(placement):
    rp = placement.provider("cn1")
    error_of(placement.request("GET", "/resource_providers/%s/aggregates"
                               % rp, version="1.0"), 404)


def test_list_body_before_1_19(placement):
    rp = placement.provider("cn1")
    path = "/resource_providers/%s/aggregates" % rp
    body = placement.ok("PUT", path, [AGG1, AGG2], version="1.18")
    assert body == {"aggregates": [AGG1, AGG2]}
    assert placement.generation(rp) == 0
    assert placement.get(path, version="1.18") == {"aggregates": [AGG1, AGG2]}
    error_of(placement.request("PUT", path, {
        "aggregates": [], "resource_provider_generation": 0},
        version="1.18"), 400)


def test_generation_from_1_19(placement):
    rp = placement.provider("cn1")
    path = "/resource_providers/%s/aggregates" % rp
    error_of(placement.request("PUT", path, [AGG1], version="1.19"), 400)
    body = placement.ok("PUT", path, {"aggregates": [AGG1],
                                      "resource_provider_generation": 0},
                        version="1.19")
    assert body == {"aggregates": [AGG1], "resource_provider_generation": 1}
    error_of(placement.request("PUT", path, {
        "aggregates": [], "resource_provider_generation": 0}), 409,
        codes.CONCURRENT_UPDATE)
    assert placement.get(path) == {"aggregates": [AGG1],
                                   "resource_provider_generation": 1}
    error_of(placement.request("PUT", path, {
        "aggregates": ["not-a-uuid"], "resource_provider_generation": 1}), 400)
    error_of(placement.request("GET", "/resource_providers/%s/aggregates"
                               % uuid.uuid4()), 404)
