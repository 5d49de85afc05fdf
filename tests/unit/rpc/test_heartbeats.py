"""A heartbeat whose answer is lost is sent again after report_interval
seconds, not after the RPC timeout (as long as service_down_time): a
reply lost in a broker outage must not make a compute look down."""
import threading

import oslo_messaging
import pytest

from stratus.objects import service as service_obj
from stratus import rpc
from stratus import service as stratus_service


class SwallowingConductor:
    """Answers service_report, except the third report (the first from
    the heartbeat thread; the service's start sent two): it holds that
    one's answer until a further report arrives (an answer lost on the
    way), or 30 s."""
    target = oslo_messaging.Target(version="1.0")

    def __init__(self):
        self.reports = 0
        self.another_arrived = threading.Event()

    def service_report(self, ctxt, service):
        self.reports += 1
        if self.reports == 3:
            self.another_arrived.wait(30)
        elif self.reports > 3:
            self.another_arrived.set()
        return service_obj.Service(host=service.host, binary=service.binary,
                                   topic=service.topic, report_count=1)


class IdleManager:
    target = oslo_messaging.Target(version="1.0")

    def init_host(self):
        pass

    def periodic_tasks(self):
        return []


@pytest.fixture
def messaging(conf):
    conf.set_override("report_interval", 1)
    conf.set_override("rpc_response_timeout", 60)
    conf.set_override("graceful_shutdown_timeout", 1)
    messaging = rpc.Messaging(conf, url=rpc.IN_PROCESS_URL)
    yield messaging
    messaging.cleanup()


def test_a_heartbeat_without_answer_is_sent_again_at_once(conf, messaging):
    conductor = SwallowingConductor()
    server = messaging.server("conductor", "swallowing", [conductor])
    server.start()
    service = stratus_service.Service(conf, messaging, "nova-compute",
                                      "compute", "beating", IdleManager())
    try:
        service.start()
        assert conductor.another_arrived.wait(30)
    finally:
        conductor.another_arrived.set()
        service.stop()
        server.stop()
        server.wait()
    assert conductor.reports >= 4
