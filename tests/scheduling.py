"""How the suite's tests are spread over the pytest-xdist workers.

A unit of work is a module, or an xdist_group (which may span modules):
a module's tests stay on one worker, so its module-scoped fixtures (a
served Neutron, a cloud of real guests) are made once. The units are
handed out longest first, by the seconds tests/durations.json gives
(written from a run's timeline by `tools/suite_timeline.py --write`),
so that the units that take minutes start at once and the workers end
on short ones together (docs/testing.md, "Keeping the suite fast")."""
import json
import os

from xdist.scheduler import loadgroup

DURATIONS = os.path.join(os.path.dirname(__file__), "durations.json")
# A module that is not in the file yet (a new one): most take seconds.
UNKNOWN_SECONDS = 2.0


def group_of(item):
    for mark in item.iter_markers("xdist_group"):
        return str(mark.args[0] if mark.args else
                   mark.kwargs.get("name", "default"))
    return None


def scope_of_nodeid(nodeid):
    """A unit's name: the xdist group pytest-xdist appended ("@group"),
    else the module."""
    if nodeid.rfind("@") > nodeid.rfind("]"):
        return nodeid.rsplit("@", 1)[1]
    return nodeid.split("::", 1)[0]


def scope_of(item):
    return group_of(item) or item.nodeid.split("::", 1)[0]


def expected_seconds():
    try:
        with open(DURATIONS) as source:
            return json.load(source)
    except (OSError, ValueError):
        return {}


def longest_first(items):
    """Sort items in place: units by expected seconds, longest first; a
    unit's tests together, in their collected order."""
    seconds = expected_seconds()
    first_seen = {}
    for index, item in enumerate(items):
        first_seen.setdefault(scope_of(item), index)

    def key(item):
        scope = scope_of(item)
        return (-seconds.get(scope, UNKNOWN_SECONDS), first_seen[scope])
    items.sort(key=key)


class ModuleOrGroupScheduling(loadgroup.LoadGroupScheduling):
    """pytest-xdist's loadgroup, with a module (not a single test) as the
    unit of an ungrouped test, and the units kept in the collected order
    (longest_first's), not re-sorted by their number of tests."""

    def __init__(self, config, log=None):
        super().__init__(config, log)
        config.option.loadscopereorder = False

    def _split_scope(self, nodeid):
        return scope_of_nodeid(nodeid)
