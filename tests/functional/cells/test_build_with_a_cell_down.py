"""Boots while one of two cells cannot be reached (its database gone,
for the API, the scheduler and the conductors alike), on the all-in-one
of two cells (compute1 and compute3 in cell1, compute2 and compute4 in
cell2), on every backend: every boot lands in the other cell, whether
the scheduler has seen the cell go down or still offers its hosts (the
conductor, refused by the cell, schedules the server again elsewhere);
no server is left in BUILD. A build a dead conductor left behind is
carried on without waiting for the down cell unless its claim is there.
"""
import logging
import uuid

import pytest

from stratus.conductor.tasks import build as build_task
from stratus import context as stratus_context
from stratus import exception
from stratus.objects import compute_node as compute_node_obj
from stratus.placement import allocations
from tests.functional.cells import fixtures as cell_fixtures
from tests.functional import cloud as cloud_harness
from tests.functional.conftest import started_cloud

pytestmark = pytest.mark.slow

CELL1_HOSTS = {"compute1", "compute3"}


def _two_cells(conf, cell_urls, tmp_path, host_cache_seconds):
    # A cell that refuses is waited for a second, not thirty.
    conf.set_override("db_retry_seconds", 1, group="conductor")
    conf.set_override("host_cache_seconds", host_cache_seconds,
                      group="scheduler")
    yield from started_cloud(conf, cell_urls, tmp_path / "cloud", hosts=4,
                             cells=2, nodes=1)


@pytest.fixture
def two_cells(conf, cell_urls, tmp_path):
    yield from _two_cells(conf, cell_urls, tmp_path, host_cache_seconds=1.0)


@pytest.fixture
def two_cells_stale_view(conf, cell_urls, tmp_path):
    """The scheduler never reads its view of the hosts again on its own:
    it goes on offering the hosts of a cell that went down."""
    yield from _two_cells(conf, cell_urls, tmp_path,
                          host_cache_seconds=3600.0)


def _cell(cloud, name):
    return next(cell for cell in cloud.cells if cell.name == name)


def _take_down(cloud, name):
    ctx = stratus_context.get_admin_context(cloud.databases)
    cell = _cell(cloud, name)
    cell_fixtures.repoint(cloud.databases, ctx, cell.uuid,
                          cell_fixtures.down_url(cloud.databases.api.url))
    return cell


def _boot_all_active(api, count):
    image = api.first_image_id()
    ids = [api.post("/servers", {"server": {
        "name": "vm-%d" % index, "flavorRef": "1", "imageRef": image,
        "networks": "none"}})["server"]["id"] for index in range(count)]
    return {server_id: api.wait_for_status(server_id, "ACTIVE", timeout=90)[
        "OS-EXT-SRV-ATTR:host"] for server_id in ids}


def _none_building(api):
    servers = api.get("/servers/detail?all_tenants=1")["servers"]
    return [server["id"] for server in servers
            if server["status"] == "BUILD"]


def test_boots_go_to_the_cell_that_answers(two_cells):
    cloud = two_cells
    api = cloud_harness.StackClient(cloud.apps["compute"])
    _take_down(cloud, "cell2")
    hosts = _boot_all_active(api, 6)
    assert set(hosts.values()) <= CELL1_HOSTS, hosts
    assert _none_building(api) == []


def test_a_scheduler_that_still_offers_the_down_cell(two_cells_stale_view,
                                                      caplog):
    cloud = two_cells_stale_view
    api = cloud_harness.StackClient(cloud.apps["compute"])
    # The view holds every node (the last time it is read), then the cell
    # goes down.
    scheduler = next(svc.manager for svc in cloud.services
                     if svc.binary == "nova-scheduler")
    scheduler.host_manager.refresh(
        stratus_context.get_admin_context(cloud.databases))
    cell2 = _take_down(cloud, "cell2")
    with caplog.at_level(logging.WARNING,
                         logger="stratus.conductor.tasks.build"):
        hosts = _boot_all_active(api, 4)
    assert set(hosts.values()) <= CELL1_HOSTS, hosts
    assert _none_building(api) == []
    # The scheduler did offer cell2's hosts: the conductor, refused by
    # the cell, scheduled those servers again.
    assert "Cell %s cannot be reached: scheduling" % cell2.uuid in caplog.text


def test_a_left_build_waits_only_when_its_claim_is_in_the_down_cell(
        two_cells):
    cloud = two_cells
    ctx = stratus_context.get_admin_context(cloud.databases)
    nodes = {node.host: node for node in
             compute_node_obj.ComputeNodeList.get_all(ctx)}
    resources = {"VCPU": 1, "MEMORY_MB": 512}

    def claimed_on(host):
        consumer = str(uuid.uuid4())
        allocations.claim(ctx, consumer, "demo", "demo",
                          {nodes[host].uuid: resources})
        return consumer

    on_cell1, on_cell2 = claimed_on("compute1"), claimed_on("compute2")
    unclaimed = str(uuid.uuid4())
    cell2 = _take_down(cloud, "cell2")
    # Not written anywhere that answers, and not claimed in cell2: not
    # created (scheduled again by the resume pass).
    assert build_task.created_in_cell(ctx, unclaimed) == (None, None)
    assert build_task.created_in_cell(ctx, on_cell1) == (None, None)
    # Claimed on a node of cell2: perhaps written there; asked again once
    # the cell answers.
    with pytest.raises(exception.DatabaseUnreachable):
        build_task.created_in_cell(ctx, on_cell2)
    cell_fixtures.repoint(cloud.databases, ctx, cell2.uuid,
                          cell2.database_connection)
    assert build_task.created_in_cell(ctx, on_cell2) == (None, None)
