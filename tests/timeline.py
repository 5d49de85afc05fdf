"""Where the suite's time goes: with STRATUS_TEST_TIMELINE=FILE, every
pytest-xdist worker appends one JSON line per test to FILE (node id,
worker, start and end of its set-up, call and teardown, in wall-clock
seconds). `tools/suite_timeline.py FILE` then shows each worker's busy
and idle time, the longest modules and the critical path
(docs/testing.md, "Keeping the suite fast")."""
import json
import os
import time

import pytest

from tests import scheduling

PATH = os.environ.get("STRATUS_TEST_TIMELINE")


class _Recorder:
    def __init__(self, path):
        self.path = path
        self.worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        self.phases = {}

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        self.phases = {}
        started = time.time()
        yield
        line = {"test": item.nodeid, "scope": scheduling.scope_of(item),
                "worker": self.worker,
                "start": round(started, 3), "end": round(time.time(), 3),
                "phases": self.phases}
        with open(self.path, "a") as out:
            out.write(json.dumps(line) + "\n")

    def pytest_runtest_logreport(self, report):
        self.phases[report.when] = round(report.duration, 3)


def register(config):
    if PATH:
        config.pluginmanager.register(_Recorder(PATH), "stratus-timeline")
