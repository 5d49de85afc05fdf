"""Health of the services without an API: the health listener of
`stratus scheduler|conductor|compute` ([DEFAULT] healthcheck_port), and
the dependency check against each real database backend and RabbitMQ."""
import json
import os
import signal
import subprocess
import sys

import pytest
import webob

from bench import deploy
from stratus.observability import endpoints
from stratus import rpc

STRATUS = os.path.join(os.path.dirname(sys.executable), "stratus")


def _health(operations, accept="application/json"):
    app = operations.wrap("health", endpoints.not_found, "127.0.0.1")
    response = webob.Request.blank(
        "/healthcheck", headers={"Accept": accept}).get_response(app)
    return response.status_int, response.text


def test_every_database_of_the_cloud_is_checked(conf, databases):
    conf.set_override("detailed", True, group="healthcheck")
    status, body = _health(endpoints.Operations(conf, databases))
    assert status == 200
    details = json.loads(body)["reasons"][0]["details"].splitlines()
    dialect = databases.api.engine.dialect.name
    assert [line.split(" (")[0] for line in details] == [
        "process: OK", "database api: OK", "database cell0: OK",
        "database cell1: OK"]
    assert all(dialect in line for line in details[1:])


@pytest.mark.integration
def test_a_running_rabbitmq_is_reachable(conf):
    conf.set_override("detailed", True, group="healthcheck")
    messaging = rpc.Messaging(conf, url=deploy.RABBIT)
    try:
        status, body = _health(endpoints.Operations(conf, None, messaging))
    finally:
        messaging.cleanup()
    assert status == 200, body
    assert "broker: OK" in json.loads(body)["reasons"][0]["details"]


@pytest.mark.slow
def test_scheduler_process_serves_health_and_metrics(sqlite_cloud_urls,
                                                     tmp_path):
    port = deploy.free_port()
    config = tmp_path / "scheduler.conf"
    deploy.write_config(str(config), {
        # The in-process transport: this scheduler must not take other
        # tests' messages from a shared broker.
        "DEFAULT": {"healthcheck_port": port, "host": "sched-test",
                    "transport_url": "inproc://"},
        "api_database": {"connection": sqlite_cloud_urls["api"]},
        "database": {"connection": sqlite_cloud_urls["cell1"]},
        "healthcheck": {"check_timeout": 30},
    })
    process = subprocess.Popen(
        [STRATUS, "scheduler", "--config-file", str(config)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        url = "http://127.0.0.1:%d" % port
        deploy.wait_http(url + "/healthcheck", process=process)
        status, body = _fetch(url + "/healthcheck")
        assert (status, body) == (200, "OK")
        status, body = _fetch(url + "/metrics")
        assert status == 200
        assert "# TYPE stratus_scheduler_decision_duration_seconds " \
               "histogram" in body
        # The servers are the API's to count.
        assert "stratus_servers" not in body
        assert _fetch(url + "/v2.1/servers")[0] == 404
    finally:
        process.send_signal(signal.SIGTERM)
        _, errors = process.communicate(timeout=60)
    assert process.returncode == 0, errors


def _fetch(url):
    import urllib.error
    import urllib.request
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
