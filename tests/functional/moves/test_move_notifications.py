"""Versioned notifications of shelve, unshelve, live migration and
evacuate, as a consumer on the bus receives them."""
import pytest

from tests.functional.server_actions.test_notifications import Collector

pytestmark = pytest.mark.slow


@pytest.fixture
def heard(moves_sqlite):
    env = moves_sqlite
    collector = Collector()
    listener = env.cloud.messaging.notification_listener(
        ["versioned_notifications"], [collector])
    listener.start()
    yield env, collector
    listener.stop()
    listener.wait()


def _data(collector, event_type, server_id, priority="INFO",
          publisher=None):
    got, sender, payload = collector.wait_for(event_type, server_id)
    assert got == priority
    if publisher is not None:
        assert sender == publisher
    return payload["nova_object.data"]


def test_moves_notify_start_and_end(heard):
    env, collector = heard
    server = env.active()
    server_id = server["id"]
    source = server["OS-EXT-SRV-ATTR:host"]
    dest, = [host for host in env.computes if host != source]
    assert env.act(server_id, {"os-migrateLive": {
        "block_migration": "auto", "host": None}}, client=env.admin,
        version="2.68").status_int == 202
    start = _data(collector, "instance.live_migration.start", server_id,
                  publisher="nova-conductor:stratus-test")
    assert (start["host"], start["task_state"]) == (source, "migrating")
    end = _data(collector, "instance.live_migration.end", server_id)
    assert (end["host"], end["task_state"]) == (dest, None)
    env.wait(server_id, {"ACTIVE"})

    assert env.act(server_id, {"shelve": None}).status_int == 202
    _data(collector, "instance.shelve.start", server_id)
    end = _data(collector, "instance.shelve.end", server_id,
                publisher="nova-compute:%s" % dest)
    assert end["state"] == "shelved_offloaded"
    env.wait(server_id, {"SHELVED_OFFLOADED"})
    assert env.act(server_id, {"unshelve": None}).status_int == 202
    _data(collector, "instance.unshelve.start", server_id)
    end = _data(collector, "instance.unshelve.end", server_id)
    assert end["state"] == "active"
    host = env.wait(server_id, {"ACTIVE"})["OS-EXT-SRV-ATTR:host"]

    # An evacuation that fails (no other host up) notifies its error.
    env.service(host).stop()
    service, = env.admin.get("/os-services?host=%s&binary=nova-compute"
                             % host, version="2.53")["services"]
    env.admin.put("/os-services/%s" % service["id"], {"forced_down": True},
                  version="2.53")
    other, = [name for name in env.computes if name != host]
    other_service, = env.admin.get(
        "/os-services?host=%s&binary=nova-compute" % other,
        version="2.53")["services"]
    env.admin.put("/os-services/%s" % other_service["id"],
                  {"status": "disabled"}, version="2.53")
    assert env.act(server_id, {"evacuate": {}}, client=env.admin,
                   version="2.68").status_int == 200
    _data(collector, "instance.evacuate.start", server_id)
    error = _data(collector, "instance.evacuate.error", server_id,
                  priority="ERROR")
    assert error["fault"]["nova_object.data"]["exception"] == "NoValidHost"
    env.admin.put("/os-services/%s" % other_service["id"],
                  {"status": "enabled"}, version="2.53")
    assert env.act(server_id, {"evacuate": {}}, client=env.admin,
                   version="2.68").status_int == 200
    end = _data(collector, "instance.evacuate.end", server_id)
    assert (end["host"], end["state"]) == (other, "active")
