"""placement heal_allocations on servers of a running cloud whose
allocations were lost: what it prints and Nova's exit codes, on every
backend."""
import uuid

import pytest

from stratus.objects import cell_mapping as cell_mapping_obj
from stratus.placement import allocations

pytestmark = pytest.mark.slow

HEAL = ("manage", "placement", "heal_allocations")


def _allocations(cloud_manage, server):
    return allocations.show_consumer(cloud_manage.ctx, server["id"])


def _lose_allocations(cloud_manage, *servers):
    for server in servers:
        allocations.delete_allocations(cloud_manage.ctx, server["id"])


def test_heal_creates_missing_allocations(cloud_manage):
    first, second = cloud_manage.boot("first"), cloud_manage.boot("second")
    before = _allocations(cloud_manage, first).allocations
    assert before
    assert cloud_manage.run(*HEAL) == (4, "")
    _lose_allocations(cloud_manage, first, second)

    code, out = cloud_manage.run(*HEAL, "--dry-run", "--verbose")
    assert code == 0
    assert "[dry-run] Create allocations for instance %s: " % first["id"] in out
    assert not _allocations(cloud_manage, first).allocations

    code, out = cloud_manage.run(*HEAL, "--max-count", "1", "--verbose")
    assert code == 1
    assert "Max count reached. Processed 1 instances." in out
    healed = _allocations(cloud_manage, first)
    assert healed.allocations == before
    assert (healed.project_id, healed.user_id) == (
        first["tenant_id"], first["user_id"])
    assert not _allocations(cloud_manage, second).allocations

    code, out = cloud_manage.run(*HEAL, "--verbose")
    assert code == 0
    assert ("Instance %s already has allocations with matching consumer "
            "project/user." % first["id"]) in out
    assert "Successfully created allocations for instance %s" % (
        second["id"]) in out
    assert "Processed 1 instances." in out
    assert _allocations(cloud_manage, second).allocations
    assert cloud_manage.run(*HEAL) == (4, "")


def test_heal_one_server_reowns_and_forces(cloud_manage):
    server = cloud_manage.boot()
    held = _allocations(cloud_manage, server)
    # Allocations owned by another project (written before consumers had
    # one, or by a tool) are given back to the server's.
    allocations.replace_allocations(cloud_manage.ctx, [
        allocations.ConsumerAllocations(
            server["id"], held.allocations, "other-project", "other-user",
            held.generation)])
    run = (*HEAL, "--instance", server["id"], "--verbose")
    code, out = cloud_manage.run(*run)
    assert code == 0
    assert "Successfully updated allocations for instance %s." % (
        server["id"]) in out
    assert _allocations(cloud_manage, server).project_id == (
        server["tenant_id"])
    assert cloud_manage.run(*run)[0] == 4
    # --force writes them again from the flavor.
    code, out = cloud_manage.run(*run, "--force")
    assert code == 0
    assert "Successfully created allocations for instance %s" % (
        server["id"]) in out
    assert _allocations(cloud_manage, server).allocations == held.allocations


def test_heal_in_one_cell(cloud_manage):
    server = cloud_manage.boot()
    _lose_allocations(cloud_manage, server)
    cell1 = next(cell.uuid for cell in
                 cell_mapping_obj.CellMappingList.get_all(cloud_manage.ctx)
                 if cell.name == "cell1")
    code, out = cloud_manage.run(*HEAL, "--cell", cell1, "--verbose")
    assert code == 0, out
    assert "Looking for instances in cell: cell1(%s)" % cell1 in out
    assert _allocations(cloud_manage, server).allocations


def test_heal_bad_input(cloud_manage):
    missing = str(uuid.uuid4())
    for argv, message in (
            (("--max-count", "0"),
             "Must supply a positive integer for --max-count."),
            (("--max-count", "x"),
             "Must supply a positive integer for --max-count."),
            (("--cell", missing, "--instance", missing),
             "The --cell and --instance options are mutually exclusive."),
            (("--force",),
             "The --force option requires the --instance option."),
            (("--cell", missing), "Cell with uuid %s was not found." % missing),
            (("--instance", missing),
             "Unable to find cell for instance %s, is it mapped? Try running "
             "'stratus manage cell_v2 verify_instance' or 'stratus manage "
             "cell_v2 map_instances'." % missing)):
        assert cloud_manage.run(*HEAL, *argv) == (127, message + "\n")
