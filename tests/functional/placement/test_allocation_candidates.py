"""GET /allocation_candidates and the in-process candidates function."""
import uuid

from stratus import context as stratus_context
from stratus.placement import candidates
from stratus.placement import errors as codes
from tests.functional.placement.conftest import error_of

AGG = "aaaaaaaa-0000-4000-8000-000000000001"


def _candidates(placement, query, version="1.39"):
    return placement.get("/allocation_candidates?" + query, version=version)


def _providers(body):
    return [sorted(r["allocations"]) for r in body["allocation_requests"]]


def test_not_there_before_1_10(placement):
    error_of(placement.request("GET", "/allocation_candidates?resources=VCPU:1",
                               version="1.9"), 404)


def test_simple_request_and_summaries(placement):
    cn1 = placement.provider("cn1", inventories={"VCPU": 8, "MEMORY_MB": 1024})
    cn2 = placement.provider("cn2", inventories={"VCPU": 2, "MEMORY_MB": 1024})
    placement.allocate(str(uuid.uuid4()), {cn2: {"VCPU": 2}})
    body = _candidates(placement, "resources=VCPU:1,MEMORY_MB:512")
    assert body["allocation_requests"] == [{
        "allocations": {cn1: {"resources": {"VCPU": 1, "MEMORY_MB": 512}}},
        "mappings": {"": [cn1]}}]
    assert body["provider_summaries"] == {cn1: {
        "resources": {"VCPU": {"capacity": 8, "used": 0},
                      "MEMORY_MB": {"capacity": 1024, "used": 0}},
        "traits": [], "parent_provider_uuid": None,
        "root_provider_uuid": cn1}}


def test_shapes_by_microversion(placement):
    cn1 = placement.provider("cn1", inventories={"VCPU": 8, "DISK_GB": 100})
    old = _candidates(placement, "resources=VCPU:1", version="1.11")
    assert old["allocation_requests"] == [{"allocations": [
        {"resource_provider": {"uuid": cn1}, "resources": {"VCPU": 1}}]}]
    assert old["provider_summaries"][cn1] == {
        "resources": {"VCPU": {"capacity": 8, "used": 0}}}
    assert "mappings" not in _candidates(
        placement, "resources=VCPU:1", version="1.33")["allocation_requests"][0]
    assert "traits" in _candidates(
        placement, "resources=VCPU:1", version="1.17")["provider_summaries"][cn1]
    summary = _candidates(placement, "resources=VCPU:1",
                          version="1.26")["provider_summaries"][cn1]
    assert list(summary["resources"]) == ["VCPU"]
    summary = _candidates(placement, "resources=VCPU:1",
                          version="1.27")["provider_summaries"][cn1]
    assert set(summary["resources"]) == {"VCPU", "DISK_GB"}
    assert "root_provider_uuid" not in summary
    assert _candidates(placement, "resources=VCPU:1", version="1.29")[
        "provider_summaries"][cn1]["root_provider_uuid"] == cn1


def test_limit_and_validation(placement):
    for name in ("cn1", "cn2", "cn3"):
        placement.provider(name, inventories={"VCPU": 8})
    assert len(_candidates(placement, "resources=VCPU:1&limit=2")[
        "allocation_requests"]) == 2
    body = _candidates(placement, "resources=VCPU:1&limit=1")
    assert len(body["provider_summaries"]) == 1
    error_of(placement.request("GET", "/allocation_candidates?resources=VCPU:1"
                               "&limit=2", version="1.15"), 400)
    for query in ("", "limit=1", "resources=VCPU:1&limit=0",
                  "resources=VCPU:x", "resources=NOPE:1",
                  "resources=VCPU:1&bogus=1", "resources=VCPU:1&required=NOPE"):
        error_of(placement.request("GET", "/allocation_candidates?" + query),
                 400)


def test_required_forbidden_and_any_of_traits(placement):
    avx = placement.provider("avx", inventories={"VCPU": 8},
                             traits=["HW_CPU_X86_AVX2"])
    sse = placement.provider("sse", inventories={"VCPU": 8},
                             traits=["HW_CPU_X86_SSE"])
    assert _providers(_candidates(
        placement, "resources=VCPU:1&required=HW_CPU_X86_AVX2")) == [[avx]]
    assert _providers(_candidates(
        placement, "resources=VCPU:1&required=!HW_CPU_X86_AVX2")) == [[sse]]
    assert sorted(_providers(_candidates(
        placement, "resources=VCPU:1&required=in:HW_CPU_X86_AVX2,"
        "HW_CPU_X86_SSE"))) == sorted([[avx], [sse]])
    error_of(placement.request("GET", "/allocation_candidates?resources=VCPU:1"
                               "&required=in:HW_CPU_X86_SSE", version="1.38"),
             400)
    error_of(placement.request("GET", "/allocation_candidates?resources=VCPU:1"
                               "&required=!HW_CPU_X86_SSE", version="1.21"),
             400)
    error_of(placement.request("GET", "/allocation_candidates?resources=VCPU:1"
                               "&required=HW_CPU_X86_SSE,!HW_CPU_X86_SSE"),
             400)


def test_member_of(placement):
    inside = placement.provider("in", inventories={"VCPU": 8},
                                aggregates=[AGG])
    outside = placement.provider("out", inventories={"VCPU": 8})
    assert _providers(_candidates(
        placement, "resources=VCPU:1&member_of=" + AGG)) == [[inside]]
    assert _providers(_candidates(
        placement, "resources=VCPU:1&member_of=in:%s,%s" % (
            AGG, uuid.uuid4()))) == [[inside]]
    assert _providers(_candidates(
        placement, "resources=VCPU:1&member_of=!" + AGG)) == [[outside]]
    error_of(placement.request("GET", "/allocation_candidates?resources=VCPU:1"
                               "&member_of=" + AGG, version="1.20"), 400)
    error_of(placement.request("GET", "/allocation_candidates?resources=VCPU:1"
                               "&member_of=!" + AGG, version="1.31"), 400)


def _numa_host(placement, name, numa_vcpus=(4, 4), traits=None):
    root = placement.provider(name, inventories={"MEMORY_MB": 4096,
                                                 "DISK_GB": 100})
    nodes = [placement.provider("%s-numa%d" % (name, i), parent=root,
                                inventories={"VCPU": vcpus},
                                traits=(traits or {}).get(i))
             for i, vcpus in enumerate(numa_vcpus)]
    return root, nodes


def test_nested_tree_spreads_unsuffixed_resources(placement):
    root, (numa0, numa1) = _numa_host(placement, "cn1", (4, 1))
    body = _candidates(placement, "resources=VCPU:2,MEMORY_MB:512")
    (request,) = body["allocation_requests"]
    assert request["allocations"] == {
        numa0: {"resources": {"VCPU": 2}},
        root: {"resources": {"MEMORY_MB": 512}}}
    assert sorted(request["mappings"][""]) == sorted([root, numa0])
    # 1.29 shows the whole tree, with parents
    assert set(body["provider_summaries"]) == {root, numa0, numa1}
    assert body["provider_summaries"][numa1]["parent_provider_uuid"] == root
    assert set(_candidates(placement, "resources=VCPU:2,MEMORY_MB:512",
                           version="1.28")["provider_summaries"]) == {
        root, numa0}


def test_in_tree(placement):
    root1, nodes1 = _numa_host(placement, "cn1")
    root2, nodes2 = _numa_host(placement, "cn2")
    body = _candidates(placement, "resources=VCPU:1&in_tree=" + nodes2[0])
    assert {rp for r in _providers(body) for rp in r} <= {root2, *nodes2}
    assert len(body["allocation_requests"]) == 2
    error_of(placement.request("GET", "/allocation_candidates?resources=VCPU:1"
                               "&in_tree=" + root1, version="1.30"), 400)
    assert _providers(_candidates(
        placement, "resources1=VCPU:1&in_tree1=%s" % root1)) == [
        [nodes1[0]], [nodes1[1]]]


def test_granular_groups_and_group_policy(placement):
    root, (numa0, numa1) = _numa_host(placement, "cn1", (4, 4))
    query = "resources1=VCPU:2&resources2=VCPU:2"
    error_of(placement.request("GET", "/allocation_candidates?" + query), 400,
             codes.QUERY_MISSING_VALUE)
    error_of(placement.request("GET", "/allocation_candidates?" + query
                               + "&group_policy=isolate", version="1.24"), 400)
    isolated = _candidates(placement, query + "&group_policy=isolate")
    assert sorted(r["mappings"]["1"] + r["mappings"]["2"]
                  for r in isolated["allocation_requests"]) == sorted(
        [[numa0, numa1], [numa1, numa0]])
    shared = _candidates(placement, query + "&group_policy=none")
    merged = [r for r in shared["allocation_requests"]
              if len(r["allocations"]) == 1]
    assert {next(iter(r["allocations"])) for r in merged} == {numa0, numa1}
    assert all(list(r["allocations"].values())[0]["resources"] == {"VCPU": 4}
               for r in merged)
    # Strings as suffixes from 1.33.
    error_of(placement.request("GET", "/allocation_candidates?resources_A="
                               "VCPU:1", version="1.32"), 400)
    named = _candidates(placement, "resources_A=VCPU:1&resources_B=VCPU:1"
                        "&group_policy=isolate")
    assert set(named["allocation_requests"][0]["mappings"]) == {"_A", "_B"}


def test_granular_traits_apply_to_one_provider(placement):
    root, (numa0, numa1) = _numa_host(
        placement, "cn1", traits={1: ["HW_CPU_X86_AVX2"]})
    body = _candidates(placement, "resources=MEMORY_MB:1&resources1=VCPU:1"
                       "&required1=HW_CPU_X86_AVX2")
    assert [r["mappings"]["1"] for r in body["allocation_requests"]] == [
        [numa1]]


def test_root_required(placement):
    plain = placement.provider("plain", inventories={"VCPU": 8})
    placement.provider("disabled", inventories={"VCPU": 8},
                       traits=["COMPUTE_STATUS_DISABLED"])
    assert _providers(_candidates(
        placement, "resources=VCPU:1&root_required=!COMPUTE_STATUS_DISABLED")
    ) == [[plain]]
    error_of(placement.request(
        "GET", "/allocation_candidates?resources=VCPU:1&root_required="
        "!COMPUTE_STATUS_DISABLED", version="1.34"), 400)


def test_same_subtree_and_resourceless_groups(placement):
    placement.ok("PUT", "/resource_classes/CUSTOM_VF", status=201)
    root = placement.provider("cn1", inventories={"MEMORY_MB": 1024})
    numa0 = placement.provider("numa0", parent=root, inventories={"VCPU": 4})
    nic0 = placement.provider("nic0", parent=numa0, traits=["HW_NIC_SRIOV"],
                              inventories={"CUSTOM_VF": 4})
    numa1 = placement.provider("numa1", parent=root, inventories={"VCPU": 4})
    nic1 = placement.provider("nic1", parent=numa1,
                              inventories={"CUSTOM_VF": 4})
    body = _candidates(placement, "resources_CPU=VCPU:1&resources_NIC="
                       "CUSTOM_VF:1&same_subtree=_CPU,_NIC&group_policy=none")
    pairs = sorted((r["mappings"]["_CPU"][0], r["mappings"]["_NIC"][0])
                   for r in body["allocation_requests"])
    assert pairs == sorted([(numa0, nic0), (numa1, nic1)])
    # A resourceless group names the subtree by its traits (1.36).
    body = _candidates(placement, "resources_CPU=VCPU:1&required_NIC="
                       "HW_NIC_SRIOV&same_subtree=_CPU,_NIC&group_policy=none")
    assert [r["mappings"]["_CPU"] for r in body["allocation_requests"]] == [
        [numa0]]
    error_of(placement.request(
        "GET", "/allocation_candidates?resources_CPU=VCPU:1&required_NIC="
        "HW_NIC_SRIOV&same_subtree=_CPU,_NIC", version="1.35"), 400)
    error_of(placement.request(
        "GET", "/allocation_candidates?resources_CPU=VCPU:1"
        "&same_subtree=_CPU,_X"), 400)


def test_in_process_function(placement, databases):
    cn1 = placement.provider("cn1", inventories={"VCPU": 8})
    ctx = stratus_context.get_admin_context(databases)
    found = candidates.find_candidates(ctx, candidates.CandidateQuery(
        groups=[candidates.RequestGroup(resources={"VCPU": 2})]))
    assert [r.allocations for r in found.allocation_requests] == [
        {cn1: {"VCPU": 2}}]
    assert found.provider_summaries[cn1].inventories["VCPU"].total == 8
