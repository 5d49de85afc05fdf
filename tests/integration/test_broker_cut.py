"""A broker outage longer than service_down_time, end to end: api,
conductor, scheduler and two computes over RabbitMQ and PostgreSQL reach
the broker through a loopback proxy the test cuts for 12 s (every
connection reset, new ones refused). While it is cut the API answers a
create 503 and makes nothing; the computes' heartbeats stop, so when the
broker is back every compute looks down, and the boots sent at once then
wait for their heartbeats instead of failing with NoValidHost: all of
them end ACTIVE (docs/operations.md, "Liveness, fail-fast and
shutdown")."""
import time

import pytest

from bench import broker_cut
from bench import deploy
from bench.http_client import Client

pytestmark = [pytest.mark.slow, pytest.mark.integration]

CUT_SECONDS = 12
CONFIG = {
    "DEFAULT": {"report_interval": 2, "service_down_time": 6},
    "api": {"rpc_unavailable_timeout": 2},
    # Reconnections retried every second or two, not up to 30 s apart.
    "oslo_messaging_rabbit": {"rabbit_interval_max": 2},
}
# The computes come back later than the control plane (their reconnection
# is tried every 8 s): the boots sent at once meet every compute down.
COMPUTE_CONFIG = {
    "oslo_messaging_rabbit": {"rabbit_retry_interval": 8,
                              "rabbit_retry_backoff": 0,
                              "rabbit_interval_max": 8},
}


def _boot(client, image, name):
    return client.request("POST", "/servers", {"server": {
        "name": name, "flavorRef": "1", "imageRef": image,
        "networks": "none"}})


def test_builds_after_a_broker_outage_wait_for_the_computes(monkeypatch):
    import urllib.parse
    rabbit = urllib.parse.urlsplit(deploy.RABBIT)
    proxy = broker_cut.CuttableProxy((rabbit.hostname, rabbit.port or 5672))
    monkeypatch.setattr(deploy, "RABBIT", deploy.RABBIT.replace(
        rabbit.netloc, "%s@127.0.0.1:%d" % (
            rabbit.netloc.rsplit("@", 1)[0], proxy.port)))
    with deploy.start("distributed", computes=2, nodes=1, config=CONFIG,
                      compute_config=COMPUTE_CONFIG) as cloud:
        client = Client(cloud.compute_url)
        _code, body = client.request("GET", "/images", version="2.35")
        image = body["images"][0]["id"]

        proxy.cut()
        cut_at = time.monotonic()
        started = time.monotonic()
        code, body = _boot(client, image, "during")
        refused_after = time.monotonic() - started
        assert code == 503, body
        assert "broker" in body["serviceUnavailable"]["message"]
        time.sleep(max(0.0, CUT_SECONDS - (time.monotonic() - cut_at)))
        _code, body = client.request("GET", "/os-services")
        down = sorted(s["host"] for s in body["services"]
                      if s["binary"] == "nova-compute"
                      and s["state"] == "down")
        assert down == ["compute0", "compute1"]
        proxy.restore()
        restored = time.monotonic()

        ids = []
        for index in range(6):
            code, body = _boot(client, image, "after-%d" % index)
            if code == 503:     # the API's connection not back yet
                time.sleep(0.5)
                continue
            assert code == 202, body
            ids.append(body["server"]["id"])
        assert ids
        deadline = time.monotonic() + 90
        while True:
            _code, body = client.request("GET", "/servers/detail")
            servers = {s["id"]: s for s in body["servers"]}
            settled = [s for s in servers.values()
                       if s["status"] in ("ACTIVE", "ERROR")]
            if len(settled) == len(ids) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert sorted(servers) == sorted(ids)
        assert {s["status"] for s in servers.values()} == {"ACTIVE"}, {
            s["id"]: s.get("fault") for s in servers.values()}
        held = cloud.log("scheduler").count("went quiet at once")
        print("create during the cut: 503 in %.1f s; %d boots sent after "
              "the broker came back (every compute down), all ACTIVE %.1f "
              "s after it; scheduling requests held for the heartbeats: %d"
              % (refused_after, len(ids), time.monotonic() - restored,
                 held))
