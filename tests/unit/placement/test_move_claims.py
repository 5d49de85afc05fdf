"""A move's claim: the server's allocations go to the migration's
consumer and the destination is claimed, in one transaction; reverting
gives the source back (and can run twice)."""
import uuid

import pytest

from stratus import context
from stratus.placement import allocations
from stratus.placement import exception
from tests.unit.placement.test_placement import _provider

SMALL = {"VCPU": 1, "MEMORY_MB": 512, "DISK_GB": 1}
BIG = {"VCPU": 2, "MEMORY_MB": 1024, "DISK_GB": 10}


@pytest.fixture
def ctx(databases):
    return context.get_admin_context(databases)


def test_claim_move_then_revert(ctx):
    source, dest = _provider(ctx, "source"), _provider(ctx, "dest")
    server, migration = str(uuid.uuid4()), str(uuid.uuid4())
    allocations.claim(ctx, server, "p", "u", {source: SMALL})
    allocations.claim_move(ctx, server, migration, "p", "u", {dest: BIG})
    assert allocations.get_allocations(ctx, migration) == {source: SMALL}
    assert allocations.get_allocations(ctx, server) == {dest: BIG}
    assert allocations.show_consumer(ctx, migration).consumer_type == (
        allocations.MIGRATION_CONSUMER)
    # Another destination after the first failed: the source stays held.
    other = _provider(ctx, "other")
    allocations.claim_move(ctx, server, migration, "p", "u", {other: BIG})
    assert allocations.get_allocations(ctx, migration) == {source: SMALL}
    assert allocations.get_allocations(ctx, server) == {other: BIG}
    assert allocations.revert_move(ctx, server, migration)
    assert allocations.get_allocations(ctx, server) == {source: SMALL}
    assert allocations.get_allocations(ctx, migration) == {}
    assert allocations.show_consumer(ctx, migration).generation is None
    # Idempotent: nothing held by the migration, nothing changes.
    assert not allocations.revert_move(ctx, server, migration)
    assert allocations.get_allocations(ctx, server) == {source: SMALL}


def test_claim_move_that_does_not_fit_changes_nothing(ctx):
    source = _provider(ctx, "source")
    dest = _provider(ctx, "dest", vcpus=1)
    server, migration = str(uuid.uuid4()), str(uuid.uuid4())
    allocations.claim(ctx, server, "p", "u", {source: SMALL})
    with pytest.raises(exception.AllocationRejected):
        allocations.claim_move(ctx, server, migration, "p", "u", {dest: BIG})
    assert allocations.get_allocations(ctx, server) == {source: SMALL}
    assert allocations.get_allocations(ctx, migration) == {}


def test_resize_on_the_same_provider_holds_both_flavors(ctx):
    node = _provider(ctx, "node", vcpus=3)
    server, migration = str(uuid.uuid4()), str(uuid.uuid4())
    allocations.claim(ctx, server, "p", "u", {node: SMALL})
    allocations.claim_move(ctx, server, migration, "p", "u", {node: BIG})
    assert allocations.get_allocations(ctx, migration) == {node: SMALL}
    assert allocations.get_allocations(ctx, server) == {node: BIG}
    # 1 + 2 of 3 VCPU held: a second such resize does not fit.
    other, other_migration = str(uuid.uuid4()), str(uuid.uuid4())
    with pytest.raises(exception.AllocationRejected):
        allocations.claim_move(ctx, other, other_migration, "p", "u",
                               {node: BIG})
