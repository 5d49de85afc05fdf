"""Versioned notifications over RabbitMQ: a consumer in this process
receives what the separate compute processes send."""
import uuid

import pytest

from bench import boot_bench
from bench import deploy
from bench.http_client import Client
from stratus import conf as stratus_conf
from stratus import rpc
from tests.functional.server_actions.test_notifications import Collector

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def test_pause_notifications_reach_a_rabbitmq_consumer():
    topic = "versioned_notifications_%s" % uuid.uuid4().hex[:8]
    collector = Collector()
    with deploy.start("distributed", computes=1, nodes=1, config={
            "oslo_messaging_notifications": {"driver": "messagingv2"},
            "notifications": {
                "versioned_notifications_topics": topic}}) as cloud:
        conf = stratus_conf.build_conf(overrides={
            (None, "transport_url"): cloud.transport_url})
        messaging = rpc.Messaging(conf)
        listener = messaging.notification_listener([topic], [collector])
        listener.start()
        try:
            _check_notifications(Client(cloud.compute_url), collector)
        finally:
            listener.stop()
            listener.wait()
            messaging.cleanup()


def _check_notifications(client, collector):
    _code, body = client.request("GET", "/images", version="2.35")
    server_id = boot_bench.create(client, "noted", body["images"][0]["id"])
    boot_bench.wait_status(client, server_id)
    priority, publisher, _payload = collector.wait_for(
        "instance.create.end", server_id, timeout=30)
    assert (priority, publisher) == ("INFO", "nova-compute:compute0")
    code, _ = client.request("POST", "/servers/%s/action" % server_id,
                             {"pause": None})
    assert code == 202
    _p, _pub, start = collector.wait_for("instance.pause.start", server_id,
                                         timeout=30)
    _p, _pub, end = collector.wait_for("instance.pause.end", server_id,
                                       timeout=30)
    assert start["nova_object.data"]["task_state"] == "pausing"
    assert (end["nova_object.data"]["state"],
            end["nova_object.data"]["power_state"]) == ("paused", "paused")
    client.request("DELETE", "/servers/%s" % server_id)
    collector.wait_for("instance.delete.end", server_id, timeout=30)
