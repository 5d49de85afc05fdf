"""Quota usage with one of three cells down, on every backend. Servers
are counted from the instance mappings either way; vCPUs and RAM come
from the cells (the down cell's are missing: Nova's documented reason for
the option) or, with [quota] count_usage_from_placement, from placement's
allocations plus the build requests that hold none yet."""
import uuid

from stratus.placement import allocations
from stratus.placement import providers
from tests.functional.cells import fixtures

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
