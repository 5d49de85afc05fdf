"""An all-in-one of two cells (--cells 2): each cell with its own
database, in-process message transport and conductor. Servers land in
both cells, and everything the control plane sends a compute goes
through the compute's cell: a compute of cell2 listens on cell2's
transport only."""
import pytest

from stratus import context as stratus_context
from stratus.objects import host_mapping as host_mapping_obj
from stratus.objects import instance_mapping as instance_mapping_obj
from tests.functional import cloud as cloud_harness


@pytest.fixture
def api(multi_cell_cloud):
    return cloud_harness.StackClient(multi_cell_cloud.apps["compute"])


def _cell_of_host(cloud, host):
    ctx = stratus_context.get_admin_context(cloud.databases)
    return host_mapping_obj.HostMapping.get_by_host(
        ctx, host).cell_mapping.name


def _cell_of_server(cloud, server_id):
    ctx = stratus_context.get_admin_context(cloud.databases)
    mapping = instance_mapping_obj.InstanceMapping.get_by_instance_uuid(
        ctx, server_id)
    return {cell.uuid: cell.name for cell in cloud.cells}[mapping.cell_uuid]


def test_each_cell_has_its_transport_conductor_and_hosts(multi_cell_cloud,
                                                         api):
    cloud = multi_cell_cloud
    assert [(cell.name, cell.transport_url) for cell in cloud.cells] == [
        ("cell1", "inproc:///cell1"), ("cell2", "inproc:///cell2")]
    assert {host: cell.name for host, cell in cloud.host_cells.items()} == {
        "compute1": "cell1", "compute2": "cell2", "compute3": "cell1",
        "compute4": "cell2"}
    for compute in cloud.computes:
        cell = cloud.host_cells[compute.host]
        assert compute.messaging.url == cell.transport_url
        # Registered through its own cell's conductor.
        assert _cell_of_host(cloud, compute.host) == cell.name
    services = api.get("/os-services")["services"]
    conductors = [svc for svc in services
                  if svc["binary"] == "nova-conductor"]
    assert len(conductors) == 2  # one record in each cell
    computes = {svc["host"]: svc["state"] for svc in services
                if svc["binary"] == "nova-compute"}
    assert computes == dict.fromkeys(
        ["compute1", "compute2", "compute3", "compute4"], "up")
    hypervisors = api.get("/os-hypervisors")["hypervisors"]
    assert len(hypervisors) == 4 * 3


def test_servers_land_in_both_cells_and_obey_actions(multi_cell_cloud, api):
    cloud = multi_cell_cloud
    image = api.get("/images", version="2.35")["images"][0]["id"]
    ids = []
    for host in ("compute1", "compute2", "compute3", "compute4"):
        server = api.create_server(name="on-" + host, image=image,
                                   availability_zone="nova:" + host)
        ids.append(server["server"]["id"])
    placed = {}
    for server_id in ids:
        server = api.wait_for_status(server_id, "ACTIVE")
        host = server["OS-EXT-SRV-ATTR:host"]
        placed[server_id] = host
        assert _cell_of_server(cloud, server_id) == \
            cloud.host_cells[host].name
    assert sorted(placed.values()) == ["compute1", "compute2", "compute3",
                                       "compute4"]
    # Actions cast through each server's cell, and the computes of cell2
    # report through cell2's conductor.
    for server_id in ids:
        api.post("/servers/%s/action" % server_id, {"os-stop": None})
    for server_id in ids:
        api.wait_for_status(server_id, "SHUTOFF")
    listed = api.get("/servers/detail")["servers"]
    assert sorted(server["id"] for server in listed) == sorted(ids)
    assert {server["status"] for server in listed} == {"SHUTOFF"}
    for server_id in ids:
        api.delete("/servers/%s" % server_id)
    for server_id in ids:
        api.wait_for_deleted(server_id)
    assert api.get("/servers")["servers"] == []
    usages = api.get("/os-hypervisors/detail",
                     version="2.87")["hypervisors"]
    assert {hypervisor["vcpus_used"] for hypervisor in usages} == {0}
