"""Every answer of the Compute, Placement, Identity and Image apps checked against its
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
    template = req.environ.get("stratus.route")
    table = response_schemas.table(api)
    action = _action(req, table, template) if template else None
    version = None if api in response_schemas.UNVERSIONED \
        else req.api_version
    found = response_schemas.problems(
        api, req.method, template, version, response.status_int,
        response.body, action, response.content_type)
    with _lock:
        CHECKED[0] += 1
    if not found:
        return
    if template and table.drifting(req.method, template, version, action):
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
    from stratus.api.identity import app as identity_app
    from stratus.api.image import app as image_app
    from stratus.api.placement import app as placement_app
    _wrap(compute_app.ComputeApp, response_schemas.COMPUTE)
    _wrap(placement_app.PlacementApp, response_schemas.PLACEMENT)
    _wrap(identity_app.IdentityApp, response_schemas.IDENTITY)
    _wrap(image_app.ImageApp, response_schemas.IMAGE)
    _installed.append(True)


def take_violations():
    with _lock:
        found = list(VIOLATIONS)
        del VIOLATIONS[:]
    return found
