"""Parallel writers through the API never overcommit a provider."""
import concurrent.futures
import uuid

from stratus.placement import errors as codes


def test_parallel_allocations_fill_a_provider_exactly(placement):
    rp = placement.provider("cn1", inventories={"VCPU": 5})

    def claim(_):
        return placement.allocate_response(str(uuid.uuid4()),
                                           {rp: {"VCPU": 1}}).status_int
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        statuses = sorted(pool.map(claim, range(12)))
    assert statuses == [204] * 5 + [409] * 7
    assert placement.get("/resource_providers/%s/usages" % rp)[
        "usages"] == {"VCPU": 5}


def test_stale_generation_loses_to_a_concurrent_writer(placement):
    rp = placement.provider("cn1")
    generation = placement.generation(rp)
    first = placement.request("PUT", "/resource_providers/%s/traits" % rp, {
        "traits": ["HW_CPU_X86_SSE"],
        "resource_provider_generation": generation})
    second = placement.request("PUT", "/resource_providers/%s/traits" % rp, {
        "traits": ["HW_CPU_X86_AVX2"],
        "resource_provider_generation": generation})
    assert (first.status_int, second.status_int) == (200, 409)
    assert second.json["errors"][0]["code"] == codes.CONCURRENT_UPDATE
