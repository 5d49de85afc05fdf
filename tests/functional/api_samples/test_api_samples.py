"""The API samples (docs/api_samples, as Nova's doc/api_samples) replayed
against the in-process cloud: a response that drifts from its sample
fails, naming the sample and the difference.

Values that differ from run to run (uuids, timestamps, host ids,
addresses, passwords, ids from database sequences) are compared as placeholders, so a
sample keeps realistic values for its readers. After a deliberate change
of a response, ``STRATUS_API_SAMPLES=write`` rewrites the samples that
drifted (and writes missing ones); review the diff.
"""
import difflib
import importlib.util
import json
import os
import pathlib
import re
import time

import pytest
import webob
import yaml

from tests.functional import cloud as cloud_harness

ROOT = pathlib.Path(__file__).resolve().parents[3]
SAMPLES = ROOT / "docs" / "api_samples"
INDEX = SAMPLES / "index.yaml"
WRITE = os.environ.get("STRATUS_API_SAMPLES") == "write"

_VARYING_TEXT = [
    # a console URL's one-use token (secrets.token_urlsafe(32)), plain or
    # URL-quoted inside noVNC's path
    (re.compile(r"(?<=token=)[\w-]{43}|(?<=token%3D)[\w-]{43}"),
     "%(token)s"),
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
                r"[0-9a-f]{12}"), "%(uuid)s"),
    (re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?"
                r"(Z|[+-]\d\d:\d\d)?"), "%(isotime)s"),
    (re.compile(r"\b[0-9a-f]{56}\b"), "%(hostid)s"),
    (re.compile(r"instance-[0-9a-f]{8}"), "%(instance_name)s"),
    (re.compile(r"(?<![0-9a-f:])([0-9a-f]{2}:){5}[0-9a-f]{2}(?![0-9a-f:])"),
     "%(mac)s"),
    (re.compile(r"\b\d{1,3}(\.\d{1,3}){3}\b"), "%(ip)s"),
]
# Keys whose values are generated (or counted by a database sequence).
_VARYING_KEYS = {"adminPass": "%(password)s", "OS-EXT-SRV-ATTR:reservation_id":
                 "%(reservation_id)s", "OS-EXT-SRV-ATTR:launch_index": None}
# Usage reports: what servers used up to the moment of the request.
_VARYING_KEYS.update(dict.fromkeys(
    ("hours", "total_hours", "total_local_gb_usage", "total_memory_mb_usage",
     "total_vcpus_usage", "uptime"), "%(usage)s"))
_KEYPAIR_ID = "%(keypair_id)s"


def entries():
    with open(INDEX) as index:
        return yaml.safe_load(index)


def normalize(value, key=None, varying=()):
    """value with its varying parts replaced by placeholders (and the
    values of the keys an entry names as varying: measured figures)."""
    if key in varying:
        return "%%(%s)s" % key
    if key in _VARYING_KEYS and _VARYING_KEYS[key]:
        return _VARYING_KEYS[key]
    if isinstance(value, dict):
        if "public_key" in value and isinstance(value.get("id"), int):
            value = dict(value, id=_KEYPAIR_ID)
        return {k: normalize(v, k, varying) for k, v in value.items()}
    if isinstance(value, list):
        return [normalize(item, varying=varying) for item in value]
    if isinstance(value, str):
        for pattern, placeholder in _VARYING_TEXT:
            value = pattern.sub(placeholder, value)
    return value


def _field(body, dotted):
    for key in dotted.split("."):
        body = body[int(key)] if isinstance(body, list) else body[key]
    return body


def _request(app, method, path, body=None, version=None, token="admin:admin",
             roles=None):
    headers = {"Accept": "application/json"}
    if token:
        headers["X-Auth-Token"] = token
    if roles:
        headers["X-Roles"] = roles
    if version and version != "none":
        headers["OpenStack-API-Version"] = "compute %s" % version
    req = webob.Request.blank(path, method=method, headers=headers)
    if body is not None:
        req.body = json.dumps(body).encode()
        req.content_type = "application/json"
    return req.get_response(app)


def _until(send, expected, timeout=10):
    """send() repeated until its body has every expected value."""
    deadline = time.monotonic() + timeout
    while True:
        response = send()
        body = response.json if response.body else {}
        if all(_field(body, path) == value
               for path, value in expected.items()):
            return response
        assert time.monotonic() < deadline, (expected, response.text)
        time.sleep(0.02)


def _replay(app, entry, saved):
    method, path = entry["request"].split(" ", 1)
    path = path.format(**saved)
    request_file = SAMPLES / (entry["sample"] + "-req.json")
    body = None
    if request_file.exists():
        text = request_file.read_text()
        for name, value in saved.items():
            text = text.replace("{%s}" % name, str(value))
        body = json.loads(text)
    version, token = entry["version"], entry.get("token", "admin:admin")
    before = entry.get("before")
    if before:
        _until(lambda: _request(app, "GET", before["path"].format(**saved),
                                version=version, token=token),
               before["until"])
    send = lambda: _request(app, method, path, body, version, token,  # noqa: E731
                            entry.get("roles"))
    response = _until(send, entry["until"]) if "until" in entry else send()
    assert response.status_int == entry["status"], (
        entry["sample"], response.status, response.text)
    for name, dotted in entry.get("save", {}).items():
        saved[name] = _field(response.json, dotted)
    return response.json if response.body else None


def _drift(entry, actual):
    """How actual differs from the sample, or None when they agree."""
    sample_file = SAMPLES / (entry["sample"] + "-resp.json")
    if actual is None:
        return ("%s: no body expected, but the sample exists" % sample_file
                if sample_file.exists() else None)
    expected = (json.loads(sample_file.read_text())
                if sample_file.exists() else None)
    varying = tuple(entry.get("varying", ()))
    if expected is not None and normalize(expected, varying=varying) == \
            normalize(actual, varying=varying):
        return None
    if WRITE:
        sample_file.write_text(json.dumps(actual, indent=4) + "\n")
        return None
    return "%s drifted:\n%s" % (sample_file.relative_to(SAMPLES.parent), "\n".join(
        difflib.unified_diff(
            json.dumps(normalize(expected, varying=varying), indent=1,
                       sort_keys=True).splitlines(),
            json.dumps(normalize(actual, varying=varying), indent=1,
                       sort_keys=True).splitlines(),
            "sample", "response", lineterm="")))


def test_every_sample_matches_its_response(sqlite_cloud):
    app, saved, drifts = sqlite_cloud.apps["compute"], {}, []
    cloud_harness.seed_networks(sqlite_cloud)
    for entry in entries():
        drift = _drift(entry, _replay(app, entry, saved))
        if drift:
            drifts.append(drift)
    if drifts:
        pytest.fail("\n\n".join(drifts), pytrace=False)


def test_every_sample_file_is_in_the_index():
    named = {entry["sample"] for entry in entries()}
    files = {str(path.relative_to(SAMPLES))[:-len(suffix)]
             for suffix in ("-req.json", "-resp.json")
             for path in SAMPLES.rglob("*" + suffix)}
    assert files <= named, "sample files the index does not name: %s" % (
        sorted(files - named))
    assert len(named) == len(entries()), "a sample is named twice"


def test_the_docs_page_shows_every_sample():
    spec = importlib.util.spec_from_file_location(
        "api_samples_docs", ROOT / "tools" / "api_samples_docs.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    with open(tool.PAGE) as page:
        assert page.read() == tool.render(), (
            "docs/api-samples.md is stale: run tools/api_samples_docs.py")
