"""Every answer of the Compute and Placement apps checked against its
response schema (stratus/api/response_schemas.py), in-process.

``install()`` wraps the apps' ``finish`` hook (which sees every answer,
errors included); the test suite installs it for every test
(tests/conftest.py) and fails a test that saw an answer breaking its
schema, or a success with no schema. Answers at a (route, microversion)
in a KNOWN_DRIFT table are counted apart, not failed on.
"""
import threading

from stratus.api import response_schemas

_lock = threading.Lock()
VIOLATIONS = []
DRIFT = []
CHECKED = [0]
_installed = []


def _action(req, table, template):
    if req.method != "POST" or not table.actions("POST", template):
        return None
    body = req.environ.get("stratus.json_body")
    if isinstance(body, dict) and len(body) == 1:
        return next(iter(body))
    return None


def check(api, req, response):
    """Check one answer; record what is wrong with it."""
    if response.content_type and "json" not in response.content_type \
            and response.status_int < 400 and response.body:
        found = ["%s %s: a %s body" % (req.method, req.path,
                                       response.content_type)]
        _record(VIOLATIONS, found)
        return
    template = req.environ.get("stratus.route")
    table = response_schemas.table(api)
    action = _action(req, table, template) if template else None
    found = response_schemas.problems(
        api, req.method, template, req.api_version, response.status_int,
        response.body, action)
    with _lock:
        CHECKED[0] += 1
    if not found:
        return
    if template and table.drifting(req.method, template, req.api_version,
                                   action):
        _record(DRIFT, found)
    else:
        _record(VIOLATIONS, found)


def _record(target, found):
    with _lock:
        target.extend(found)


def _wrap(cls, api):
    original = cls.finish

    def finish(self, req, response):
        original(self, req, response)
        try:
            check(api, req, response)
        except Exception as exc:  # noqa: BLE001 - a checker bug is a failure too
            _record(VIOLATIONS, ["%s %s: the check failed: %r"
                                 % (req.method, req.path, exc)])
    finish.__wrapped__ = original
    cls.finish = finish


def install():
    if _installed:
        return
    from stratus.api.compute import app as compute_app
    from stratus.api.placement import app as placement_app
    _wrap(compute_app.ComputeApp, response_schemas.COMPUTE)
    _wrap(placement_app.PlacementApp, response_schemas.PLACEMENT)
    _installed.append(True)


def take_violations():
    with _lock:
        found = list(VIOLATIONS)
        del VIOLATIONS[:]
    return found
