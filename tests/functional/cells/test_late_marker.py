"""A marker whose cell answers its lookup late (issue 15): the page after
it never starts the list again from the top. The marker's lookup is one
read in the cell its instance mapping names; a test seam
(queries.read_marker) holds that read past [api]
list_records_cell_timeout while the cell answers the list itself."""
import threading

import pytest

from stratus.compute_api import queries
from stratus.objects import instance_mapping

# Long enough for a healthy cell on a loaded machine, short for a test.
TIMEOUT = 3.0
pytestmark = pytest.mark.slow


class LateMarker:
    """queries.read_marker held in the marker's cell until released (its
    first `times` reads there; every one when times is None)."""

    def __init__(self, cell_uuid, times):
        self.cell_uuid = cell_uuid
        self.left = times
        self.held = 0
        self.released = threading.Event()
        self.read = queries.read_marker

    def __call__(self, ctx, marker, cell_uuid):
        if cell_uuid == self.cell_uuid and self.left != 0:
            if self.left is not None:
                self.left -= 1
            self.held += 1
            self.released.wait(120)
            return None     # long after the list has answered
        return self.read(ctx, marker, cell_uuid)


@pytest.fixture
def late(cells, monkeypatch):
    """late(marker, times=None): the marker's lookups in its cell answer
    late."""
    cells.conf.set_override("list_records_cell_timeout", TIMEOUT,
                            group="api")
    made = []

    def make(marker, times=None):
        made.append(LateMarker(
            instance_mapping.InstanceMapping.get_by_instance_uuid(
                cells.ctx, marker).cell_uuid, times))
        monkeypatch.setattr(queries, "read_marker", made[-1])
        return made[-1]
    yield make
    for held in made:
        held.released.set()


def _ids(client, query, version):
    return [s["id"] for s in client.get("/servers/detail" + query,
                                        version=version)["servers"]]


def _unavailable(client, query, version):
    response = client.request("GET", "/v2.1/servers/detail" + query,
                              version=version)
    assert response.status_int == 503, response.text
    return response.json["serviceUnavailable"]


@pytest.mark.parametrize("version", ["2.68", "2.69"])
def test_a_late_marker_is_never_the_list_from_the_top(cells, late,
                                                      version):
    cells.populate()
    everything = _ids(cells.demo, "", version)
    assert len(everything) == 17
    marker = everything[4]
    held = late(marker)
    error = _unavailable(cells.demo, "?limit=5&marker=" + marker, version)
    assert error["code"] == 503
    assert marker in error["message"]
    # 2.69 reads the marker once more when its cell answered the list.
    assert held.held == (2 if version == "2.69" else 1)
    held.released.set()
    held.left = 0
    assert _ids(cells.demo, "?limit=5&marker=" + marker,
                version) == everything[5:10]


def test_a_marker_late_once_is_read_again_from_269(cells, late):
    cells.populate()
    everything = _ids(cells.demo, "", "2.69")
    for index in (2, 8):
        marker = everything[index]
        held = late(marker, times=1)
        assert _ids(cells.demo, "?limit=4&marker=" + marker,
                    "2.69") == everything[index + 1:index + 5]
        assert held.held == 1


def test_pages_with_a_down_cell_and_a_late_marker(cells, late):
    """cell2 down: its servers page first as minimal records, the rest
    follow; a page whose marker (one of the rest) is late once is still
    the next page, never the minimal records or the rest again."""
    cells.populate()
    cells.take_down("cell2")
    listed = cells.demo.get("/servers/detail", version="2.69")["servers"]
    everything = [s["id"] for s in listed]
    first_full = [s["status"] == "UNKNOWN" for s in listed].index(False)
    marker = everything[first_full + 1]
    late(marker, times=1)
    assert _ids(cells.demo, "?limit=3&marker=" + marker, "2.69") == (
        everything[first_full + 2:first_full + 5])
    # Late every time: 503, not the minimal records again.
    late(marker)
    _unavailable(cells.demo, "?limit=3&marker=" + marker, "2.69")


def test_a_marker_in_a_down_cell_goes_on_with_its_minimal_records(cells):
    """The marker's cell answers neither its lookup nor the list: the
    marker is one of its minimal records; below 2.69 a 503."""
    cells.conf.set_override("list_records_cell_timeout", TIMEOUT,
                            group="api")
    cells.populate()
    cells.take_down("cell2")
    everything = _ids(cells.demo, "", "2.69")
    assert _ids(cells.demo, "?limit=4&marker=" + everything[1],
                "2.69") == everything[2:6]
    error = _unavailable(cells.demo, "?marker=" + everything[1], "2.68")
    assert "not responding" in error["message"]
