"""osc-placement's commands against the running all-in-one over HTTP:
the placement endpoint comes from the catalog, as for any cloud."""
import time

import pytest

from stratus import context as stratus_context
from stratus.placement import providers

pytestmark = pytest.mark.slow


def _wait_for_providers(http_cloud, count):
    """The fake hypervisors' providers, once the compute reported them."""
    ctx = stratus_context.get_admin_context(http_cloud.databases)
    deadline = time.monotonic() + 30
    while True:
        found = providers.list_providers(ctx)
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def test_osc_placement_commands(cli, http_cloud):
    nodes = _wait_for_providers(http_cloud, 3)
    assert len(nodes) == 3
    listed = cli.json("resource", "provider", "list")
    assert sorted(rp["uuid"] for rp in listed) == sorted(n.uuid for n in nodes)
    assert {"uuid", "name", "generation"} <= set(listed[0])

    inventory = cli.json("resource", "provider", "inventory", "list",
                         nodes[0].uuid)
    classes = {row["resource_class"] for row in inventory}
    assert {"VCPU", "MEMORY_MB"} <= classes

    candidates = cli.json("--os-placement-api-version", "1.29", "allocation",
                          "candidate", "list", "--resource", "VCPU=1")
    assert {row["resource provider"] for row in candidates} == {
        n.uuid for n in nodes}

    traits = {row["name"] for row in cli.json("trait", "list")}
    assert "HW_CPU_X86_AVX2" in traits

    created = cli.json("--os-placement-api-version", "1.20", "resource",
                       "provider", "create", "cli-rp")
    assert created["name"] == "cli-rp"
    cli.run("resource", "provider", "delete", created["uuid"])
