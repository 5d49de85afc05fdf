"""/healthcheck, /metrics and the access log of the all-in-one's four
APIs, served over HTTP on loopback."""
import json
import logging
import re
import time
import urllib.error
import urllib.request

import pytest
import webob

from stratus.db import api as db_api
from stratus.observability import endpoints
from stratus import rpc
from tests.functional import cloud as cloud_harness

APIS = ("compute", "identity", "image", "placement")


@pytest.fixture
def http_cloud(conf, sqlite_cloud_urls, tmp_path):
    cloud = cloud_harness.start_cloud(conf, sqlite_cloud_urls, tmp_path,
                                      serve_http=True)
    yield cloud
    cloud.stop()


def fetch(url, method="GET", headers=None):
    """(status, headers, body text) of a plain HTTP request."""
    request = urllib.request.Request(url, method=method,
                                     headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def test_healthcheck_answers_ok_on_every_api(http_cloud):
    for api in APIS:
        url = http_cloud.endpoint(api) + "/healthcheck"
        status, headers, body = fetch(url)
        assert (status, body) == (200, "OK")
        assert headers["Content-Type"].startswith("text/plain")
        status, _, body = fetch(url, headers={"Accept": "application/json"})
        assert status == 200
        assert json.loads(body) == {"detailed": False, "reasons": ["OK"]}
        status, _, body = fetch(url, method="HEAD")
        assert (status, body) == (204, "")


def test_healthcheck_hides_details_by_default(http_cloud):
    url = http_cloud.endpoint("compute") + "/healthcheck"
    _, _, body = fetch(url, headers={"Accept": "application/json"})
    assert "sqlite" not in body and "database" not in body
    _, _, body = fetch(url, headers={"Accept": "text/html"})
    assert "sqlite" not in body and "Thread" not in body


def test_healthcheck_detailed_lists_each_database_and_the_broker(
        conf, sqlite_cloud_urls, tmp_path):
    conf.set_override("detailed", True, group="healthcheck")
    cloud = cloud_harness.start_cloud(conf, sqlite_cloud_urls, tmp_path,
                                      serve_http=True)
    try:
        status, _, body = fetch(cloud.endpoint("placement") + "/healthcheck",
                                headers={"Accept": "application/json"})
    finally:
        cloud.stop()
    document = json.loads(body)
    assert status == 200 and document["detailed"] is True
    details = document["reasons"][0]["details"]
    for name in ("process", "database api", "database cell0",
                 "database cell1", "broker"):
        assert re.search(r"^%s: OK" % name, details, re.M), details


def _health(operations, accept="text/plain"):
    app = operations.wrap("compute", _no_api, "127.0.0.1")
    response = webob.Request.blank(
        "/healthcheck", headers={"Accept": accept}).get_response(app)
    return response.status_int, response.text


def _no_api(environ, start_response):
    raise AssertionError("the API app was reached")


def test_healthcheck_reports_an_unreachable_database_and_broker(conf):
    # Nothing listens on port 1 of loopback: a database server and a
    # broker that are down.
    conf.set_override("check_timeout", 5, group="healthcheck")
    databases = db_api.Databases("postgresql+psycopg2://stratus:secret@"
                                 "127.0.0.1:1/stratus_api")
    messaging = rpc.Messaging(conf, url="rabbit://guest:secret@127.0.0.1:1/")
    try:
        operations = endpoints.Operations(conf, databases, messaging)
        assert _health(operations) == (503, "UNAVAILABLE: broker, database")
        conf.set_override("detailed", True, group="healthcheck")
        status, body = _health(endpoints.Operations(conf, databases,
                                                    messaging),
                               accept="application/json")
    finally:
        messaging.cleanup()
        databases.dispose()
    assert status == 503
    details = json.loads(body)["reasons"][0]["details"]
    assert re.search(r"^process: OK", details, re.M)
    assert re.search(r"^database api: OperationalError", details, re.M)
    assert re.search(r"^broker: \w+", details, re.M)
    assert "secret" not in details


def test_healthcheck_of_a_process_without_database_or_broker(conf):
    operations = endpoints.Operations(conf)
    assert _health(operations) == (200, "OK")


def call_compute(cloud, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        cloud.endpoint("compute") + "/v2.1" + path, method=method, data=data,
        headers={"X-Auth-Token": cloud_harness.ADMIN,
                 "Content-Type": "application/json",
                 "OpenStack-API-Version": "compute 2.100"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def samples(text):
    """{(name, frozenset of label pairs): value} of an exposition."""
    found = {}
    for line in text.splitlines():
        match = re.match(r"^(\w+)(?:\{(.*)\})? (\S+)$", line)
        if match:
            labels = frozenset(re.findall(r'(\w+)="([^"]*)"',
                                          match.group(2) or ""))
            found[(match.group(1), labels)] = float(match.group(3))
    return found


def value(found, name, **labels):
    return found.get((name, frozenset(labels.items())))


def test_metrics_count_requests_rpc_scheduling_claims_and_servers(
        http_cloud):
    client = cloud_harness.StackClient(http_cloud.apps["compute"])
    image = client.first_image_id()
    server = call_compute(http_cloud, "POST", "/servers", {"server": {
        "name": "watched", "flavorRef": "1", "imageRef": image,
        "networks": "none"}})["server"]
    client.wait_for_status(server["id"], "ACTIVE")
    call_compute(http_cloud, "GET", "/servers/%s" % server["id"])
    # One that fits no host (and no default quota).
    client.put("/os-quota-sets/admin", {"quota_set": {"cores": -1}})
    client.post("/flavors", {"flavor": {"name": "huge", "id": "huge",
                                        "ram": 512, "vcpus": 1000,
                                        "disk": 1}})
    unplaced = client.create_server(name="too-big", flavor="huge",
                                    image=image)["server"]
    client.wait_for_status(unplaced["id"], "ERROR")

    status, headers, body = fetch(http_cloud.endpoint("compute") + "/metrics")
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain; version=")
    found = samples(body)
    assert value(found, "stratus_api_requests_total", api="compute",
                 route="/v2.1/servers", method="POST", status="202") == 1
    # The route template, not the server's id, labels the request.
    assert value(found, "stratus_api_requests_total", api="compute",
                 route="/v2.1/servers/{server_id}", method="GET",
                 status="200") == 1
    assert value(found, "stratus_api_request_duration_seconds_count",
                 api="compute", route="/v2.1/servers", method="POST") == 1
    # Both creates (the second through the app in-process) cast a build.
    assert value(found, "stratus_rpc_messages_total", topic="conductor",
                 method="schedule_and_build_instances", kind="cast",
                 outcome="ok") == 2
    assert value(found, "stratus_rpc_messages_total", topic="scheduler",
                 method="select_destinations", kind="call",
                 outcome="error") == 1
    assert value(found, "stratus_rpc_call_duration_seconds_count",
                 topic="scheduler", method="select_destinations") == 2
    assert value(found, "stratus_scheduler_decision_duration_seconds_count",
                 outcome="selected") == 1
    assert value(found, "stratus_scheduler_decision_duration_seconds_count",
                 outcome="no_valid_host") == 1
    assert value(found, "stratus_placement_claims_total",
                 outcome="success") == 1
    assert value(found, "stratus_servers", cell="cell0", state="error") == 1
    assert value(found, "stratus_servers", cell="cell1",
                 state="active") == 1
    assert value(found, "stratus_servers_cell_up", cell="cell1") == 1
    # Every API's listener has its own series in the one registry.
    _, _, body = fetch(http_cloud.endpoint("placement") + "/metrics")
    assert value(samples(body), "stratus_api_requests_total",
                 api="compute", route="/v2.1/servers", method="POST",
                 status="202") == 1


def test_each_cloud_counts_only_its_own_requests(http_cloud, conf):
    from stratus import conf as stratus_conf
    from stratus.observability import metrics
    other = stratus_conf.build_conf()
    fetch(http_cloud.endpoint("identity") + "/v3")
    assert metrics.for_conf(other).registry is not \
        metrics.for_conf(conf).registry
    assert b"stratus_api_requests_total{" not in \
        metrics.for_conf(other).exposition()[0]


def test_metrics_only_on_loopback_listeners_by_default(conf):
    app = endpoints.Operations(conf).wrap("compute", endpoints.not_found,
                                          "192.0.2.10")
    response = webob.Request.blank("/metrics").get_response(app)
    assert response.status_int == 404
    conf.set_override("on_public_listeners", True, group="metrics")
    app = endpoints.Operations(conf).wrap("compute", endpoints.not_found,
                                          "192.0.2.10")
    response = webob.Request.blank("/metrics").get_response(app)
    assert response.status_int == 200
    assert b"# TYPE stratus_api_requests_total counter" in response.body


ACCESS_LOGGED = [
    ("compute", "/v2.1/flavors?limit=1"),
    ("identity", "/v3"),
    ("image", "/v2/images?limit=2"),
    ("placement", "/resource_providers?name=x"),
]


def test_access_log_line_per_request(http_cloud, caplog):
    headers = {"X-Auth-Token": cloud_harness.ADMIN}
    for api, path in ACCESS_LOGGED:
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="stratus.api.access"):
            status, response_headers, body = fetch(
                http_cloud.endpoint(api) + path, headers=headers)
            line = _access_line(caplog)
        assert line.levelno == logging.INFO
        assert line.request_id == response_headers["x-openstack-request-id"]
        assert line.getMessage() == (
            '127.0.0.1 "GET %s" status: %d len: %d time: %.1f ms'
            % (path, status, len(body.encode()), line.duration_ms))
        assert (line.api, line.method, line.path, line.status,
                line.bytes) == (api, "GET", path, status, len(body.encode()))


def _access_line(caplog):
    """The one access log record; it is written once the server has sent
    the last byte, which may be just after the client has read it."""
    deadline = time.monotonic() + 10
    while True:
        lines = [record for record in caplog.records
                 if record.name == "stratus.api.access"]
        if lines or time.monotonic() > deadline:
            assert len(lines) == 1, lines
            return lines[0]
        time.sleep(0.01)
