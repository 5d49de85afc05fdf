"""The allocation candidates' summary cache: every change of a provider's
inventories or usage shows in the next candidates (its generation moves),
whoever made it."""
import uuid

import pytest

from stratus import context
from stratus.placement import allocations
from stratus.placement import candidates
from stratus.placement import providers
from stratus.placement import traits

Inventory = providers.Inventory


@pytest.fixture
def ctx(databases):
    return context.get_admin_context(databases)


def _query(vcpus, limit=10):
    return candidates.CandidateQuery(groups=[candidates.RequestGroup(
        resources={"VCPU": vcpus, "MEMORY_MB": 256})], limit=limit)


def _offered(ctx, vcpus=1):
    """{provider uuid: (VCPU total, VCPU used)} of the candidates."""
    found = candidates.find_candidates(ctx, _query(vcpus))
    return {uuid: (summary.inventories["VCPU"].total,
                   summary.usages["VCPU"])
            for uuid, summary in found.provider_summaries.items()}


def _node(ctx, name, vcpus=2):
    node = str(uuid.uuid4())
    providers.ensure_root_providers(ctx, {node: (name, {
        "VCPU": Inventory(total=vcpus), "MEMORY_MB": Inventory(total=1024)})})
    return node


def test_claims_releases_and_inventory_changes_show_at_once(ctx):
    first, second = _node(ctx, "n1"), _node(ctx, "n2")
    assert _offered(ctx) == {first: (2, 0), second: (2, 0)}
    allocations.claim(ctx, "vm1", "p", "u", {first: {"VCPU": 2}})
    assert _offered(ctx) == {second: (2, 0)}
    assert _offered(ctx, vcpus=2) == {second: (2, 0)}
    # The summaries handed out are copies: using them changes nothing.
    candidates.find_candidates(ctx, _query(1)).provider_summaries[
        second].usages["VCPU"] = 2
    allocations.remove_consumer(ctx, "vm1")
    assert _offered(ctx) == {first: (2, 0), second: (2, 0)}
    providers.set_inventories(ctx, second, {
        "VCPU": Inventory(total=8), "MEMORY_MB": Inventory(total=1024)})
    allocations.claim(ctx, "vm2", "p", "u", {second: {"VCPU": 3}})
    assert _offered(ctx, vcpus=4) == {second: (8, 3)}
    allocations.delete_allocations(ctx, "vm2")
    assert _offered(ctx, vcpus=4) == {second: (8, 0)}


def test_a_new_provider_is_never_taken_for_a_deleted_one(ctx):
    old = _node(ctx, "old", vcpus=2)
    assert _offered(ctx) == {old: (2, 0)}
    providers.delete_provider(ctx, old)
    new = _node(ctx, "new", vcpus=6)
    assert _offered(ctx) == {new: (6, 0)}


def test_traits_are_read_fresh_for_the_summaries(ctx):
    node = _node(ctx, "n1")
    summary = candidates.find_candidates(ctx, _query(1)).provider_summaries
    assert summary[node].traits == []
    traits.set_provider_traits(ctx, node, ["HW_CPU_X86_AVX2"])
    summary = candidates.find_candidates(ctx, _query(1)).provider_summaries
    assert summary[node].traits == ["HW_CPU_X86_AVX2"]
