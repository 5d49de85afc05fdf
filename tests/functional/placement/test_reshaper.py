"""POST /reshaper (1.30): inventories and allocations moved atomically."""
import uuid

from stratus.placement import errors as codes
from tests.functional.placement.conftest import error_of

CONSUMER = "33333333-3333-4333-8333-333333333333"


def _inventories(total):
    return {"VCPU": {"total": total}}


def _reshape_body(placement, root, child, consumer_type=None):
    body = {
        "inventories": {
            root: {"resource_provider_generation": placement.generation(root),
                   "inventories": {"MEMORY_MB": {"total": 1024}}},
            child: {"resource_provider_generation": placement.generation(child),
                    "inventories": _inventories(8)}},
        "allocations": {CONSUMER: {
            "allocations": {child: {"resources": {"VCPU": 2}},
                            root: {"resources": {"MEMORY_MB": 256}}},
            "project_id": "p1", "user_id": "u1", "consumer_generation": 1}}}
    if consumer_type:
        body["allocations"][CONSUMER]["consumer_type"] = consumer_type
    return body


def _setup(placement):
    root = placement.provider("cn1", inventories={"VCPU": 8,
                                                  "MEMORY_MB": 1024})
    child = placement.provider("numa0", parent=root)
    placement.allocate(CONSUMER, {root: {"VCPU": 2, "MEMORY_MB": 256}})
    return root, child


def test_not_there_before_1_30(placement):
    error_of(placement.request("POST", "/reshaper", {}, version="1.29"), 404)


def test_moves_vcpu_to_a_child(placement):
    root, child = _setup(placement)
    placement.ok("POST", "/reshaper", _reshape_body(placement, root, child),
                 version="1.30", status=204)
    assert set(placement.get("/resource_providers/%s/inventories" % root)[
        "inventories"]) == {"MEMORY_MB"}
    assert placement.get("/resource_providers/%s/usages" % child)[
        "usages"] == {"VCPU": 2}
    shown = placement.get("/allocations/" + CONSUMER)
    assert shown["allocations"][child]["resources"] == {"VCPU": 2}
    assert shown["consumer_generation"] == 2


def test_all_or_nothing(placement):
    root, child = _setup(placement)
    # Another consumer's VCPU would stay on a root that no longer has it.
    placement.allocate(str(uuid.uuid4()), {root: {"VCPU": 1}})
    body = _reshape_body(placement, root, child, consumer_type="INSTANCE")
    error_of(placement.request("POST", "/reshaper", body), 409,
             codes.INVENTORY_INUSE)
    assert "VCPU" in placement.get("/resource_providers/%s/inventories"
                                   % root)["inventories"]
    stale = _reshape_body(placement, root, child, consumer_type="INSTANCE")
    stale["inventories"][root]["resource_provider_generation"] -= 1
    error_of(placement.request("POST", "/reshaper", stale), 409,
             codes.CONCURRENT_UPDATE)
    error_of(placement.request("POST", "/reshaper", _reshape_body(
        placement, root, child), version="1.38"), 400)
    missing = _reshape_body(placement, root, child, consumer_type="INSTANCE")
    missing["inventories"][str(uuid.uuid4())] = {
        "resource_provider_generation": 0, "inventories": {}}
    error_of(placement.request("POST", "/reshaper", missing), 400)
    assert placement.get("/allocations/" + CONSUMER)[
        "consumer_generation"] == 1
