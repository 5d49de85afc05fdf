"""Versioned notifications (instance.<action>.start/.end/.error) as a
consumer on the message bus receives them, from the in-process cloud."""
import queue
import time

import pytest

from stratus.objects import fields
from tests import conftest as root_conftest
from tests.functional import cloud as cloud_harness
from tests.functional.server_actions.conftest import Actions


class Collector:
    """A notification endpoint keeping what arrives."""

    def __init__(self):
        self.received = queue.Queue()

    def info(self, ctxt, publisher_id, event_type, payload, metadata):
        self.received.put(("INFO", publisher_id, event_type, payload))

    def error(self, ctxt, publisher_id, event_type, payload, metadata):
        self.received.put(("ERROR", publisher_id, event_type, payload))

    def wait_for(self, event_type, instance_uuid, timeout=10):
        """The first (priority, publisher, payload data) of event_type
        about instance_uuid; the others seen meanwhile are kept in seen."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                priority, publisher, kind, payload = self.received.get(
                    timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError("no %s about %s" % (event_type,
                                                         instance_uuid))
            data = payload["nova_object.data"]
            if kind == event_type and data["uuid"] == instance_uuid:
                return priority, publisher, payload


def _cloud(conf, tmp_path, db_tmp_dir):
    urls = root_conftest._cloud_dbs("sqlite", db_tmp_dir).urls
    return cloud_harness.start_cloud(conf, urls, tmp_path)


@pytest.fixture
def listened(conf, sqlite_databases, _db_tmp_dir, tmp_path):
    running = _cloud(conf, tmp_path, _db_tmp_dir)
    collector = Collector()
    listener = running.messaging.notification_listener(
        ["versioned_notifications"], [collector])
    listener.start()
    yield Actions(running), collector
    listener.stop()
    listener.wait()
    running.stop()


def test_pause_sends_start_and_end_with_the_instance(listened):
    actions, collector = listened
    server = actions.boot(name="noted")
    server_id = server["id"]
    priority, publisher, payload = collector.wait_for("instance.create.end",
                                                      server_id)
    assert payload["nova_object.name"] == "InstanceCreatePayload"
    assert payload["nova_object.data"]["state"] == "active"

    response = actions.act(server_id, {"pause": None})
    assert response.status_int == 202
    request_id = response.headers["x-openstack-request-id"]
    priority, publisher, start = collector.wait_for("instance.pause.start",
                                                    server_id)
    assert (priority, publisher) == ("INFO", "nova-compute:stratus-test")
    assert start["nova_object.name"] == "InstanceActionPayload"
    assert start["nova_object.namespace"] == "nova"
    assert start["nova_object.version"] == "1.8"
    data = start["nova_object.data"]
    assert (data["state"], data["task_state"], data["power_state"]) == (
        "active", "pausing", "running")
    assert data["display_name"] == "noted"
    assert data["host"] == "stratus-test"
    assert (data["tenant_id"], data["user_id"]) == ("demo", "demo")
    assert data["request_id"] == request_id
    assert data["fault"] is None
    flavor = data["flavor"]
    assert flavor["nova_object.name"] == "FlavorPayload"
    assert flavor["nova_object.data"]["name"] == \
        server["flavor"]["original_name"]
    assert data["image_uuid"] == server["image"]["id"]

    priority, publisher, end = collector.wait_for("instance.pause.end",
                                                  server_id)
    data = end["nova_object.data"]
    assert priority == "INFO"
    assert (data["state"], data["task_state"], data["power_state"]) == (
        "paused", None, "paused")
    assert actions.demo.server(server_id)["status"] == "PAUSED"


def test_a_driver_failure_sends_error_with_the_fault(listened):
    actions, collector = listened
    server_id = actions.boot()["id"]
    actions.driver.inject_failure("suspend", server_id)
    assert actions.act(server_id, {"suspend": None}).status_int == 202
    collector.wait_for("instance.suspend.start", server_id)
    priority, publisher, payload = collector.wait_for(
        "instance.suspend.error", server_id)
    assert (priority, publisher) == ("ERROR", "nova-compute:stratus-test")
    data = payload["nova_object.data"]
    assert (data["state"], data["task_state"]) == ("active", None)
    fault = data["fault"]["nova_object.data"]
    assert data["fault"]["nova_object.name"] == "ExceptionPayload"
    event, = actions.events(server_id)["events"]
    assert event["result"] == "Error"
    assert fault["exception_message"] == event["details"]
    assert "suspend" in fault["exception_message"]
    assert fault["module_name"].startswith("stratus.virt.fake")
    assert fault["traceback"]


def test_stop_start_and_delete_use_novas_names(listened):
    actions, collector = listened
    server_id = actions.boot()["id"]
    assert actions.act(server_id, {"os-stop": None}).status_int == 202
    _priority, _publisher, payload = collector.wait_for(
        "instance.power_off.end", server_id)
    assert payload["nova_object.data"]["power_state"] == "shutdown"
    assert payload["nova_object.data"]["state"] == \
        fields.VMState.STOPPED
    actions.settled(server_id)
    assert actions.act(server_id, {"os-start": None}).status_int == 202
    collector.wait_for("instance.power_on.end", server_id)
    actions.settled(server_id)
    actions.demo.delete("/servers/%s" % server_id)
    collector.wait_for("instance.delete.start", server_id)
    _priority, _publisher, payload = collector.wait_for(
        "instance.delete.end", server_id)
    assert payload["nova_object.data"]["state"] == "deleted"


def test_a_spawn_failure_sends_create_error(listened):
    actions, collector = listened
    actions.driver.inject_failure("spawn")
    server = actions.demo.create_server(
        name="doomed", image=actions.demo.first_image_id())
    server_id = server["server"]["id"]
    collector.wait_for("instance.create.start", server_id)
    priority, _publisher, payload = collector.wait_for(
        "instance.create.error", server_id)
    assert priority == "ERROR"
    assert payload["nova_object.data"]["fault"] is not None
    actions.demo.wait_for_status(server_id, "ERROR")


def test_noop_driver_sends_nothing(conf, sqlite_databases, _db_tmp_dir,
                                   tmp_path):
    conf.set_override("driver", ["noop"],
                      group="oslo_messaging_notifications")
    running = _cloud(conf, tmp_path, _db_tmp_dir)
    collector = Collector()
    listener = running.messaging.notification_listener(
        ["versioned_notifications"], [collector])
    listener.start()
    try:
        actions = Actions(running)
        server_id = actions.boot()["id"]
        assert actions.act(server_id, {"pause": None}).status_int == 202
        assert actions.settled(server_id)["status"] == "PAUSED"
        assert collector.received.empty()
    finally:
        listener.stop()
        listener.wait()
        running.stop()


def test_a_resize_and_its_revert_send_novas_notifications(
        conf, sqlite_databases, _db_tmp_dir, tmp_path):
    from tests.functional.moves import conftest as moves_conftest
    urls = root_conftest._cloud_dbs("sqlite", _db_tmp_dir).urls
    env = moves_conftest.start(conf, urls, tmp_path)
    collector = Collector()
    listener = env.cloud.messaging.notification_listener(
        ["versioned_notifications"], [collector])
    listener.start()
    try:
        server = env.active()
        server_id, source = server["id"], server["OS-EXT-SRV-ATTR:host"]
        env.act(server_id, {"resize": {"flavorRef": "2"}})
        dest = env.wait(server_id, {"VERIFY_RESIZE"})["OS-EXT-SRV-ATTR:host"]
        for event_type, host in (("instance.resize_prep.start", dest),
                                 ("instance.resize_prep.end", dest),
                                 ("instance.resize.start", source),
                                 ("instance.resize.end", source),
                                 ("instance.resize_finish.start", dest),
                                 ("instance.resize_finish.end", dest)):
            priority, publisher, _ = collector.wait_for(event_type,
                                                        server_id)
            assert (priority, publisher) == ("INFO", "nova-compute:%s"
                                             % host), event_type
        env.act(server_id, {"revertResize": None})
        env.wait(server_id, {"ACTIVE"})
        for event_type, host in (("instance.resize_revert.start", dest),
                                 ("instance.resize_revert.end", source)):
            _, publisher, payload = collector.wait_for(event_type, server_id)
            assert publisher == "nova-compute:%s" % host
        assert payload["nova_object.data"]["flavor"]["nova_object.data"][
            "name"] == "m1.tiny"
        # A failing step sends its error.
        env.driver(source).inject_failure("migrate_disk_and_power_off")
        env.act(server_id, {"resize": {"flavorRef": "2"}})
        priority, _, payload = collector.wait_for("instance.resize.error",
                                                  server_id)
        assert priority == "ERROR"
        env.wait(server_id, {"ACTIVE"})
    finally:
        listener.stop()
        listener.wait()
        env.stop()
