"""placement audit and placement sync_aggregates on a running cloud: what
they print and Nova's exit codes, on every backend."""
import uuid

import pytest

from stratus.objects import aggregate as aggregate_obj
from stratus.objects import compute_node as compute_node_obj
from stratus.placement import aggregates as placement_aggregates
from stratus.placement import allocations

pytestmark = pytest.mark.slow

AUDIT = ("manage", "placement", "audit")
SYNC = ("manage", "placement", "sync_aggregates")


def _orphan_on(cloud_manage, provider_uuid):
    """Allocations of a consumer that is no server nor migration."""
    consumer = str(uuid.uuid4())
    allocations.replace_allocations(cloud_manage.ctx, [
        allocations.ConsumerAllocations(
            consumer, {provider_uuid: {"VCPU": 1, "MEMORY_MB": 64}},
            "demo", "demo", None)])
    return consumer


def test_audit_finds_and_deletes_orphaned_allocations(cloud_manage):
    server = cloud_manage.boot()
    held = allocations.show_consumer(cloud_manage.ctx, server["id"])
    (provider,) = held.allocations
    assert cloud_manage.run(*AUDIT, "--verbose") == (
        0, "Processed 0 orphaned allocations.\n")
    orphan = _orphan_on(cloud_manage, provider)
    code, out = cloud_manage.run(*AUDIT, "--verbose")
    assert code == 3
    assert ("Allocations for consumer UUID %s on Resource Provider %s can "
            "be deleted: " % (orphan, provider)) in out
    assert server["id"] not in out
    assert cloud_manage.run(*AUDIT, "--resource_provider", provider)[0] == 3
    missing = str(uuid.uuid4())
    assert cloud_manage.run(*AUDIT, "--resource_provider", missing) == (
        127, "Resource provider with UUID %s does not exist.\n" % missing)

    code, out = cloud_manage.run(*AUDIT, "--delete", "--verbose")
    assert code == 4
    assert "Deleted allocations for consumer UUID %s on Resource Provider " \
           "%s" % (orphan, provider) in out
    assert not allocations.show_consumer(cloud_manage.ctx,
                                         orphan).allocations
    # The server's allocations stay.
    assert allocations.show_consumer(
        cloud_manage.ctx, server["id"]).allocations == held.allocations
    assert cloud_manage.run(*AUDIT) == (0, "")


def test_sync_aggregates_mirrors_host_aggregates(cloud_manage):
    api = cloud_manage.api
    aggregate = api.post("/os-aggregates", {"aggregate": {
        "name": "fast"}})["aggregate"]
    api.post("/os-aggregates/%d/action" % aggregate["id"],
             {"add_host": {"host": "stratus-test"}})
    ctx = cloud_manage.ctx
    nodes = compute_node_obj.ComputeNodeList.get_all(ctx)
    assert nodes
    # Placement lost the membership (a failed write, a restored database).
    for node in nodes:
        placement_aggregates.set_provider_aggregates(ctx, node.uuid, [])
    code, out = cloud_manage.run(*SYNC, "--verbose")
    assert code == 0, out
    assert "Processing aggregate: fast\nProcessing host: stratus-test\n" in out
    for node in nodes:
        assert placement_aggregates.provider_aggregates(ctx, node.uuid)[0] \
            == [aggregate["uuid"]]
        assert ("Successfully added host (stratus-test) and provider (%s) "
                "to aggregate (%s)." % (node.uuid, aggregate["uuid"])) in out
    assert cloud_manage.run(*SYNC) == (0, "")
    # A host no cell maps.
    aggregate_obj.Aggregate.get_by_id(ctx, aggregate["id"]).add_host("ghost")
    code, out = cloud_manage.run(*SYNC)
    assert code == 4
    assert out.endswith("Missing: ghost\n")
