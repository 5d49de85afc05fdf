"""Requests to the volume app, and waiting for a volume's status."""
import time

import webob

from tests.functional.network.test_port_races import _at_once as at_once  # noqa: F401,E501 - threads started together

TOKEN = "alice:project-a"
ADMIN = "admin:project-a"


def request(app, method, path, body=None, token=TOKEN, version=None):
    headers = {"X-Auth-Token": token, "Accept": "application/json"}
    if version:
        headers["OpenStack-API-Version"] = "volume " + version
    req = webob.Request.blank(path, method=method, headers=headers)
    if body is not None:
        req.json = body
    response = req.get_response(app)
    return response.status_int, response.json if response.body else None


def settled(app, path, key, busy=("creating", "deleting", "extending",
                                  "downloading"), token=TOKEN):
    """The document at path once its status is not a busy one (None once
    it is gone); waits for the worker's jobs, asserting no time."""
    for _ in range(6000):
        status, body = request(app, "GET", path, token=token)
        if status == 404:
            return None
        if body[key]["status"] not in busy:
            return body[key]
        time.sleep(0.01)
    raise AssertionError("still busy: %s" % body)


def make_volume(app, size=1, token=TOKEN, **fields):
    status, body = request(app, "POST", "/v3/volumes",
                           {"volume": dict(size=size, **fields)},
                           token=token)
    assert status == 202, body
    return settled(app, "/v3/volumes/" + body["volume"]["id"], "volume",
                   token=token)
