"""cell_v2 create_cell, update_cell, delete_cell and list_cells: what
they print and Nova's exit codes, on every backend."""
import pytest

from stratus.db import setup as db_setup
from stratus.objects import cell_mapping as cell_mapping_obj
from stratus.objects import host_mapping as host_mapping_obj
from tests.functional.cmd.conftest import TRANSPORT, table_rows

pytestmark = pytest.mark.slow


def _cells(manage):
    return {row[0]: row for row in table_rows(
        manage.run("cell_v2", "list_cells", "--verbose")[1])}


def test_create_cell_exit_codes(manage):
    manage.conf.set_override("transport_url", "")
    assert manage.run("cell_v2", "create_cell", "--name", "cell2") == (
        1, "Must specify --transport-url if [DEFAULT]/transport_url is not "
        "set in the configuration file.\n")
    manage.conf.set_override("transport_url", TRANSPORT)
    manage.conf.clear_override("connection", group="database")
    code, out = manage.run("cell_v2", "create_cell", "--name", "cell2")
    assert code == 1
    assert "Must specify --database_connection" in out
    cell2 = manage.map_cell("cell2")
    assert _cells(manage)["cell2"] == [
        "cell2", cell2, TRANSPORT, manage.urls["cell2"], "False"]
    code, out = manage.run("cell_v2", "create_cell", "--name", "again",
                           "--database_connection", manage.urls["cell2"])
    assert code == 2
    assert ("combination already exists for another cell with uuid %s."
            % cell2) in out
    code, out = manage.run("cell_v2", "create_cell", "--name", "cell3",
                           "--disabled", "--database_connection",
                           manage.urls["cell3"])
    assert code == 0
    assert "using the value [DEFAULT]/transport_url" in out
    assert _cells(manage)["cell3"][4] == "True"


def test_update_cell_changes_what_list_cells_shows(manage):
    cell2 = manage.map_cell("cell2")
    assert manage.run("cell_v2", "update_cell", "--cell_uuid", cell2,
                      "--name", "east", "--transport-url",
                      "rabbit://other@mq2:5672/east")[0] == 0
    assert _cells(manage)["east"] == [
        "east", cell2, "rabbit://other@mq2:5672/east", manage.urls["cell2"],
        "False"]
    assert manage.run("cell_v2", "update_cell", "--cell_uuid", cell2,
                      "--disable") == (0, "")
    assert _cells(manage)["east"][4] == "True"
    assert manage.run("cell_v2", "update_cell", "--cell_uuid", cell2,
                      "--disable") == (0, "Cell %s is already disabled\n"
                                       % cell2)
    assert manage.run("cell_v2", "update_cell", "--cell_uuid", cell2,
                      "--enable")[0] == 0
    assert _cells(manage)["east"][4] == "False"
    assert manage.run("cell_v2", "update_cell", "--cell_uuid", cell2,
                      "--enable") == (0, "Cell %s is already enabled\n"
                                      % cell2)


def test_update_cell_exit_codes(manage, monkeypatch):
    cell2 = manage.map_cell("cell2")
    cell1 = manage.cell("cell1")
    assert manage.run("cell_v2", "update_cell", "--cell_uuid",
                      "no-such-cell", "--name", "x") == (
        1, "Cell with uuid no-such-cell was not found.\n")
    code, out = manage.run(
        "cell_v2", "update_cell", "--cell_uuid", cell2, "--transport-url",
        cell1.transport_url, "--database_connection",
        cell1.database_connection)
    assert code == 3
    assert "already exists for another cell with uuid %s." % cell1.uuid in out
    assert manage.run("cell_v2", "update_cell", "--cell_uuid", cell2,
                      "--disable", "--enable") == (
        4, "Cell cannot be disabled and enabled at the same time.\n")
    assert manage.run("cell_v2", "update_cell", "--cell_uuid",
                      db_setup.CELL0_UUID, "--disable") == (
        5, "Cell0 cannot be disabled.\n")

    def fail(self):
        raise RuntimeError("database went away")
    monkeypatch.setattr(cell_mapping_obj.CellMapping, "save", fail)
    assert manage.run("cell_v2", "update_cell", "--cell_uuid", cell2,
                      "--name", "west") == (
        2, "Unable to update CellMapping: database went away\n")
    monkeypatch.undo()
    assert _cells(manage)["cell2"][1] == cell2


def test_delete_cell_refuses_while_hosts_or_servers_remain(manage):
    cell2 = manage.map_cell("cell2")
    assert manage.run("cell_v2", "delete_cell", "--cell_uuid",
                      "no-such-cell") == (
        1, "Cell with uuid no-such-cell was not found.\n")
    manage.register_node(cell2, "east1")
    assert manage.run("cell_v2", "discover_hosts")[0] == 0
    assert manage.run("cell_v2", "delete_cell", "--cell_uuid", cell2) == (
        2, "There are existing hosts mapped to cell with uuid %s.\n" % cell2)
    server = manage.create_instance(cell2, host="east1")
    # Even --force leaves a cell where a server lives.
    assert manage.run("cell_v2", "delete_cell", "--cell_uuid", cell2,
                      "--force") == (
        3, "There are existing instances mapped to cell with uuid %s.\n"
        % cell2)
    manage.delete_instance(cell2, server)
    assert manage.run("cell_v2", "delete_host", "--cell_uuid", cell2,
                      "--host", "east1")[0] == 0
    code, out = manage.run("cell_v2", "delete_cell", "--cell_uuid", cell2)
    assert code == 4
    assert ("There are instance mappings to cell with uuid %s, but all "
            "instances have been deleted in the cell." % cell2) in out
    assert "cell2" in _cells(manage)


def test_delete_cell_force_takes_hosts_and_mappings_with_it(manage):
    cell2 = manage.map_cell("cell2")
    manage.register_node(cell2, "east1")
    manage.run("cell_v2", "discover_hosts")
    server = manage.create_instance(cell2, host="east1")
    manage.delete_instance(cell2, server)
    assert manage.run("cell_v2", "delete_cell", "--cell_uuid", cell2,
                      "--force") == (0, "")
    assert "cell2" not in _cells(manage)
    assert table_rows(manage.run("cell_v2", "list_hosts")[1]) == []
    assert manage.run("cell_v2", "verify_instance", "--uuid",
                      server.uuid)[0] == 1
    # Its nodes were unmarked: mapped again once a cell has their database.
    cell3 = manage.run("cell_v2", "create_cell", "--name", "again",
                       "--verbose", "--transport-url", TRANSPORT,
                       "--database_connection", manage.urls["cell2"]
                       )[1].strip()
    assert manage.run("cell_v2", "discover_hosts", "--strict")[0] == 0
    assert host_mapping_obj.HostMapping.get_by_host(
        manage.ctx, "east1").cell_mapping.uuid == cell3


def test_delete_an_empty_cell(manage):
    cell2 = manage.map_cell("cell2")
    assert manage.run("cell_v2", "delete_cell", "--cell_uuid", cell2) == (
        0, "")
    assert sorted(_cells(manage)) == ["cell0", "cell1"]
