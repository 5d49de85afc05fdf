"""The conductor's memory of the cells of recent instances: bounded, the
least recently seen forgotten first."""
from stratus.conductor import manager


def test_the_least_recently_seen_is_forgotten_first():
    cells = manager._RecentCells(size=2)
    cells.remember("a", "cell1")
    cells.remember("b", "cell2")
    cells.remember("a", "cell1")
    cells.remember("c", "cell1")
    assert (cells.get("a"), cells.get("b"), cells.get("c")) == (
        "cell1", None, "cell1")
