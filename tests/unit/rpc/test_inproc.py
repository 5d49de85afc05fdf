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
