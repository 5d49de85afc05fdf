import threading
import time

import oslo_messaging
import pytest

from stratus import context
from stratus import objects
from stratus import rpc


class Echo:
    target = oslo_messaging.Target(version="1.0")

    def __init__(self):
        self.casts = []
        self.cast_seen = threading.Event()

    def echo_flavor(self, ctxt, flavor):
        assert isinstance(flavor, objects.Flavor), "objects arrive as objects"
        flavor.name = flavor.name + "-seen"
        return flavor

    def remember(self, ctxt, value):
        self.casts.append((ctxt.request_id, value))
        self.cast_seen.set()


@pytest.fixture
def messaging(conf):
    messaging = rpc.Messaging(conf, url=rpc.IN_PROCESS_URL)
    yield messaging
    messaging.cleanup()


def _serve(messaging, endpoint, topic):
    server = messaging.server(topic, "host1", [endpoint])
    server.start()
    return server


def test_call_round_trips_objects_and_context(messaging):
    endpoint = Echo()
    server = _serve(messaging, endpoint, "echo-call")
    try:
        client = messaging.client("echo-call", "1.0")
        ctx = context.RequestContext(user_id="u", project_id="p")
        flavor = objects.Flavor(id=1, flavorid="1", name="m1", memory_mb=1,
                                vcpus=1, root_gb=1, ephemeral_gb=0, swap=0)
        result = client.call(ctx, "echo_flavor", flavor=flavor)
        assert isinstance(result, objects.Flavor)
        assert result.name == "m1-seen"
        assert flavor.name == "m1", "the callee worked on a serialized copy"
    finally:
        server.stop()
        server.wait()


def test_cast_is_delivered_without_polling_delay(messaging):
    endpoint = Echo()
    server = _serve(messaging, endpoint, "echo-cast")
    try:
        client = messaging.client("echo-cast", "1.0")
        ctx = context.RequestContext(user_id="u", project_id="p")
        time.sleep(0.2)  # let the listener go idle, waiting for messages
        start = time.monotonic()
        client.cast(ctx, "remember", value=7)
        assert endpoint.cast_seen.wait(5)
        # fake:// would take up to its 50 ms poll interval here
        assert endpoint.casts == [(ctx.request_id, 7)]
        assert time.monotonic() - start < 5
    finally:
        server.stop()
        server.wait()


def test_unserializable_arguments_are_refused(messaging):
    client = messaging.client("nobody", "1.0")
    ctx = context.RequestContext(user_id="u", project_id="p")
    with pytest.raises(ValueError, match="Cannot convert"):
        client.cast(ctx, "remember", value=object())


def test_each_virtual_host_is_a_broker_of_its_own(messaging):
    """A cell's transport (inproc:///cell2) and the API level's do not
    share queues: a server on one never hears a client of the other."""
    cell2 = messaging.for_url("inproc:///cell2")
    assert cell2 is not messaging and cell2.url == "inproc:///cell2"
    assert messaging.for_url("inproc:///cell2") is cell2
    on_cell2, on_top = Echo(), Echo()
    servers = [_serve(cell2, on_cell2, "echo-vhost"),
               _serve(messaging, on_top, "echo-vhost")]
    try:
        ctx = context.RequestContext(user_id="u", project_id="p",
                                     request_id="req-cell2")
        cell2.client("echo-vhost", "1.0").prepare(server="host1").cast(
            ctx, "remember", value="for cell2")
        assert on_cell2.cast_seen.wait(5)
        assert on_cell2.casts == [("req-cell2", "for cell2")]
        time.sleep(0.1)
        assert on_top.casts == []
    finally:
        for server in servers:
            server.stop()
            server.wait()


def test_urls_without_a_transport_of_their_own_are_the_messaging_itself(
        messaging):
    for url in rpc.NO_TRANSPORT_URLS + (messaging.url,):
        assert messaging.for_url(url) is messaging
    # Unbound, every host is reached on the Messaging's own transport.
    assert messaging.for_host("compute9") is messaging
    bounded = messaging.bounded(5)
    assert bounded.for_url("inproc:///cell3").url == "inproc:///cell3"
    # A child's children are its parent's.
    cell3 = messaging.for_url("inproc:///cell3")
    assert cell3.for_url("inproc:///cell4") is messaging.for_url(
        "inproc:///cell4")
    assert cell3.for_url(messaging.url) is messaging
