import threading
import uuid

import pytest

from stratus import context
from stratus.placement import allocations
from stratus.placement import exception
from stratus.placement import providers
from stratus.placement import usages

Inventory = providers.Inventory


def _provider(ctx, name="node1", vcpus=4, memory_mb=2048, disk_gb=20,
              **kwargs):
    provider = providers.ensure_provider(ctx, str(uuid.uuid4()), name)
    providers.set_inventories(ctx, provider.uuid, {
        "VCPU": Inventory(total=vcpus, **kwargs),
        "MEMORY_MB": Inventory(total=memory_mb),
        "DISK_GB": Inventory(total=disk_gb)})
    return provider.uuid


@pytest.fixture
def ctx(databases):
    return context.get_admin_context(databases)


def test_inventories_replace_and_bump_generation_only_on_change(ctx):
    rp = providers.ensure_provider(ctx, str(uuid.uuid4()), "node1")
    assert rp.generation == 0
    gen = providers.set_inventories(ctx, rp.uuid, {
        "VCPU": Inventory(total=8, reserved=1, allocation_ratio=4.0)})
    assert gen == 1
    assert providers.set_inventories(ctx, rp.uuid, {
        "VCPU": Inventory(total=8, reserved=1, allocation_ratio=4.0)}) == 1
    inventory = providers.get_inventories(ctx, rp.uuid)["VCPU"]
    assert (inventory.capacity, inventory.max_unit) == (28, 8)
    with pytest.raises(exception.ConcurrentUpdate):
        providers.set_inventories(
            ctx, rp.uuid, {"VCPU": Inventory(total=4)}, generation=0)
    assert providers.set_inventories(
        ctx, rp.uuid, {"VCPU": Inventory(total=4)}, generation=1) == 2


def test_ensure_provider_is_idempotent_and_renames(ctx):
    rp = providers.ensure_provider(ctx, str(uuid.uuid4()), "old")
    again = providers.ensure_provider(ctx, rp.uuid, "new")
    assert again.id == rp.id
    assert providers.get_provider(ctx, rp.uuid).name == "new"
    with pytest.raises(exception.ResourceProviderNameConflict):
        providers.ensure_provider(ctx, str(uuid.uuid4()), "new")
    with pytest.raises(exception.ResourceProviderNotFound):
        providers.get_provider(ctx, str(uuid.uuid4()))


def test_claim_checks_capacity_and_unit_constraints(ctx):
    rp = _provider(ctx, vcpus=4, reserved=1, max_unit=2)
    allocations.claim(ctx, "c1", "p", "u", {rp: {"VCPU": 2, "MEMORY_MB": 512}})
    with pytest.raises(exception.AllocationConstraintsViolated):
        allocations.claim(ctx, "c2", "p", "u", {rp: {"VCPU": 3}})
    allocations.claim(ctx, "c2", "p", "u", {rp: {"VCPU": 1}})
    with pytest.raises(exception.InsufficientCapacity):
        allocations.claim(ctx, "c3", "p", "u", {rp: {"VCPU": 1}})
    with pytest.raises(exception.InventoryMissing):
        allocations.claim(ctx, "c3", "p", "u", {rp: {"VGPU": 1}})
    with pytest.raises(exception.ResourceProviderNotFound):
        allocations.claim(ctx, "c3", "p", "u", {str(uuid.uuid4()): {"VCPU": 1}})
    assert usages.provider_usages(ctx, rp) == {"VCPU": 3, "MEMORY_MB": 512}
    # a rejected claim left nothing behind
    assert allocations.get_allocations(ctx, "c3") == {}


def test_claim_replaces_the_consumers_allocations(ctx):
    rp = _provider(ctx, vcpus=2)
    allocations.claim(ctx, "c1", "p", "u", {rp: {"VCPU": 2}})
    # its own allocation does not count against the replacement
    allocations.claim(ctx, "c1", "p", "u", {rp: {"VCPU": 2, "DISK_GB": 5}})
    assert allocations.get_allocations(ctx, "c1") == {
        rp: {"VCPU": 2, "DISK_GB": 5}}
    allocations.remove_consumer(ctx, "c1")
    assert usages.provider_usages(ctx, rp) == {}
    assert allocations.get_allocations(ctx, "c1") == {}


def test_move_between_providers(ctx):
    source, target = _provider(ctx, "a"), _provider(ctx, "b", vcpus=2)
    allocations.claim(ctx, "c1", "p", "u", {source: {"VCPU": 1,
                                                      "MEMORY_MB": 256}})
    allocations.move(ctx, "c1", source, target)
    assert allocations.get_allocations(ctx, "c1") == {
        target: {"VCPU": 1, "MEMORY_MB": 256}}
    allocations.claim(ctx, "c2", "p", "u", {source: {"VCPU": 2}})
    with pytest.raises(exception.InsufficientCapacity):
        allocations.move(ctx, "c2", source, target)
    assert allocations.get_allocations(ctx, "c2") == {source: {"VCPU": 2}}


def test_usages_per_project_and_user(ctx):
    rp = _provider(ctx)
    allocations.claim(ctx, "c1", "p1", "u1", {rp: {"VCPU": 1, "MEMORY_MB": 64}})
    allocations.claim(ctx, "c2", "p1", "u2", {rp: {"VCPU": 2}})
    allocations.claim(ctx, "c3", "p2", "u1", {rp: {"VCPU": 1}})
    assert usages.project_usages(ctx, "p1") == {"VCPU": 3, "MEMORY_MB": 64}
    assert usages.project_usages(ctx, "p1", "u2") == {"VCPU": 2}
    assert usages.project_usages(ctx, "p3") == {}


def test_removing_inventory_in_use_is_refused(ctx):
    rp = _provider(ctx)
    allocations.claim(ctx, "c1", "p", "u", {rp: {"DISK_GB": 1}})
    with pytest.raises(exception.InventoryInUse):
        providers.set_inventories(ctx, rp, {"VCPU": Inventory(total=4)})


def test_provider_summaries_see_inventory_and_usage(ctx):
    rp = _provider(ctx, vcpus=4)
    allocations.claim(ctx, "c1", "p", "u", {rp: {"VCPU": 3}})
    summary = usages.provider_summaries(ctx, ["VCPU", "MEMORY_MB"])[rp]
    assert summary.free("VCPU") == 1 and summary.free("MEMORY_MB") == 2048
    assert summary.rejection({"VCPU": 1}) is None
    assert isinstance(summary.rejection({"VCPU": 2}),
                      exception.InsufficientCapacity)


def test_allocation_request_round_trips():
    allocs = {"rp": {"VCPU": 1, "MEMORY_MB": 512}}
    assert allocations.from_allocation_request(
        allocations.to_allocation_request(allocs)) == allocs


def _run_parallel(count, target):
    errors, barrier = [], threading.Barrier(count)

    def run(i):
        barrier.wait()
        try:
            target(i)
        except Exception as exc:  # noqa: BLE001 - collected for asserts
            errors.append(exc)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    return errors


def test_concurrent_claims_never_overcommit(ctx):
    rp = _provider(ctx, vcpus=6, memory_mb=100000)
    errors = _run_parallel(24, lambda i: allocations.claim(
        ctx, "c%d" % i, "p", "u", {rp: {"VCPU": 1, "MEMORY_MB": 10}}))
    assert len(errors) == 18
    assert all(isinstance(e, exception.InsufficientCapacity) for e in errors)
    assert usages.provider_usages(ctx, rp) == {"VCPU": 6, "MEMORY_MB": 60}


def test_concurrent_claims_across_two_providers_do_not_deadlock(ctx):
    a, b = _provider(ctx, "a", vcpus=5), _provider(ctx, "b", vcpus=5)

    def claim(i):
        first, second = (a, b) if i % 2 else (b, a)
        allocations.claim(ctx, "c%d" % i, "p", "u",
                          {first: {"VCPU": 1}, second: {"DISK_GB": 1}})
    errors = _run_parallel(12, claim)
    assert all(isinstance(e, exception.InsufficientCapacity) for e in errors)
    used_a = usages.provider_usages(ctx, a)
    used_b = usages.provider_usages(ctx, b)
    assert used_a.get("VCPU", 0) <= 5 and used_b.get("VCPU", 0) <= 5
    assert used_a["VCPU"] + used_b["VCPU"] == 12 - len(errors) == 10
