"""/resource_providers: create, show, list filters, update, delete."""
import uuid

from stratus.placement import errors as codes
from tests.functional.placement.conftest import error_of

RP1 = "11111111-1111-4111-8111-111111111111"


def test_create_returns_location_then_body_from_1_20(placement):
    response = placement.request("POST", "/resource_providers",
                                 {"name": "cn1", "uuid": RP1}, version="1.19")
    assert response.status_int == 201 and not response.body
    assert response.headers["Location"].endswith("/resource_providers/" + RP1)
    body = placement.ok("POST", "/resource_providers", {"name": "cn2"},
                        version="1.20", status=200)
    assert uuid.UUID(body["uuid"]) and body["name"] == "cn2"
    assert body["generation"] == 0


def test_show_fields_by_microversion(placement):
    placement.provider("cn1", provider_uuid=RP1)
    path = "/resource_providers/" + RP1
    old = placement.get(path, version="1.0")
    assert [link["rel"] for link in old["links"]] == [
        "self", "inventories", "usages"]
    assert "parent_provider_uuid" not in placement.get(path, version="1.13")
    rels = [link["rel"] for link in placement.get(path, version="1.11")["links"]]
    assert rels == ["self", "inventories", "usages", "aggregates", "traits",
                    "allocations"]
    new = placement.get(path, version="1.14")
    assert new["parent_provider_uuid"] is None
    assert new["root_provider_uuid"] == RP1


def test_duplicates_conflict(placement):
    placement.provider("cn1", provider_uuid=RP1)
    error_of(placement.request("POST", "/resource_providers",
                               {"name": "cn1"}), 409,
             codes.DUPLICATE_NAME)
    error_of(placement.request("POST", "/resource_providers",
                               {"name": "other", "uuid": RP1}), 409,
             codes.DUPLICATE_NAME)


def test_create_validates(placement):
    for body in ({}, {"name": ""}, {"name": "x" * 201}, {"name": 5},
                 {"name": "a", "uuid": "nope"}, {"name": "a", "extra": 1}):
        error_of(placement.request("POST", "/resource_providers", body), 400)
    error_of(placement.request("POST", "/resource_providers", {
        "name": "a", "parent_provider_uuid": RP1}, version="1.13"), 400)
    error_of(placement.request("POST", "/resource_providers", {
        "name": "a", "parent_provider_uuid": RP1}), 400)


def test_nested_tree(placement):
    root = placement.provider("root", provider_uuid=RP1)
    child = placement.provider("child", parent=root)
    grandchild = placement.provider("grandchild", parent=child)
    body = placement.get("/resource_providers/" + grandchild)
    assert body["parent_provider_uuid"] == child
    assert body["root_provider_uuid"] == root
    placement.provider("other")
    tree = placement.get("/resource_providers?in_tree=" + child)
    assert {rp["uuid"] for rp in tree["resource_providers"]} == {
        root, child, grandchild}
    error_of(placement.request("DELETE", "/resource_providers/" + child),
             409, codes.PROVIDER_CANNOT_DELETE_PARENT)


def test_reparenting_needs_1_37(placement):
    root = placement.provider("root")
    other_root = placement.provider("other-root")
    child = placement.provider("child", parent=root)
    path = "/resource_providers/" + child
    error_of(placement.request("PUT", path, {
        "name": "child", "parent_provider_uuid": other_root},
        version="1.36"), 400)
    moved = placement.ok("PUT", path, {"name": "child",
                                       "parent_provider_uuid": other_root},
                         version="1.37")
    assert moved["root_provider_uuid"] == other_root
    orphan = placement.ok("PUT", path, {"name": "child",
                                        "parent_provider_uuid": None},
                          version="1.37")
    assert orphan["root_provider_uuid"] == child
    # A root may get a parent from 1.14 on; a loop never.
    placed = placement.ok("PUT", "/resource_providers/" + other_root, {
        "name": "other-root", "parent_provider_uuid": child}, version="1.14")
    assert placed["root_provider_uuid"] == child
    error_of(placement.request("PUT", path, {
        "name": "child", "parent_provider_uuid": other_root}), 400)


def test_update_renames(placement):
    placement.provider("cn1", provider_uuid=RP1)
    placement.provider("cn2")
    body = placement.ok("PUT", "/resource_providers/" + RP1, {"name": "new"})
    assert body["name"] == "new"
    error_of(placement.request("PUT", "/resource_providers/" + RP1,
                               {"name": "cn2"}), 409,
             codes.DUPLICATE_NAME)
    error_of(placement.request("PUT", "/resource_providers/" + RP1, {}), 400)


def test_list_filters(placement):
    agg = str(uuid.uuid4())
    big = placement.provider("big", inventories={"VCPU": 16},
                             traits=["HW_CPU_X86_AVX2"], aggregates=[agg])
    small = placement.provider("small", inventories={"VCPU": 2},
                               traits=["HW_CPU_X86_SSE"])

    def names(query, version="1.39"):
        return sorted(rp["name"] for rp in placement.get(
            "/resource_providers" + query,
            version=version)["resource_providers"])
    assert names("") == ["big", "small"]
    assert names("?name=small") == ["small"]
    assert names("?uuid=" + big) == ["big"]
    assert names("?resources=VCPU:4") == ["big"]
    assert names("?member_of=" + agg) == ["big"]
    assert names("?member_of=in:%s,%s" % (agg, uuid.uuid4())) == ["big"]
    assert names("?member_of=!" + agg) == ["small"]
    assert names("?required=HW_CPU_X86_SSE") == ["small"]
    assert names("?required=!HW_CPU_X86_SSE") == ["big"]
    assert names("?required=in:HW_CPU_X86_SSE,HW_CPU_X86_AVX2") == [
        "big", "small"]
    assert names("?required=HW_CPU_X86_SSE&required=!HW_CPU_X86_AVX2") == [
        "small"]
    error_of(placement.request(
        "GET", "/resource_providers?required=in:HW_CPU_X86_SSE",
        version="1.38"), 400)
    error_of(placement.request("GET", "/resource_providers?required=X",
                               version="1.17"), 400)
    error_of(placement.request("GET", "/resource_providers?resources=VCPU:1",
                               version="1.3"), 400)
    error_of(placement.request("GET", "/resource_providers?resources=NOPE:1"),
             400)
    error_of(placement.request("GET", "/resource_providers?resources=VCPU"),
             400, codes.QUERY_BAD_VALUE)
    error_of(placement.request("GET", "/resource_providers?required=CUSTOM_NO"),
             400)
    error_of(placement.request("GET", "/resource_providers?name=a&name=b"),
             400, codes.QUERY_DUPLICATE_KEY)
    error_of(placement.request("GET", "/resource_providers?bogus=1"), 400)
    assert names("?member_of=%s&member_of=%s" % (agg, uuid.uuid4())) == []
    error_of(placement.request("GET", "/resource_providers?member_of=%s&member_of=%s"
                               % (agg, agg), version="1.23"), 400,
             codes.QUERY_DUPLICATE_KEY)
    assert small != big


def test_delete(placement):
    rp = placement.provider("cn1", inventories={"VCPU": 4})
    placement.allocate(str(uuid.uuid4()), {rp: {"VCPU": 1}})
    error_of(placement.request("DELETE", "/resource_providers/" + rp), 409,
             codes.PROVIDER_IN_USE)
    empty = placement.provider("empty", inventories={"VCPU": 4},
                               traits=["HW_CPU_X86_SSE"])
    assert placement.request("DELETE", "/resource_providers/" + empty
                             ).status_int == 204
    error_of(placement.request("DELETE", "/resource_providers/" + empty), 404)
