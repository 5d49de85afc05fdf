"""Scheduling right after a cell comes back, on the all-in-one of two
cells (compute1 and compute3 in cell1, compute2 and compute4 in cell2),
on every backend: while cell2's conductor and computes are stopped (and
the computes count as down) every boot goes to cell1; once they are up
again, boots go to both cells (the default quota of 10 servers bounds
the test)."""

import pytest

from stratus import context as stratus_context
from tests.functional import cloud as cloud_harness
from tests.functional.conftest import started_cloud

pytestmark = pytest.mark.slow


@pytest.fixture
def two_cells(conf, cell_urls, tmp_path):
    yield from started_cloud(conf, cell_urls, tmp_path / "cloud", hosts=4,
                             cells=2, nodes=1)


def _silence(cloud, cell_name, hosts, seconds_ago):
    cell = next(cell for cell in cloud.cells if cell.name == cell_name)
    cloud_harness.age_heartbeats(cell.database_connection, hosts,
                                 seconds_ago)


def scheduler_ctx(cloud):
    return stratus_context.get_admin_context(cloud.databases)


def _states(api):
    return {svc["host"]: svc["state"] for svc in api.get(
        "/os-services?binary=nova-compute")["services"]}


def _boot(api, image, count):
    ids = [api.post("/servers", {"server": {
        "name": "vm-%d" % index, "flavorRef": "1", "imageRef": image,
        "networks": "none"}})["server"]["id"] for index in range(count)]
    return {api.wait_for_status(server_id, "ACTIVE")[
        "OS-EXT-SRV-ATTR:host"] for server_id in ids}


def test_boots_go_to_both_cells_once_a_cell_is_back(two_cells):
    cloud = two_cells
    api = cloud_harness.StackClient(cloud.apps["compute"])
    image = api.first_image_id()
    cell2 = ["compute2", "compute4"]
    cell2_uuid = next(cell.uuid for cell in cloud.cells
                      if cell.name == "cell2")
    # Cell 2's conductor, then its computes (as the two-cell integration
    # test stops them).
    stopped = [svc for svc in cloud.services
               if svc.binary == "nova-conductor"
               and svc.manager._cell_uuid == cell2_uuid] + [
        svc for svc in cloud.computes if svc.host in cell2]
    assert len(stopped) == 3
    for service in stopped:
        service.stop()
    _silence(cloud, "cell2", cell2, seconds_ago=cloud.conf.service_down_time
             + 10)
    # The scheduler reads the services again, as it does every [scheduler]
    # host_cache_seconds (the test jumped the clock).
    scheduler = next(svc.manager for svc in cloud.services
                     if svc.binary == "nova-scheduler")
    scheduler.host_manager.refresh(scheduler_ctx(cloud))
    assert _states(api) == {"compute1": "up", "compute3": "up",
                            "compute2": "down", "compute4": "down"}
    assert _boot(api, image, 2) <= {"compute1", "compute3"}
    for service in stopped:
        service.start()
    assert set(_states(api).values()) == {"up"}
    hosts = _boot(api, image, 6)
    assert hosts & set(cell2), hosts
    assert hosts & {"compute1", "compute3"}, hosts
