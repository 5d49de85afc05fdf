"""Quota usage with one of three cells down, on every backend. Servers
are counted from the instance mappings either way; vCPUs and RAM come
from the cells (the down cell's are missing: Nova's documented reason for
the option) or, with [quota] count_usage_from_placement, from placement's
allocations plus the build requests that hold none yet."""
import uuid

import pytest

from stratus.db import statement_count
from stratus.objects import cross_cell
from stratus.objects import instance
from stratus.objects import instance_mapping
from stratus.objects import migration
from stratus.placement import allocations
from stratus.placement import providers
from tests.functional.cells import fixtures
from tests.functional.cells.cross_cell_env import MOVER

IMAGE = fixtures.server_fixtures.IMAGE_ID


class Placement:
    """One resource provider that the placed servers' allocations use."""

    def __init__(self, cells):
        self.ctx = cells.ctx
        self.uuid = str(uuid.uuid4())
        providers.ensure_provider(self.ctx, self.uuid, "node-1")
        providers.set_inventories(self.ctx, self.uuid, {
            "VCPU": providers.Inventory(total=1000),
            "MEMORY_MB": providers.Inventory(total=10 ** 7)})

    def allocate(self, instance, project_id="demo", user_id="demo"):
        allocations.claim(self.ctx, instance.uuid, project_id, user_id, {
            self.uuid: {"VCPU": instance.vcpus,
                        "MEMORY_MB": instance.memory_mb}})


def _populate(cells):
    """Servers of the demo project in cell1 and cell2 (allocated in
    placement); {cell: (servers, vCPUs, MB of RAM)}."""
    placement = Placement(cells)
    sizes = {}
    for cell, flavors in (("cell1", ["1", "2"]), ("cell2", ["2", "2", "1"]),
                          ("cell3", [])):
        total = [0, 0, 0]
        for flavorid in flavors:
            instance = cells.place(cell=cell, flavorid=flavorid)
            placement.allocate(instance)
            total = [total[0] + 1, total[1] + instance.vcpus,
                     total[2] + instance.memory_mb]
        sizes[cell] = tuple(total)
    # another project's server counts for nobody here
    placement.allocate(cells.place(cell="cell2", project_id="other",
                                   user_id="other"), "other", "other")
    return placement, sizes


def _in_use(cells):
    detail = cells.admin.get("/os-quota-sets/demo/detail")["quota_set"]
    absolute = cells.demo.get("/limits")["limits"]["absolute"]
    used = (detail["instances"]["in_use"], detail["cores"]["in_use"],
            detail["ram"]["in_use"])
    assert used == (absolute["totalInstancesUsed"],
                    absolute["totalCoresUsed"], absolute["totalRAMUsed"])
    return used


def _sum(*sizes):
    return tuple(sum(values) for values in zip(*sizes))


def test_usage_from_the_cells_misses_a_down_cell(cells):
    _, sizes = _populate(cells)
    assert _in_use(cells) == _sum(sizes["cell1"], sizes["cell2"])
    cells.take_down("cell2")
    servers = sizes["cell1"][0] + sizes["cell2"][0]
    # Servers still count (their mappings); the down cell's vCPUs and RAM
    # do not, as in Nova.
    assert _in_use(cells) == (servers,) + sizes["cell1"][1:]


def test_usage_from_placement_counts_a_down_cell(cells):
    cells.conf.set_override("count_usage_from_placement", True,
                            group="quota")
    placement, sizes = _populate(cells)
    everything = _sum(sizes["cell1"], sizes["cell2"])
    assert _in_use(cells) == everything
    cells.take_down("cell2")
    assert _in_use(cells) == everything
    # A server not scheduled yet counts from its build request, until
    # placement holds its allocation (then once, from placement).
    created = cells.demo.create_server(name="new", image=IMAGE,
                                       flavor="1")["server"]["id"]
    tiny = cells.flavor("1")
    with_new = _sum(everything, (1, tiny.vcpus, tiny.memory_mb))
    assert _in_use(cells) == with_new
    placement.allocate(cells.build_request(created).instance)
    assert _in_use(cells) == with_new


def test_quota_checks_with_a_down_cell(cells):
    _, sizes = _populate(cells)
    used_cores = sizes["cell1"][1] + sizes["cell2"][1]
    cells.admin.put("/os-quota-sets/demo",
                    {"quota_set": {"cores": used_cores + 1}})
    cells.take_down("cell2")
    big = {"server": {"name": "big", "flavorRef": "2", "imageRef": IMAGE,
                      "networks": "none"}}
    # Counted from the cells, the down cell's vCPUs are missing: the
    # create passes although the project is at its limit.
    response = cells.demo.request("POST", "/v2.1/servers", big,
                                  version="2.37")
    assert response.status_int == 202, response.text
    cells.conf.set_override("count_usage_from_placement", True,
                            group="quota")
    response = cells.demo.request("POST", "/v2.1/servers", big,
                                  version="2.37")
    assert response.status_int == 403, response.text
    assert "Quota exceeded for cores" in (
        response.json["forbidden"]["message"])


def _move_between_cells(cells, instance, source, target):
    """The server in a move from source to target at the instant of the
    switch: its migration (cross-cell, in progress) and a copy of it
    shown in the target cell, both copies visible."""
    with cells.ctx.target_cell(cells.cells[source]) as cctx:
        migration.Migration(
            cctx, instance_uuid=instance.uuid, migration_type="resize",
            status=migration.Status.FINISHED, cross_cell_move=True,
            source_compute="host1", dest_compute="host2",
            project_id="demo", user_id="demo").create()
    cross_cell.copy_instance(cells.ctx, instance.uuid, cells.cells[source],
                             cells.cells[target], hidden=False)


def test_a_server_in_the_switch_of_a_cross_cell_move_counts_once(cells):
    moving = cells.place(cell="cell1", flavorid="2")
    staying = cells.place(cell="cell2", flavorid="1")
    expected = _sum(*[(1, server.vcpus, server.memory_mb)
                      for server in (moving, staying)])
    assert _in_use(cells) == expected
    _move_between_cells(cells, moving, "cell1", "cell2")
    # Both copies shown, the mapping still names the source; then the
    # mapping moved; then the source's copy hidden.
    assert _in_use(cells) == expected
    mapping = instance_mapping.InstanceMapping.get_by_instance_uuid(
        cells.ctx, moving.uuid)
    mapping.cell_uuid = cells.cells["cell2"]
    mapping.save()
    assert _in_use(cells) == expected
    cross_cell.set_hidden(cells.ctx, moving.uuid, cells.cells["cell1"], True)
    assert _in_use(cells) == expected


def test_only_the_cells_holding_the_project_are_read(cells):
    """A quota count reads the cells where the project has servers; a
    cell down elsewhere is never asked."""
    server = cells.place(cell="cell1", flavorid="2")
    cell2 = cells.databases.cell(cells.cells["cell2"]).engine.url.database
    cells.take_down("cell3")
    down = cells.databases.cell(cells.cells["cell3"]).engine.url.database
    counter = statement_count.StatementCounter()
    try:
        counter.running = True
        assert _in_use(cells) == (1, server.vcpus, server.memory_mb)
    finally:
        counter.remove()
    read = {key.rsplit(" ", 1)[0] for key in counter.counts}
    assert cells.databases.cell(cells.cells["cell1"]).engine.url.database \
        in read
    assert not read & {cell2, down}, read


def test_a_deleted_server_of_a_cell_counts_no_more(cells):
    """A server a cell deleted (its mapping not yet queued for delete by
    the super conductor's pass) counts no more, in a cell where the
    project has nothing else."""
    kept = cells.place(cell="cell1", flavorid="1")
    gone = cells.place(cell="cell2", flavorid="2")
    with cells.ctx.target_cell(cells.cells["cell2"]) as cctx:
        instance.Instance.get_by_uuid(cctx, gone.uuid).destroy()
    assert _in_use(cells) == (1, kept.vcpus, kept.memory_mb)


@pytest.mark.slow
def test_usage_during_a_real_cross_cell_move_counts_the_server_once(
        env, monkeypatch):
    """Between every two writes of a cross-cell move's switch and of its
    revert, the project's usage is what it was before the move."""
    moving = env.boot("compute1")["id"]
    env.boot("compute2")  # so that the target cell is read too

    def usage():
        absolute = env.api.get("/limits")["limits"]["absolute"]
        return (absolute["totalInstancesUsed"], absolute["totalCoresUsed"],
                absolute["totalRAMUsed"])
    before = usage()
    seen = []

    def counted_after(owner, name):
        real = getattr(owner, name)

        def call(*args, **kwargs):
            result = real(*args, **kwargs)
            seen.append((name, usage()))
            return result
        monkeypatch.setattr(owner, name, call)
    for name in ("sync_actions", "sync_user_data", "set_hidden",
                 "purge_instance"):
        counted_after(cross_cell, name)
    counted_after(instance_mapping.InstanceMapping, "save")
    env.act(moving, {"migrate": {"host": "compute2"}}, roles=MOVER,
            version="2.56")
    env.settled(moving, {"VERIFY_RESIZE"})
    env.act(moving, {"revertResize": None})
    env.settled(moving, {"ACTIVE"})
    assert {"set_hidden", "save", "purge_instance"} <= {
        name for name, _ in seen}
    assert [counted for _, counted in seen] == [before] * len(seen)
