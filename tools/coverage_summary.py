"""Line and branch coverage per package from a coverage.json report
(tools/coverage.sh writes one), for the packages named on the command
line or the default ones.

    .venv/bin/python tools/coverage_summary.py coverage.json [stratus/conductor/ ...]
"""
import json
import sys

PACKAGES = ["stratus/", "stratus/conductor/", "stratus/api/placement/",
            "stratus/placement/"]
_COUNTS = ("num_statements", "covered_lines", "num_branches",
           "covered_branches")


def package_totals(report, prefix):
    """The summed counts of every file under prefix."""
    totals = dict.fromkeys(_COUNTS, 0)
    for path, measured in report["files"].items():
        if path[path.find("stratus/"):].startswith(prefix):
            for count in _COUNTS:
                totals[count] += measured["summary"][count]
    return totals


def _percent(part, whole):
    return 100.0 * part / whole if whole else 100.0


def line(prefix, totals):
    return "%-24s lines %5.1f%% (%d/%d)  branches %5.1f%% (%d/%d)" % (
        prefix,
        _percent(totals["covered_lines"], totals["num_statements"]),
        totals["covered_lines"], totals["num_statements"],
        _percent(totals["covered_branches"], totals["num_branches"]),
        totals["covered_branches"], totals["num_branches"])


def main(argv):
    with open(argv[0]) as report_file:
        report = json.load(report_file)
    for prefix in argv[1:] or PACKAGES:
        print(line(prefix, package_totals(report, prefix)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
