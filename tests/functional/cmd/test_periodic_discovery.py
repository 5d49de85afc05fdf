"""The scheduler maps new hosts on its own every [scheduler]
discover_hosts_in_cells_interval seconds: a host that registered in a
second cell without a host mapping shows up in list_hosts, and its
provider joins the placement aggregates of the aggregates listing it."""
import time
import uuid

import pytest

from stratus.objects import aggregate as aggregate_obj
from stratus.placement import host_aggregates
from stratus.placement import providers
from tests.functional import cloud as cloud_harness
from tests.functional.cmd.conftest import table_rows

pytestmark = pytest.mark.slow


def _hosts(manage):
    return {row[2]: row[1] for row in table_rows(
        manage.run("cell_v2", "list_hosts")[1])}


def test_the_scheduler_discovers_hosts_in_cells(manage, tmp_path):
    manage.conf.set_override("discover_hosts_in_cells_interval", 1,
                             group="scheduler")
    cloud = cloud_harness.start_cloud(manage.conf, manage.urls, tmp_path)
    try:
        cell2 = manage.map_cell("cell2")
        # The aggregate lists the host, and placement knows its node,
        # before the node registers (discovery may run at any moment).
        node_uuid = str(uuid.uuid4())
        providers.ensure_provider(manage.ctx, node_uuid, "late-node")
        aggregate = aggregate_obj.Aggregate(
            manage.ctx, uuid=str(uuid.uuid4()), name="late-ones")
        aggregate.create()
        aggregate.add_host("late")
        manage.register_node(cell2, "late", node_uuid)
        deadline = time.monotonic() + 30
        while "late" not in _hosts(manage):
            assert time.monotonic() < deadline, "never discovered"
            time.sleep(0.2)
        assert _hosts(manage)["late"] == cell2
        assert host_aggregates.aggregates_of(manage.ctx, node_uuid) == [
            aggregate.uuid]
    finally:
        cloud.stop()

