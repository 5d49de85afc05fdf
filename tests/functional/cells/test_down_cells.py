"""Lists with one of three real cells down: its database unreachable, or
slow (a port that accepts and never answers). From 2.69 its servers show
as minimal records, first, and page with the others; below 2.69 they are
left out; either way the list answers within [api]
list_records_cell_timeout, and the other cells' servers are all there in
order."""
import time

import pytest

from tests.functional.cells import fixtures

# Long enough for a healthy cell on a loaded machine, short for a test.
TIMEOUT = 3.0


def _order(cells, uuids):
    return fixtures.nova_order(
        [{"uuid": uuid, "created_at": cells.instance(uuid).created_at}
         for uuid in uuids], ["created_at"], ["desc"])


def _split(cells, placed, down="cell2"):
    """(the demo project's uuids in the down cell, newest first as their
    mappings are; the others in Nova's default order), read before the
    cell goes down."""
    down_uuid = cells.cells[down]
    mine = [uuid for uuid in placed.values()
            if cells.instance(uuid).project_id == "demo"]
    lost = [mapping.instance_uuid for mapping in
            cells.app.compute_api.down_cell_servers(cells.ctx, [down_uuid],
                                                    project_id="demo")]
    return lost, _order(cells, [uuid for uuid in mine if uuid not in lost])


def _walk(client, query, limit, version):
    seen = []
    query = "%s%slimit=%d" % (query, "&" if query else "?", limit)
    while True:
        page = client.get("/servers/detail" + query, version=version)
        seen += [(s["id"], s["status"]) for s in page["servers"]]
        links = page.get("servers_links")
        if not links:
            return seen
        query = "?" + links[0]["href"].split("?", 1)[1]


@pytest.mark.parametrize("how", ["unreachable", "slow"])
def test_a_down_cell_in_lists(cells, how):
    cells.conf.set_override("list_records_cell_timeout", TIMEOUT,
                            group="api")
    placed = cells.populate()
    lost, up = _split(cells, placed)
    cells.take_down("cell2", how)
    assert len(lost) == 6 and len(up) == 11

    started = time.monotonic()
    listed = cells.demo.get("/servers/detail", version="2.69")["servers"]
    elapsed = time.monotonic() - started
    assert [(s["id"], s["status"]) for s in listed] == (
        [(uuid, "UNKNOWN") for uuid in lost]
        + [(uuid, listed[len(lost) + i]["status"])
           for i, uuid in enumerate(up)])
    assert all(s["status"] != "UNKNOWN" for s in listed[len(lost):])
    assert set(listed[0]) == {"id", "status", "links", "tenant_id",
                              "created"}
    # Generous: the cell is waited for once, never by connect timeouts.
    assert elapsed < 3 * TIMEOUT + 2

    # Pages walk the minimal records, then the rest, each once.
    for limit in ((1, 3, 5, 7, 20) if how == "unreachable" else (4,)):
        walked = _walk(cells.demo, "", limit, "2.69")
        assert [uuid for uuid, _ in walked] == lost + up, limit
    # Below 2.69 the down cell's servers are left out.
    assert [s["id"] for s in cells.demo.get(
        "/servers/detail", version="2.68")["servers"]] == up
    assert [uuid for uuid, _ in _walk(cells.demo, "", 4, "2.68")] == up
    # Filtered or sorted lists leave them out at any version.
    assert [s["id"] for s in cells.demo.get(
        "/servers?sort_key=created_at", version="2.69")["servers"]] == up
    # Admins see every project's.
    everyone = cells.admin.get("/servers?all_tenants=1",
                               version="2.69")["servers"]
    assert len([s for s in everyone if s.get("status") == "UNKNOWN"]) == 6
    assert len(everyone) == 20


def test_a_slow_cell_answers_within_the_timeout(cells):
    cells.conf.set_override("list_records_cell_timeout", TIMEOUT,
                            group="api")
    placed = cells.populate()
    lost, up = _split(cells, placed, down="cell3")
    cells.take_down("cell3", "slow")
    for path, version in (("/servers", "2.1"), ("/servers/detail", "2.68"),
                          ("/servers/detail", "2.100")):
        started = time.monotonic()
        listed = cells.demo.get(path, version=version)["servers"]
        assert time.monotonic() - started < 3 * TIMEOUT + 2, path
        assert [s["id"] for s in listed] == (lost if version == "2.100"
                                             else []) + up


def test_lists_fail_with_a_down_cell_when_configured(cells):
    cells.conf.set_override("list_records_by_skipping_down_cells", False,
                            group="api")
    cells.populate()
    cells.take_down("cell3")
    response = cells.demo.request("GET", "/v2.1/servers", version="2.69")
    assert response.status_int == 503, response.text
    assert "is not responding" in (
        response.json["serviceUnavailable"]["message"])


def test_a_cell_coming_back(cells, cell_urls):
    placed = cells.populate()
    lost, up = _split(cells, placed)
    everything = _order(cells, lost + up)
    cells.take_down("cell2")
    assert len(cells.demo.get("/servers", version="2.68")["servers"]) == 11
    cells.bring_back("cell2", cell_urls["cell2"])
    assert [s["id"] for s in cells.demo.get(
        "/servers", version="2.69")["servers"]] == everything
