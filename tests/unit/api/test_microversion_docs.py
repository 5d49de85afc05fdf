"""docs/microversions.md lists every Compute API microversion exactly once,
with a summary and a status (adding a microversion needs its doc row)."""
import collections
import pathlib
import re

from stratus.api import microversion

DOC = pathlib.Path(__file__).resolve().parents[3] / "docs" / "microversions.md"
_ROW = re.compile(r"^\|\s*(\d+)\.(\d+)\s*\|(.*)\|(.*)\|\s*$")
_STATUS = re.compile(r"^(done|partial \(|not done \(|n/a until #\d+|n/a: )")


def _rows():
    rows = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line)
        if match:
            rows.append(((int(match.group(1)), int(match.group(2))),
                         match.group(3).strip(), match.group(4).strip()))
    return rows


def _expected_versions():
    major, low = microversion.MIN_VERSION
    high_major, high = microversion.MAX_VERSION
    assert major == high_major
    return [(major, minor) for minor in range(low, high + 1)]


def test_every_version_has_exactly_one_row():
    counts = collections.Counter(version for version, _, _ in _rows())
    expected = _expected_versions()
    missing = [microversion.to_string(v) for v in expected if not counts[v]]
    repeated = [microversion.to_string(v) for v, n in counts.items() if n > 1]
    unknown = [microversion.to_string(v) for v in counts
               if v not in expected]
    assert not missing, "no row in %s for %s" % (DOC.name, missing)
    assert not repeated, "more than one row for %s" % repeated
    assert not unknown, "rows for versions not served: %s" % unknown


def test_rows_are_in_order():
    versions = [version for version, _, _ in _rows()]
    assert versions == sorted(versions)


def test_every_row_has_a_summary_and_a_status():
    for version, summary, status in _rows():
        name = microversion.to_string(version)
        assert summary, "%s has no summary" % name
        assert _STATUS.match(status), "%s has no known status: %r" % (
            name, status)
