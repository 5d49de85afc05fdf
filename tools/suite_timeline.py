"""Summarise a test run's timeline (tests/timeline.py): the wall time,
each worker's span and the share of it spent per module, the longest
modules and the longest set-ups (a set-up that waits on the real-guest
lock shows here).

    STRATUS_TEST_TIMELINE=/tmp/timeline.jsonl bash tools/test.sh
    python3 tools/suite_timeline.py /tmp/timeline.jsonl [--write]

--write stores each unit's seconds (a module, or an xdist group) in
tests/durations.json, which tests/scheduling.py hands out longest first.
"""
import collections
import json
import os
import sys


DURATIONS = os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "tests", "durations.json")


def _module(nodeid):
    return nodeid.split("::", 1)[0]


def _scope(line):
    """The unit tests/timeline.py recorded (tests/scheduling.scope_of)."""
    return line.get("scope") or _module(line["test"])


def unit_seconds(lines, at_least=1.0):
    """Seconds per unit of work (module or xdist group), the longest
    first; units shorter than at_least are left to the default."""
    totals = collections.Counter()
    for line in lines:
        totals[_scope(line)] += line["end"] - line["start"]
    return {scope: round(seconds, 1) for scope, seconds
            in totals.most_common() if seconds >= at_least}


def summarise(lines, top=25):
    if not lines:
        return "no tests in the timeline"
    begin = min(line["start"] for line in lines)
    end = max(line["end"] for line in lines)
    out = ["wall %.0f s, %d tests" % (end - begin, len(lines)), "",
           "worker  first   last   busy  tests"]
    by_worker = collections.defaultdict(list)
    for line in lines:
        by_worker[line["worker"]].append(line)
    for worker, tests in sorted(by_worker.items()):
        busy = sum(t["end"] - t["start"] for t in tests)
        out.append("%-6s %6.0f %6.0f %6.0f %6d" % (
            worker, min(t["start"] for t in tests) - begin,
            max(t["end"] for t in tests) - begin, busy, len(tests)))
    modules = collections.defaultdict(lambda: [0.0, 0, set(), None, 0.0])
    for line in lines:
        entry = modules[_module(line["test"])]
        entry[0] += line["end"] - line["start"]
        entry[1] += 1
        entry[2].add(line["worker"])
        entry[3] = min(line["start"], entry[3] or line["start"])
        entry[4] = max(line["end"], entry[4])
    out += ["", "module (top %d by time)   seconds  tests  from-to  workers"
            % top]
    for name, (seconds, count, workers, first, last) in sorted(
            modules.items(), key=lambda kv: -kv[1][0])[:top]:
        out.append("%-60s %6.0f %5d %5.0f-%-5.0f %s" % (
            name, seconds, count, first - begin, last - begin,
            ",".join(sorted(workers))))
    out += ["", "units (module or xdist group, top %d)" % top]
    for scope, seconds in list(unit_seconds(lines).items())[:top]:
        out.append("%-60s %6.0f" % (scope, seconds))
    out += ["", "longest set-ups"]
    setups = sorted(lines, key=lambda t: -t["phases"].get("setup", 0))
    for line in setups[:top // 2]:
        out.append("%7.1f s  %s (%s at %.0f s)" % (
            line["phases"].get("setup", 0), line["test"], line["worker"],
            line["start"] - begin))
    out += ["", "longest tests"]
    for line in sorted(lines, key=lambda t: t["start"] - t["end"])[:top]:
        out.append("%7.1f s  %s (%s at %.0f s)" % (
            line["end"] - line["start"], line["test"], line["worker"],
            line["start"] - begin))
    return "\n".join(out)


def main(argv):
    with open(argv[1]) as source:
        lines = [json.loads(text) for text in source if text.strip()]
    print(summarise(lines))
    if "--write" in argv[2:]:
        with open(DURATIONS, "w") as out:
            json.dump(unit_seconds(lines), out, indent=0, sort_keys=True)
            out.write("\n")
        print("wrote", DURATIONS)


if __name__ == "__main__":
    main(sys.argv)
