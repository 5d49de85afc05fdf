"""No module of stratus/ over 800 lines: a longer one is split along its
seams (by feature, by capability interface, the object from its queries)."""
import pathlib

import stratus

MAX_LINES = 800
PACKAGE = pathlib.Path(stratus.__file__).parent


def _lines(path):
    with open(path, encoding="utf-8") as handle:
        return sum(1 for _ in handle)


def test_no_module_is_over_800_lines():
    too_long = sorted(
        "stratus/%s (%d lines)" % (relative, count)
        for path in PACKAGE.rglob("*.py")
        if (count := _lines(path)) > MAX_LINES
        for relative in [path.relative_to(PACKAGE).as_posix()])
    assert not too_long, "modules over %d lines: %s" % (
        MAX_LINES, ", ".join(too_long))
