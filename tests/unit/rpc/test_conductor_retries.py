"""A compute's call that no conductor answers is sent again: a conductor
that died holding it does not leave the compute's work half saved."""
import threading
import uuid

import oslo_messaging
import pytest

from stratus.conductor import rpcapi as conductor_rpcapi
from stratus import context
from stratus import exception
from stratus.objects import instance as instance_obj
from stratus import rpc


class LateConductor:
    """Answers instances_on_host and instance_destroy, counting the calls
    it received."""
    target = oslo_messaging.Target(version="1.0")

    def __init__(self):
        self.calls = 0
        self.all_arrived = threading.Event()
        self.expected = None

    def instances_on_host(self, ctxt, host):
        return self._count([])

    def instance_destroy(self, ctxt, instance):
        return self._count(None)

    def _count(self, result):
        self.calls += 1
        if self.calls == self.expected:
            self.all_arrived.set()
        return result


@pytest.fixture
def messaging(conf):
    conf.set_override("rpc_response_timeout", 1)
    messaging = rpc.Messaging(conf, url=rpc.IN_PROCESS_URL)
    yield messaging
    messaging.cleanup()


def test_a_call_is_sent_again_until_a_conductor_answers(messaging):
    api = conductor_rpcapi.ConductorAPI(messaging)
    conductor = LateConductor()
    server = messaging.server("conductor", "late", [conductor])
    # The conductor comes up after the first call timed out.
    starter = threading.Timer(1.5, server.start)
    starter.start()
    try:
        assert api.instances_on_host(context.get_admin_context(),
                                     "cmp1") == []
    finally:
        starter.join()
        server.stop()
        server.wait()
    assert conductor.calls >= 1


def test_a_call_nobody_answers_fails_after_its_attempts(messaging,
                                                        caplog):
    api = conductor_rpcapi.ConductorAPI(messaging)
    with pytest.raises(oslo_messaging.MessagingTimeout):
        api.instance_destroy(context.get_admin_context(), None)
    retries = [record for record in caplog.records
               if "sending it again" in record.getMessage()]
    assert len(retries) == conductor_rpcapi.CALL_ATTEMPTS - 1
    # Every attempt was sent: a conductor that comes up later takes
    # them all (and the in-process queue is left empty).
    conductor = LateConductor()
    conductor.expected = conductor_rpcapi.CALL_ATTEMPTS
    server = messaging.server("conductor", "late", [conductor])
    server.start()
    try:
        assert conductor.all_arrived.wait(10)
    finally:
        server.stop()
        server.wait()


class RestartingDatabase:
    """A conductor whose database refuses the first calls (it is
    restarting), then answers."""
    target = oslo_messaging.Target(version="1.0")

    def __init__(self, refusals):
        self.refusals = refusals
        self.calls = 0

    def instances_on_host(self, ctxt, host):
        self.calls += 1
        if self.calls <= self.refusals:
            raise exception.DatabaseUnreachable()
        return []


@pytest.fixture
def restarting(messaging):
    conductor = RestartingDatabase(refusals=2)
    server = messaging.server("conductor", "restarting", [conductor])
    server.start()
    yield conductor
    server.stop()
    server.wait()


def test_a_compute_waits_out_a_database_restart(messaging, restarting):
    api = conductor_rpcapi.ConductorAPI(messaging, db_retry_seconds=30)
    assert api.instances_on_host(context.get_admin_context(), "cmp1") == []
    assert restarting.calls == 3


def test_the_api_hears_at_once_that_the_database_is_down(messaging,
                                                         restarting):
    api = conductor_rpcapi.ConductorAPI(messaging)
    with pytest.raises(exception.DatabaseUnreachable):
        api.instances_on_host(context.get_admin_context(), "cmp1")
    assert restarting.calls == 1


class CommitCutOff:
    """A conductor whose database went away while the first save
    committed (its outcome unknown to the caller), then came back."""
    target = oslo_messaging.Target(version=conductor_rpcapi.VERSION)

    def __init__(self):
        self.sent = []

    def instance_save(self, ctxt, instance, expected_task_state=None,
                      action_event=None, fault=None,
                      remove_allocations=False, repeated=False,
                      changes_only=False):
        self.sent.append((repeated, changes_only))
        if len(self.sent) == 1:
            raise exception.DatabaseUnreachable()
        return {"updated_at": "2026-12-07T05:00:00Z"}


def test_a_save_sent_again_after_a_lost_database_says_so(messaging):
    conductor = CommitCutOff()
    server = messaging.server("conductor", "cut", [conductor])
    server.start()
    try:
        api = conductor_rpcapi.ConductorAPI(messaging, db_retry_seconds=30)
        instance = instance_obj.Instance(uuid=str(uuid.uuid4()),
                                         task_state="spawning")
        saved = api.instance_save(context.get_admin_context(), instance,
                                  expected_task_state=["scheduling"])
    finally:
        server.stop()
        server.wait()
    # The second sending may find the first one applied: it is answered
    # as applied instead of failing its expected task_state (each
    # answered with what the save set, 1.12).
    assert conductor.sent == [(False, True), (True, True)]
    assert saved is instance and saved.obj_what_changed() == set()
    assert saved.updated_at.isoformat() == "2026-12-07T05:00:00+00:00"
