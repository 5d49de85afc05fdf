"""Nothing lost when a message or a reply is (issue 17): a compute's save
whose reply was lost is sent again and answered as applied; work a live
compute does not hold (its cast or its reply lost, e.g. in a broker
outage) is sent again or settled by the conductor's check, which asks the
compute (get_in_flight). Through the Compute API of the in-process cloud
and its real RPC path."""
import datetime
import logging
import threading

import oslo_messaging
import pytest

from stratus.objects import fields
from tests.functional.recovery.test_stuck_states import _lost_build
from tests.functional.recovery.test_stuck_states import recovery  # noqa: F401 - fixture

pytestmark = pytest.mark.slow

TaskState = fields.TaskState
VMState = fields.VMState
BUILD_EVENT = "compute_build_and_run_instance"


class _LosesAReply:
    """The compute's conductor client whose first reply to a save into
    lost_state is lost: the conductor applied the save, the compute sees
    a timeout (and its client sends the save again)."""

    def __init__(self, client, lost_state, sent):
        self._client = client
        self._lost_state = lost_state
        self.sent = sent

    def prepare(self, **kwargs):
        return _LosesAReply(self._client.prepare(**kwargs), self._lost_state,
                            self.sent)

    def call(self, ctx, method, **kwargs):
        result = self._client.call(ctx, method, **kwargs)
        if method == "instance_save":
            state = kwargs["instance"].task_state
            self.sent.append(state)
            if state == self._lost_state and self.sent.count(state) == 1:
                raise oslo_messaging.MessagingTimeout("the reply was lost")
        return result

    def __getattr__(self, name):
        return getattr(self._client, name)


def test_a_save_whose_reply_was_lost_is_sent_again_and_the_build_completes(
        recovery, monkeypatch):  # noqa: F811
    retrying = recovery.compute.conductor.client
    sent = []
    monkeypatch.setattr(retrying, "_client", _LosesAReply(
        retrying._client, TaskState.SPAWNING, sent))
    server = recovery.boot(name="lost-reply")
    assert (server["status"], server["OS-EXT-STS:task_state"]) == (
        "ACTIVE", None)
    # The first save of the build reached the conductor twice.
    assert sent.count(TaskState.SPAWNING) == 2
    # The build's event was recorded once, and finished.
    events = [event for event in recovery.events(server["id"])["events"]
              if event["event"] == BUILD_EVENT]
    assert [event["result"] for event in events] == ["Success"]


def test_a_build_a_live_compute_dropped_is_built_again(recovery):  # noqa: F811
    server_id = recovery.boot(name="dropped")["id"]
    recovery.idle(server_id)
    # The compute saved 'spawning' and then dropped the build (its next
    # call failed): it holds nothing for the server.
    recovery.left_in(server_id, vm_state=VMState.BUILDING,
                     task_state=TaskState.SPAWNING)
    assert recovery.check() == {server_id: "build sent again"}
    server = recovery.demo.wait_for_status(server_id, "ACTIVE")
    assert server["OS-EXT-STS:task_state"] is None
    assert recovery.allocations(server_id)


def test_a_delete_its_live_compute_never_received_is_sent_again(
        recovery, monkeypatch, caplog):  # noqa: F811
    server_id = recovery.boot(name="lost-delete")["id"]
    recovery.idle(server_id)
    # The API answered 204 but the cast never reached the compute.
    lost = threading.Event()
    monkeypatch.setattr(recovery.compute, "terminate_instance",
                        lambda ctx, instance: lost.set())
    recovery.demo.delete("/servers/%s" % server_id)
    assert lost.wait(10)
    monkeypatch.undo()
    assert recovery.demo.server(server_id)["OS-EXT-STS:task_state"] == \
        TaskState.DELETING
    recovery.left_in(server_id)
    caplog.set_level(logging.DEBUG)
    assert recovery.check() == {server_id: "delete sent again"}
    recovery.demo.wait_for_deleted(server_id)
    assert recovery.allocations(server_id) == {}
    # The compute's events went to the delete's action (the re-send is in
    # its request): no InstanceActionNotFound anywhere.
    delete = recovery.finished(server_id)
    assert delete["action"] == "delete"
    assert [(event["event"], event["result"])
            for event in delete["events"]] == [
        ("compute_terminate_instance", "Success")]
    assert not [record for record in caplog.records
                if "InstanceActionNotFound" in record.getMessage()
                or (record.exc_text or "").count("InstanceActionNotFound")]


def test_a_boot_whose_cast_was_lost_is_resumed_before_its_lease(
        recovery, monkeypatch):  # noqa: F811
    # The API accepted the boot; its cast to the conductors was lost. Its
    # build request is older than in_flight_grace, well within
    # task_lease, and no conductor ever took it.
    server_id = _lost_build(recovery, monkeypatch, "lost-cast",
                            age=datetime.timedelta(seconds=20))
    assert recovery.check() == {server_id: "build resumed"}
    built = recovery.demo.wait_for_status(server_id, "ACTIVE")
    assert built["OS-EXT-STS:task_state"] is None
