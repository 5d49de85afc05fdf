"""cell_v2 discover_hosts (by compute node and --by-service), list_hosts
and delete_host: what they print and Nova's exit codes, on every
backend."""
import uuid

import pytest

from stratus.objects import aggregate as aggregate_obj
from stratus.objects import host_mapping as host_mapping_obj
from stratus.placement import host_aggregates
from stratus.placement import providers
from tests.functional.cmd.conftest import table_rows

pytestmark = pytest.mark.slow


def _hosts(manage, *argv):
    code, out = manage.run("cell_v2", "list_hosts", *argv)
    assert code == 0
    return table_rows(out)


def test_discover_hosts_maps_new_hosts_of_every_cell(manage):
    cell2 = manage.map_cell("cell2")
    node = manage.register_node(cell2, "east1")
    code, out = manage.run("cell_v2", "discover_hosts", "--verbose")
    assert code == 0
    assert out.splitlines() == [
        "Found 3 cell mappings.",
        "Skipping cell0 since it does not contain hosts.",
        "Getting computes from cell 'cell1': %s" % manage.cell("cell1").uuid,
        "Found 0 unmapped computes in cell: %s" % manage.cell("cell1").uuid,
        "Getting computes from cell 'cell2': %s" % cell2,
        "Found 1 unmapped computes in cell: %s" % cell2,
        "Checking host mapping for compute host 'east1': %s" % node.uuid,
        "Creating host mapping for compute host 'east1': %s" % node.uuid]
    assert _hosts(manage) == [["cell2", cell2, "east1"]]
    # The node is marked mapped: the next run does not look at it again.
    code, out = manage.run("cell_v2", "discover_hosts", "--verbose",
                           "--strict", "--cell_uuid", cell2)
    assert code == 1
    assert "Found 0 unmapped computes in cell: %s" % cell2 in out
    manage.register_node(cell2, "east2")
    assert manage.run("cell_v2", "discover_hosts", "--strict") == (0, "")
    assert [row[2] for row in _hosts(manage, "--cell_uuid", cell2)] == [
        "east1", "east2"]
    assert manage.run("cell_v2", "discover_hosts", "--cell_uuid",
                      "no-such-cell") == (
        1, "Cell with uuid no-such-cell was not found.\n")


def test_discover_hosts_by_service(manage):
    cell2 = manage.map_cell("cell2")
    manage.register_service(cell2, "ironic1")  # a host with no node yet
    assert manage.run("cell_v2", "discover_hosts", "--strict")[0] == 1
    code, out = manage.run("cell_v2", "discover_hosts", "--by-service",
                           "--strict", "--verbose")
    assert code == 0
    assert "Found 1 computes in cell: %s" % cell2 in out
    assert "Host ironic1 is not mapped to cell %s" % cell2 in out
    assert _hosts(manage) == [["cell2", cell2, "ironic1"]]
    assert manage.run("cell_v2", "discover_hosts", "--by-service",
                      "--strict")[0] == 1


def test_discover_hosts_collision_exits_2(manage, monkeypatch):
    cell2 = manage.map_cell("cell2")
    manage.register_node(cell2, "east1")
    # Another discovery maps the host between this one's look and write.
    cell = manage.cell("cell2")
    host_mapping_obj.HostMapping(manage.ctx, host="east1",
                                 cell_mapping=cell).create()
    looks = []
    real_look = host_mapping_obj._mapped_hosts

    def look_before_it_was_mapped(context, hosts):
        found = real_look(context, hosts)
        if "east1" in hosts and not looks:
            looks.append(hosts)
            return found - {"east1"}
        return found
    monkeypatch.setattr(host_mapping_obj, "_mapped_hosts",
                        look_before_it_was_mapped)
    code, out = manage.run("cell_v2", "discover_hosts")
    assert code == 2
    assert out.startswith("ERROR: Duplicate host mapping was encountered.")
    assert "Host 'east1' mapping already exists" in out


def test_a_discovered_host_joins_its_aggregates_in_placement(manage):
    """What a host's first report did: its nodes' providers join the
    placement aggregates of the host aggregates that list it."""
    cell2 = manage.map_cell("cell2")
    node = manage.register_node(cell2, "east1")
    providers.ensure_provider(manage.ctx, node.uuid, node.hypervisor_hostname)
    aggregate = aggregate_obj.Aggregate(manage.ctx, uuid=str(uuid.uuid4()),
                                        name="fast")
    aggregate.create()
    aggregate.add_host("east1")
    assert host_aggregates.aggregates_of(manage.ctx, node.uuid) == []
    assert manage.run("cell_v2", "discover_hosts", "--strict")[0] == 0
    assert host_aggregates.aggregates_of(manage.ctx, node.uuid) == [
        aggregate.uuid]


def test_list_hosts_of_an_unknown_cell(manage):
    assert manage.run("cell_v2", "list_hosts", "--cell_uuid", "nope") == (
        1, "Cell with uuid nope was not found.\n")


def test_delete_host_exit_codes(manage):
    cell1 = manage.cell("cell1").uuid
    cell2 = manage.map_cell("cell2")
    manage.register_node(cell2, "east1")
    manage.register_node(cell1, "west1")
    manage.run("cell_v2", "discover_hosts")
    assert manage.run("cell_v2", "delete_host", "--cell_uuid", "nope",
                      "--host", "east1") == (
        1, "Cell with uuid nope was not found.\n")
    assert manage.run("cell_v2", "delete_host", "--cell_uuid", cell2,
                      "--host", "nowhere") == (
        2, "The host nowhere was not found.\n")
    assert manage.run("cell_v2", "delete_host", "--cell_uuid", cell2,
                      "--host", "west1") == (
        3, "The host west1 was not found in the cell %s.\n" % cell2)
    server = manage.create_instance(cell2, host="east1")
    assert manage.run("cell_v2", "delete_host", "--cell_uuid", cell2,
                      "--host", "east1") == (
        4, "There are instances on the host east1.\n")
    manage.delete_instance(cell2, server)
    assert manage.run("cell_v2", "delete_host", "--cell_uuid", cell2,
                      "--host", "east1") == (0, "")
    assert _hosts(manage) == [["cell1", cell1, "west1"]]
    # Its node is unmarked: discovery maps the host again.
    assert manage.run("cell_v2", "discover_hosts", "--strict")[0] == 0
    assert [row[2] for row in _hosts(manage)] == ["east1", "west1"]
