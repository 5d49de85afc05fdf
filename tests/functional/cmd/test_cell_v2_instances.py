"""cell_v2 map_instances and verify_instance: what they print and Nova's
exit codes, on every backend."""
import pytest

from stratus.objects import instance_mapping as instance_mapping_obj

pytestmark = pytest.mark.slow


def _verify(manage, server, *argv):
    return manage.run("cell_v2", "verify_instance", "--uuid", server.uuid,
                      *argv)


def test_map_instances_in_batches_resumes_where_it_stopped(manage):
    cell2 = manage.map_cell("cell2")
    servers = [manage.create_instance(cell2, mapped=False)
               for _index in range(5)]
    manage.delete_instance(cell2, servers[4])
    for server in servers:
        assert _verify(manage, server)[0] == 1
    run = ("cell_v2", "map_instances", "--cell_uuid", cell2)
    assert manage.run(*run, "--max-count", "2") == (1, "")
    assert [_verify(manage, server)[0] for server in servers] == [
        0, 0, 1, 1, 1]
    assert manage.run(*run, "--max-count", "2") == (1, "")
    assert manage.run(*run, "--max-count", "2") == (0, "")
    assert [_verify(manage, server)[0] for server in servers] == [
        0, 0, 0, 0, 3]
    mapping = instance_mapping_obj.InstanceMapping.get_by_instance_uuid(
        manage.ctx, servers[4].uuid)
    assert mapping.queued_for_delete
    # Nothing left: a new run maps nothing and says it is done.
    assert manage.run(*run) == (0, "")
    assert manage.run(*run, "--reset", "--max-count", "10") == (0, "")


def test_map_instances_without_max_count_maps_all(manage):
    cell2 = manage.map_cell("cell2")
    servers = [manage.create_instance(cell2, mapped=False)
               for _index in range(3)]
    assert manage.run("cell_v2", "map_instances", "--cell_uuid",
                      cell2) == (0, "")
    assert [_verify(manage, server)[0] for server in servers] == [0, 0, 0]


def test_map_instances_bad_input(manage):
    cell2 = manage.map_cell("cell2")
    for count in ("0", "-3", "many"):
        assert manage.run("cell_v2", "map_instances", "--cell_uuid", cell2,
                          "--max-count", count) == (
            127, "Must supply a positive value for max-count\n")
    assert manage.run("cell_v2", "map_instances", "--cell_uuid", "nope") == (
        1, "Cell with uuid nope was not found.\n")


def test_verify_instance_exit_codes(manage):
    cell1 = manage.cell("cell1")
    server = manage.create_instance(cell1.uuid)
    assert _verify(manage, server) == (0, "Instance %s is in cell: cell1 "
                                       "(%s)\n" % (server.uuid, cell1.uuid))
    assert _verify(manage, server, "--quiet") == (0, "")
    manage.delete_instance(cell1.uuid, server)
    code, out = _verify(manage, server)
    assert code == 3
    assert out.startswith("The instance with uuid %s has been deleted."
                          % server.uuid)
    manage.archive_instance(cell1.uuid, server)
    assert _verify(manage, server) == (
        4, "The instance with uuid %s has been archived.\nHowever its "
        "instance_mapping remains.\n" % server.uuid)
    unmapped = manage.create_instance(cell1.uuid, mapped=False)
    assert _verify(manage, unmapped) == (
        1, "Instance %s is not mapped to a cell (upgrade is incomplete) or "
        "instance does not exist\n" % unmapped.uuid)
    assert _verify(manage, unmapped, "--quiet") == (1, "")
    # Accepted by the API, not yet in a cell.
    instance_mapping_obj.InstanceMapping(
        manage.ctx, instance_uuid=unmapped.uuid, project_id="demo").create()
    assert _verify(manage, unmapped) == (
        2, "Instance %s is not mapped to a cell\n" % unmapped.uuid)
