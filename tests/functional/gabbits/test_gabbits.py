"""Declarative API tests: the YAML files beside this module, run by gabbi.

Each file under placement/, compute/, network/ or volume/ is one feature: a sequence of
requests with their expected status, headers and JSONPath values. One
pytest test runs one file from its first request to its last against a
fresh app on each database backend (the ``databases`` fixture's
parameters, as every other database test), in-process: gabbi's httpx
client calls the WSGI app directly, no socket.

Gabbi builds its HTTP clients when it builds the tests, before the app of
the database being tested exists, so every client is given the same
``_AppSlot``, which forwards each request to the app of the running test.

Writing a file: docs/testing.md ("Declarative API tests").
"""
import pathlib
import re
import unittest

import pytest
from gabbi import handlers
from gabbi import suitemaker
from gabbi import utils

from stratus.api.placement import app as placement_app
from tests.functional import cloud as cloud_harness

GABBITS = pathlib.Path(__file__).parent
_EXCEPTION_LINE = re.compile(r"[A-Za-z_.]*(Error|Exception)\b")


class _AppSlot:
    """A WSGI app forwarding to whichever app the running test put in."""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


_SLOT = _AppSlot()


def _yaml_files(api):
    return sorted((GABBITS / api).glob("*.yaml"))


def _file_suite(path):
    """The gabbi suite of one YAML file: its requests, in order."""
    handler_objects = [handler() for handler in handlers.RESPONSE_HANDLERS]
    return suitemaker.test_suite_from_dict(
        unittest.TestLoader(), path.stem, utils.load_yaml(yaml_file=str(path)),
        str(path.parent), "stratus.test", 80, None, lambda: _SLOT,
        handlers=handler_objects, test_loader_name="gabbits")


def run_file(path, app):
    """Every request of the file against app; a failure names the request
    that failed and what it expected."""
    _SLOT.app = app
    result = unittest.TestResult()
    try:
        _file_suite(path).run(result)
    finally:
        _SLOT.app = None
    problems = result.failures + result.errors + [
        (test, "passed but is marked xfail")
        for test in result.unexpectedSuccesses]
    if problems:
        pytest.fail("\n\n".join("%s\n%s" % (test.id(), _last_error(text))
                                for test, text in problems), pytrace=False)
    assert result.testsRun, "no request in %s" % path


def _last_error(traceback_text):
    """The exception at the end of a traceback, without gabbi's frames."""
    lines = traceback_text.rstrip().splitlines()
    starts = [i for i, line in enumerate(lines)
              if _EXCEPTION_LINE.match(line)]
    return "\n".join(lines[starts[-1]:] if starts else lines)


@pytest.mark.parametrize("path", _yaml_files("placement"),
                         ids=lambda path: path.stem)
def test_placement(path, conf, databases):
    run_file(path, placement_app.make_app(conf, databases))


@pytest.mark.parametrize("path", _yaml_files("compute"),
                         ids=lambda path: path.stem)
def test_compute(path, conf, cloud):
    if path.stem.startswith("networks"):
        cloud_harness.seed_networks(cloud)
    run_file(path, cloud.apps["compute"])


@pytest.mark.parametrize("path", _yaml_files("network"),
                         ids=lambda path: path.stem)
def test_network(path, conf, databases):
    from stratus.api.network import app as network_app
    run_file(path, network_app.make_app(conf, databases))


@pytest.mark.parametrize("path", _yaml_files("volume"),
                         ids=lambda path: path.stem)
def test_volume(path, conf, databases, tmp_path):
    from stratus.api.volume import app as volume_app
    conf.set_override("volumes_dir", str(tmp_path), "cinder")
    try:
        app = volume_app.VolumeApp(conf, databases)
        try:
            run_file(path, app)
        finally:
            app.worker.pool.shutdown(wait=True)
    finally:
        conf.clear_override("volumes_dir", "cinder")


def test_every_api_has_files():
    assert (_yaml_files("placement") and _yaml_files("compute")
            and _yaml_files("network") and _yaml_files("volume"))
