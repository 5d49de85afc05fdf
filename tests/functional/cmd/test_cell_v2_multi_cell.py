"""The cell_v2 commands on a running cloud of two cells (--cells 2):
what they say of servers and hosts the cloud placed itself."""
import pytest

from tests.functional import cloud as cloud_harness
from tests.functional.cmd.conftest import table_rows

pytestmark = pytest.mark.slow


def test_commands_see_the_cells_of_a_running_cloud(multi_cell_cloud,
                                                   manage):
    api = cloud_harness.StackClient(multi_cell_cloud.apps["compute"])
    cells = {cell.name: cell.uuid for cell in multi_cell_cloud.cells}
    code, out = manage.run("cell_v2", "list_hosts")
    assert code == 0
    assert [row[::2] for row in table_rows(out)] == [
        ["cell1", "compute1"], ["cell2", "compute2"], ["cell1", "compute3"],
        ["cell2", "compute4"]]
    # Hosts mapped themselves on their first report: nothing to discover.
    assert manage.run("cell_v2", "discover_hosts", "--strict")[0] == 1

    image = api.get("/images", version="2.35")["images"][0]["id"]
    server = api.create_server(name="in-cell2", image=image,
                               availability_zone="nova:compute2")
    server_id = server["server"]["id"]
    api.wait_for_status(server_id, "ACTIVE")
    assert manage.run("cell_v2", "verify_instance", "--uuid", server_id) == (
        0, "Instance %s is in cell: cell2 (%s)\n" % (server_id,
                                                     cells["cell2"]))
    assert manage.run("cell_v2", "delete_host", "--cell_uuid",
                      cells["cell2"], "--host", "compute2")[0] == 4
    assert manage.run("cell_v2", "delete_host", "--cell_uuid",
                      cells["cell1"], "--host", "compute2")[0] == 3
    assert manage.run("cell_v2", "delete_cell", "--cell_uuid",
                      cells["cell2"])[0] == 2
    assert manage.run("cell_v2", "delete_cell", "--cell_uuid",
                      cells["cell2"], "--force")[0] == 3
    # The map is as it was.
    assert len(table_rows(manage.run("cell_v2", "list_hosts")[1])) == 4
