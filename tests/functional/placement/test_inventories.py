"""/resource_providers/{uuid}/inventories[/{resource_class}]."""
import uuid

from stratus.placement import errors as codes
from tests.functional.placement.conftest import error_of


def _path(rp, rc=None):
    return "/resource_providers/%s/inventories" % rp + ("/" + rc if rc else "")


def test_put_get_and_generations(placement):
    rp = placement.provider("cn1")
    assert placement.get(_path(rp)) == {"inventories": {},
                                        "resource_provider_generation": 0}
    body = placement.ok("PUT", _path(rp), {
        "resource_provider_generation": 0,
        "inventories": {"VCPU": {"total": 8, "allocation_ratio": 16.0},
                        "MEMORY_MB": {"total": 4096, "reserved": 512}}})
    assert body["resource_provider_generation"] == 1
    assert body["inventories"]["VCPU"] == {
        "total": 8, "reserved": 0, "min_unit": 1, "max_unit": 2147483647,
        "step_size": 1, "allocation_ratio": 16.0}
    assert placement.get(_path(rp, "MEMORY_MB"))["reserved"] == 512
    stale = placement.request("PUT", _path(rp), {
        "resource_provider_generation": 0, "inventories": {}})
    error_of(stale, 409, codes.CONCURRENT_UPDATE)
    assert placement.generation(rp) == 1


def test_post_one_class(placement):
    rp = placement.provider("cn1")
    response = placement.request("POST", _path(rp), {
        "resource_class": "DISK_GB", "total": 100, "step_size": 10})
    assert response.status_int == 201
    assert response.headers["Location"].endswith(_path(rp, "DISK_GB"))
    assert response.json["resource_provider_generation"] == 1
    error_of(placement.request("POST", _path(rp), {
        "resource_class": "DISK_GB", "total": 100}), 409)
    error_of(placement.request("POST", _path(rp), {
        "resource_class": "CUSTOM_UNKNOWN", "total": 1}), 400)
    error_of(placement.request("POST", _path(str(uuid.uuid4())), {
        "resource_class": "DISK_GB", "total": 1}), 404)


def test_update_and_delete_one_class(placement):
    rp = placement.provider("cn1", inventories={"VCPU": 4, "DISK_GB": 10})
    body = placement.ok("PUT", _path(rp, "VCPU"), {
        "resource_provider_generation": 1, "total": 32})
    assert (body["total"], body["resource_provider_generation"]) == (32, 2)
    error_of(placement.request("PUT", _path(rp, "VCPU"), {
        "resource_provider_generation": 1, "total": 8}), 409,
        codes.CONCURRENT_UPDATE)
    error_of(placement.request("PUT", _path(rp, "MEMORY_MB"), {
        "resource_provider_generation": 2, "total": 8}), 400)
    assert placement.request("DELETE", _path(rp, "DISK_GB")).status_int == 204
    error_of(placement.request("DELETE", _path(rp, "DISK_GB")), 404)
    error_of(placement.request("GET", _path(rp, "DISK_GB")), 404)
    assert list(placement.get(_path(rp))["inventories"]) == ["VCPU"]


def test_in_use_inventory_cannot_go(placement):
    rp = placement.provider("cn1", inventories={"VCPU": 4, "DISK_GB": 10})
    placement.allocate(str(uuid.uuid4()), {rp: {"VCPU": 2}})
    generation = placement.generation(rp)
    error_of(placement.request("PUT", _path(rp), {
        "resource_provider_generation": generation,
        "inventories": {"DISK_GB": {"total": 10}}}), 409,
        codes.INVENTORY_INUSE)
    error_of(placement.request("DELETE", _path(rp, "VCPU")), 409,
             codes.INVENTORY_INUSE)
    error_of(placement.request("DELETE", _path(rp)), 409,
             codes.INVENTORY_INUSE)
    assert placement.request("DELETE", _path(rp, "DISK_GB")).status_int == 204


def test_delete_all_from_1_5(placement):
    rp = placement.provider("cn1", inventories={"VCPU": 4})
    error_of(placement.request("DELETE", _path(rp), version="1.4"), 405)
    assert placement.request("DELETE", _path(rp),
                             version="1.5").status_int == 204
    assert placement.get(_path(rp))["inventories"] == {}


def test_reserved_may_equal_total_from_1_26(placement):
    rp = placement.provider("cn1")
    body = {"resource_provider_generation": 0,
            "inventories": {"VCPU": {"total": 4, "reserved": 4}}}
    error_of(placement.request("PUT", _path(rp), body, version="1.25"), 400)
    assert placement.request("PUT", _path(rp), body,
                             version="1.26").status_int == 200


def test_invalid_inventories(placement):
    rp = placement.provider("cn1")
    for inventory in ({"total": 0}, {"total": -1}, {"total": "8"},
                      {"total": 4, "reserved": 5},
                      {"total": 4, "min_unit": 3, "max_unit": 2},
                      {"total": 4, "step_size": 0}, {"total": 4, "bogus": 1},
                      {"total": 2 ** 40}):
        error_of(placement.request("PUT", _path(rp), {
            "resource_provider_generation": 0,
            "inventories": {"VCPU": inventory}}), 400)
    error_of(placement.request("PUT", _path(rp), {
        "inventories": {}}), 400)
    error_of(placement.request("PUT", _path(rp), {
        "resource_provider_generation": 0,
        "inventories": {"lower": {"total": 1}}}), 400)
