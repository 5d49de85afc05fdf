"""Objects sent to a receiver of an older release arrive as that
release's objects: what it does not know is not in them."""
import logging
import threading

import oslo_messaging
import pytest

from stratus import context
from stratus import objects
from stratus.objects import base
from stratus.objects import service_versions as history
from stratus import rpc
from stratus import upgrade_pins

RELEASE_1 = history.SERVICE_VERSION_HISTORY[1][history.OBJECTS]
DATA = "stratus_object.data"
VERSION = "stratus_object.version"


def _service(**extra):
    return objects.Service(host="cmp1", binary="nova-compute",
                           topic="compute", version=2, release="0.2.0",
                           **extra)


def test_a_service_for_a_release_1_receiver_has_no_release():
    primitive = base.back_levelled(_service(), RELEASE_1)
    assert primitive[VERSION] == "1.0"
    assert "release" not in primitive[DATA]
    assert primitive[DATA]["host"] == "cmp1"


def test_a_service_list_back_levels_the_services_it_holds():
    services = objects.ServiceList(objects=[_service(), _service()])
    primitive = base.back_levelled({"services": [services]}, RELEASE_1)
    listed = primitive["services"][0]
    assert listed[VERSION] == "1.0"
    for item in listed[DATA]["objects"]:
        assert item[VERSION] == "1.0"
        assert "release" not in item[DATA]


def test_objects_release_1_already_knows_go_as_they_are():
    flavor = objects.Flavor(id=1, flavorid="1", name="m1", memory_mb=1,
                            vcpus=1, root_gb=1, ephemeral_gb=0, swap=0)
    assert base.back_levelled((flavor,), RELEASE_1)[0] == \
        flavor.obj_to_primitive()


def test_without_a_manifest_the_serializer_sends_this_release():
    pin = upgrade_pins.Pin("compute", None)
    pin.set(None, None)
    primitive = base.StratusObjectSerializer(pin).serialize_entity(
        None, _service())
    assert primitive[VERSION] == objects.Service.VERSION
    assert primitive[DATA]["release"] == "0.2.0"


def test_a_release_1_service_deserializes_on_this_release():
    primitive = base.back_levelled(_service(), RELEASE_1)
    service = objects.Service.obj_from_primitive(primitive)
    assert not service.obj_attr_is_set("release")
    assert service.version == 2


class _Services:
    target = oslo_messaging.Target(version="1.0")

    def __init__(self):
        self.received = []
        self.arrived = threading.Event()

    def describe(self, ctxt, service):
        self.received.append(service)
        return service

    def take(self, ctxt, service):
        self.received.append(service)
        self.arrived.set()


@pytest.fixture
def messaging(conf):
    messaging = rpc.Messaging(conf, url=rpc.IN_PROCESS_URL)
    messaging.pins.bind(lambda binary: 1)
    yield messaging
    messaging.cleanup()


def _serving(messaging, topic, **options):
    endpoint = _Services()
    server = messaging.server(topic, "host1", [endpoint], **options)
    server.start()
    return endpoint, server


def _stop(server):
    server.stop()
    server.wait()


def test_a_capped_client_sends_release_1_objects(conf, messaging):
    conf.set_override("compute", "auto", group="upgrade_levels")
    endpoint, server = _serving(messaging, "bl-cast")
    try:
        client = messaging.client("bl-cast", "1.0",
                                  pin=upgrade_pins.COMPUTE)
        assert client.version_cap == "1.13"
        client.cast(context.get_admin_context(), "take",
                    service=_service())
        assert endpoint.arrived.wait(10)
        assert endpoint.received[0].VERSION == "1.0"
        assert not endpoint.received[0].obj_attr_is_set("release")
    finally:
        _stop(server)


def test_a_reply_to_capped_callers_is_back_levelled(conf, messaging):
    """The conductor's replies to computes follow the compute pin."""
    conf.set_override("compute", "auto", group="upgrade_levels")
    endpoint, server = _serving(messaging, "bl-reply",
                                reply_pin=upgrade_pins.COMPUTE)
    try:
        client = messaging.client("bl-reply", "1.0")
        reply = client.call(context.get_admin_context(), "describe",
                            service=_service())
        assert endpoint.received[0].release == "0.2.0", \
            "the caller's request is not capped"
        assert reply.VERSION == "1.0"
        assert not reply.obj_attr_is_set("release")
    finally:
        _stop(server)


def _pins(conf, minimum):
    pins = upgrade_pins.UpgradePins(conf)
    pins.bind(lambda binary: minimum[binary])
    return pins


def test_auto_caps_at_the_release_of_the_oldest_service(conf, caplog):
    conf.set_override("compute", "auto", group="upgrade_levels")
    minimum = {"nova-compute": 1}
    pins = _pins(conf, minimum)
    with caplog.at_level(logging.INFO, logger=upgrade_pins.__name__):
        pin = pins.pin(upgrade_pins.COMPUTE)
    assert (pin.version_cap, pin.manifest) == ("1.13", RELEASE_1)
    assert ("compute RPC capped at 1.13 (auto: minimum nova-compute "
            "service version 1)") in caplog.text
    minimum["nova-compute"] = 2
    assert pins.pin(upgrade_pins.COMPUTE).version_cap == "1.13", \
        "cached until SIGHUP"
    pins.refresh()
    assert (pin.version_cap, pin.manifest) == (None, None)



def test_auto_without_services_reads_again_until_there_are(conf):
    """The control plane starts before its computes."""
    conf.set_override("compute", "auto", group="upgrade_levels")
    minimum = {"nova-compute": None}
    pin = _pins(conf, minimum).pin(upgrade_pins.COMPUTE)
    assert (pin.version_cap, pin.manifest) == (None, None)
    minimum["nova-compute"] = 1
    assert pin.current().version_cap == "1.13"
    minimum["nova-compute"] = None
    assert pin.current().version_cap == "1.13", "cached once known"


def test_unset_is_the_newest_and_a_release_name_its_versions(conf):
    pins = _pins(conf, {})
    assert pins.pin(upgrade_pins.CONDUCTOR).version_cap is None
    conf.set_override("conductor", "0.1.0", group="upgrade_levels")
    pin = pins.pin(upgrade_pins.CONDUCTOR)
    assert (pin.version_cap, pin.manifest) == ("1.12", RELEASE_1)
    conf.set_override("conductor", "1.13", group="upgrade_levels")
    assert pins.pin(upgrade_pins.CONDUCTOR).manifest is None
    conf.set_override("conductor", "1.12", group="upgrade_levels")
    assert pins.pin(upgrade_pins.CONDUCTOR).manifest == RELEASE_1
    for cap in ("1.0", "1.13"):
        # 1.13: 0.1.0's and 0.2.0's computes speak it; 0.1.0's objects.
        conf.set_override("compute", cap, group="upgrade_levels")
        pin = pins.pin(upgrade_pins.COMPUTE)
        assert (pin.version_cap, pin.manifest) == (cap, RELEASE_1)


def test_auto_that_cannot_read_the_versions_caps_at_the_oldest(conf):
    conf.set_override("scheduler", "auto", group="upgrade_levels")
    pins = upgrade_pins.UpgradePins(conf)
    pin = pins.pin(upgrade_pins.SCHEDULER)
    assert (pin.version_cap, pin.manifest) == ("1.0", RELEASE_1)
    pins.bind(lambda binary: 2)
    assert pin.current().manifest is None, "read again once it can be"


def test_sighup_refreshes_every_process_pin(conf):
    conf.set_override("compute", "auto", group="upgrade_levels")
    minimum = {"nova-compute": 1}
    pin = _pins(conf, minimum).pin(upgrade_pins.COMPUTE)
    minimum["nova-compute"] = 2
    from stratus.cmd import signals
    signals.reload()
    assert pin.version_cap is None


class _Conductor:
    def __init__(self, version):
        self.target = oslo_messaging.Target(version=version)

    def minimum_service_version(self, ctxt, binary):
        return {"nova-conductor": 2}[binary]


@pytest.mark.parametrize("version,minimum", [("1.13", 2), ("1.12", 1)])
def test_a_compute_asks_its_conductor_what_auto_reads(
        messaging, version, minimum):
    """A conductor before 1.13 (0.1.0's) does not know the call: it is
    taken for service version 1."""
    from stratus.conductor import rpcapi as conductor_rpcapi
    server = messaging.server(conductor_rpcapi.TOPIC, "host1",
                              [_Conductor(version)])
    server.start()
    try:
        read = conductor_rpcapi.conductor_versions(messaging, timeout=10)
        assert read("nova-conductor") == minimum
    finally:
        _stop(server)
