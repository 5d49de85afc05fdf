import threading
import time

import pytest

from stratus.objects import service as service_obj
from stratus import service

pytestmark = pytest.mark.slow


class _Manager:
    """A manager with one fast periodic task, counting what it is asked."""
    import oslo_messaging
    target = oslo_messaging.Target(version="1.0")

    def __init__(self):
        self.initialized = False
        self.ticks = threading.Semaphore(0)

    def init_host(self):
        self.initialized = True

    def periodic_tasks(self):
        return [(0.05, lambda ctx: self.ticks.release())]

    def ping(self, ctx, value):
        return value


def test_service_heartbeats_runs_periodic_tasks_and_serves(backend):
    backend.conf.set_override("report_interval", 1)
    manager = _Manager()
    svc = service.Service(backend.conf, backend.messaging, "nova-scheduler",
                          "probe", "probe-host", manager,
                          databases=backend.databases).start()
    try:
        assert manager.initialized
        assert manager.ticks.acquire(timeout=5) and manager.ticks.acquire(
            timeout=5)
        client = backend.messaging.client("probe", "1.0", server="probe-host")
        assert client.prepare(server="probe-host").call(
            backend.ctx, "ping", value=7) == 7
        first = service_obj.Service.get_by_host_and_binary(
            backend.ctx, "probe-host", "nova-scheduler")
        deadline = time.monotonic() + 5
        while service_obj.Service.get_by_id(
                backend.ctx, first.id).report_count == first.report_count:
            assert time.monotonic() < deadline, "no heartbeat"
            time.sleep(0.05)
    finally:
        svc.stop()
    assert all(not thread.is_alive() for thread in threading.enumerate()
               if thread.name.startswith("nova-scheduler-probe-host"))


def test_down_services_are_reported_down(backend):
    record = service_obj.Service.get_by_host_and_binary(
        backend.ctx, "control", "nova-conductor")
    assert record.is_up(backend.conf.service_down_time)
    record.forced_down = True
    record.save()
    assert not service_obj.Service.get_by_uuid(
        backend.ctx, record.uuid).is_up(backend.conf.service_down_time)


class _SlowStart(_Manager):
    def init_host(self):
        time.sleep(1.5)
        super().init_host()


def test_a_start_longer_than_the_down_time_leaves_the_service_up(backend):
    """A compute registering thousands of nodes starts for longer than
    service_down_time: it reports once more as soon as it is up."""
    backend.conf.set_override("report_interval", 60)
    backend.conf.set_override("service_down_time", 1)
    svc = service.Service(backend.conf, backend.messaging, "nova-compute",
                          "probe", "slow-host", _SlowStart(),
                          databases=backend.databases).start()
    try:
        record = service_obj.Service.get_by_host_and_binary(
            backend.ctx, "slow-host", "nova-compute")
        assert record.is_up(backend.conf.service_down_time)
    finally:
        svc.stop()
