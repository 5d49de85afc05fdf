"""GET /servers and /servers/detail over three real host cells (and
cell0) on every backend: Nova's order for every sort key and direction,
pages that walk every server exactly once whichever cell their marker is
in, markers of deleted servers, changes-since / changes-before and the
filters, all merged across the cells."""
import datetime

import pytest

from stratus.api.schemas import servers as schemas
from tests.functional.cells import fixtures

VERSION = "2.100"
SORT_KEYS = schemas.SORT_KEYS + ["locked"]


def _ids(client, query, version=VERSION, path="/servers/detail"):
    return [s["id"] for s in client.get(path + query,
                                        version=version)["servers"]]


def _walk(client, query, limit, path="/servers"):
    """Every page of a list, following its next links: the ids in order."""
    seen = []
    query = "%s%slimit=%d" % (query, "&" if query else "?", limit)
    while True:
        page = client.get(path + query, version=VERSION)
        seen += [s["id"] for s in page["servers"]]
        assert len(page["servers"]) <= limit
        links = page.get("servers_links")
        if not links:
            return seen
        assert links[0]["rel"] == "next"
        query = "?" + links[0]["href"].split("?", 1)[1]


def _rows(cells, placed):
    rows = []
    for uuid in placed.values():
        instance = cells.instance(uuid)
        row = {key: instance.get(key) for key in SORT_KEYS}
        row["uuid"] = uuid
        rows.append(row)
    return rows


def test_default_order_merges_cells_newest_first_ties_by_id(cells):
    placed = cells.populate()
    rows = _rows(cells, placed)
    expected = fixtures.nova_order(rows, ["created_at"], ["desc"])
    assert _ids(cells.admin, "?all_tenants=1") == expected
    assert _ids(cells.admin, "?all_tenants=1", path="/servers") == expected
    # Pages of every size walk each server exactly once.
    for limit in (1, 4, 7, 20, 25):
        assert _walk(cells.admin, "?all_tenants=1", limit) == expected
    demo = [row for row in rows
            if cells.instance(row["uuid"]).project_id == "demo"]
    assert _walk(cells.demo, "", 5) == fixtures.nova_order(
        demo, ["created_at"], ["desc"])


def test_every_sort_key_and_direction(cells):
    rows = _rows(cells, cells.populate())
    for key in SORT_KEYS:
        for direction in ("asc", "desc"):
            query = "?all_tenants=1&sort_key=%s&sort_dir=%s" % (key,
                                                               direction)
            expected = fixtures.nova_order(rows, [key], [direction])
            assert _ids(cells.admin, query) == expected, query
            assert _walk(cells.admin, query, 6) == expected, query


@pytest.mark.parametrize("keys,dirs", [
    (["host", "display_name"], ["asc", "desc"]),
    (["display_name", "created_at"], ["desc", "asc"]),
    (["vm_state", "key_name", "launched_at"], ["asc"]),
    (["availability_zone", "progress"], []),
    (["locked", "host", "uuid"], ["desc", "asc", "desc"]),
    (["uuid"], ["asc"]),
])
def test_several_sort_keys(cells, keys, dirs):
    rows = _rows(cells, cells.populate())
    query = "?all_tenants=1" + "".join("&sort_key=" + k for k in keys) + (
        "".join("&sort_dir=" + d for d in dirs))
    expected = fixtures.nova_order(rows, keys, dirs)
    assert _ids(cells.admin, query) == expected
    assert _walk(cells.admin, query, 5) == expected


def test_a_marker_in_any_cell(cells):
    placed = cells.populate()
    expected = fixtures.nova_order(_rows(cells, placed), ["display_name"],
                                   ["asc"])
    query = "?all_tenants=1&sort_key=display_name&sort_dir=asc"
    by_cell = {}
    for position, uuid in enumerate(expected):
        by_cell.setdefault(cells.instance(uuid).cell_uuid, position)
    assert len(by_cell) == 4  # a marker from cell0 and each host cell
    for position in by_cell.values():
        marker = expected[position]
        assert _ids(cells.admin, query + "&marker=" + marker) == (
            expected[position + 1:])
        assert _ids(cells.admin, query + "&limit=3&marker=" + marker) == (
            expected[position + 1:position + 4])


def test_markers_of_deleted_and_unknown_servers(cells):
    placed = cells.populate()
    expected = fixtures.nova_order(
        [row for row in _rows(cells, placed)
         if cells.instance(row["uuid"]).project_id == "demo"],
        ["created_at"], ["desc"])
    gone = expected[5]
    cells.instance(gone).destroy()
    # A deleted server is still a marker (Nova reads it with
    # read_deleted=yes); the list goes on after where it stood.
    assert _ids(cells.demo, "?marker=" + gone) == expected[6:]
    assert _ids(cells.admin, "?all_tenants=1&deleted=true") == [gone]
    for marker in ("00000000-0000-0000-0000-00000000abcd", "nope"):
        response = cells.demo.request("GET", "/v2.1/servers?marker=" + marker,
                                      version=VERSION)
        assert response.status_int == 400, response.text
        assert response.json["badRequest"]["message"] == (
            "marker [%s] not found" % marker)
    # Another project's server is no marker for a member.
    theirs = next(uuid for uuid in placed.values()
                  if cells.instance(uuid).project_id == "other")
    response = cells.demo.request("GET", "/v2.1/servers?marker=" + theirs,
                                  version=VERSION)
    assert response.status_int == 400, response.text


def test_changes_since_and_before_across_cells(cells):
    placed = cells.populate()
    rows = _rows(cells, placed)
    updated = {uuid: cells.instance(uuid).updated_at
               for uuid in placed.values()}
    since = fixtures.START + datetime.timedelta(hours=1, minutes=6)
    before = fixtures.START + datetime.timedelta(hours=1, minutes=13)

    def stamp(moment):
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    def between(low, high):
        return fixtures.nova_order(
            [row for row in rows
             if (low is None or updated[row["uuid"]] >= low)
             and (high is None or updated[row["uuid"]] <= high)],
            ["created_at"], ["desc"])

    query = "?all_tenants=1&changes-since=" + stamp(since)
    assert _ids(cells.admin, query) == between(since, None)
    assert len(between(since, None)) == 12
    query += "&changes-before=" + stamp(before)
    assert _ids(cells.admin, query) == between(since, before)
    assert len(between(since, before)) == 8
    assert _walk(cells.admin, query, 3) == between(since, before)
    # A server deleted in the window shows, as DELETED, in any cell.
    gone = between(since, before)[-1]
    cells.instance(gone).destroy()
    listed = cells.admin.get("/servers/detail?all_tenants=1&changes-since="
                             + stamp(since), version=VERSION)["servers"]
    assert {s["id"]: s["status"] for s in listed}[gone] == "DELETED"


def test_filters_across_cells(cells):
    placed = cells.populate()
    rows = {uuid: cells.instance(uuid, expected_attrs=["tags"])
            for uuid in placed.values()}

    def expect(check, project="demo"):
        return fixtures.nova_order(
            [{"uuid": uuid, "created_at": inst.created_at}
             for uuid, inst in rows.items()
             if check(inst) and (project is None
                                 or inst.project_id == project)],
            ["created_at"], ["desc"])

    demo, admin = cells.demo, cells.admin
    assert _ids(demo, "?name=^vm-0[12]$") == expect(
        lambda i: i.display_name in ("vm-01", "vm-02"))
    assert _ids(demo, "?status=SHUTOFF") == expect(
        lambda i: i.vm_state == "stopped")
    assert _ids(demo, "?status=ERROR") == expect(
        lambda i: i.vm_state == "error")
    assert len(_ids(demo, "?status=ERROR")) == 2
    assert _ids(demo, "?tags=even") == expect(
        lambda i: "even" in i.tags)
    assert _ids(demo, "?not-tags=even") == expect(
        lambda i: "even" not in i.tags)
    assert _ids(demo, "?locked=true") == expect(lambda i: i.locked)
    assert _ids(demo, "?locked=false&name=vm-03") == expect(
        lambda i: not i.locked and i.display_name == "vm-03")
    assert _ids(demo, "?flavor=2") == expect(
        lambda i: i.instance_type_id == cells.flavor("2").id)
    assert _ids(admin, "?all_tenants=1&host=h2") == expect(
        lambda i: i.host == "h2", project=None)
    assert _ids(admin, "?all_tenants=1&project_id=other") == expect(
        lambda i: True, project="other")
    assert _ids(admin, "?all_tenants=1") == expect(lambda i: True,
                                                   project=None)
    assert _ids(admin, "?all_tenants=1&availability_zone=az1") == expect(
        lambda i: i.availability_zone == "az1", project=None)
    assert _walk(admin, "?all_tenants=1&tags=odd", 2) == expect(
        lambda i: "odd" in i.tags, project=None)
    # Without all_tenants an admin sees the own project only.
    assert _ids(admin, "") == []


def test_a_busy_cell_gives_further_batches(cells):
    """A page larger than a cell's batch (a tenth over its share, at least
    20) reads the next batches of the cell the merge runs through."""
    placed = {}
    for index in range(45):
        cell = "cell1" if index % 15 else ("cell2", "cell3")[index % 2]
        placed[index] = cells.place(
            cell=cell, name="vm-%02d" % index,
            created_at=fixtures.START + datetime.timedelta(minutes=index))
    expected = [placed[index].uuid for index in reversed(range(45))]
    assert _ids(cells.demo, "?limit=40") == expected[:40]
    assert _ids(cells.demo, "") == expected
    assert _walk(cells.demo, "", 30) == expected
    ascending = "?sort_key=display_name&sort_dir=asc"
    assert _walk(cells.demo, ascending, 44) == expected[::-1]
