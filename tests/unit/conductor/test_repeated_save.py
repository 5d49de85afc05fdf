"""A save repeated because its reply was lost is answered as applied
(Instance.save repeat_ok, the conductor's instance_save), on the real
databases; a save that truly conflicts still fails."""
import pytest

from stratus import exception
from stratus.objects import fields
from stratus.objects import instance as instance_obj
from stratus.objects import instance_action
from tests.unit.compute.test_api_objects import _instance
from tests.unit.compute.test_api_objects import cell  # noqa: F401 - fixture

TaskState = fields.TaskState
VMState = fields.VMState


def _spawning_save(cctx, uuid, events):
    """The compute's first save of a build, as it arrives at the
    conductor (a fresh copy each time, as over RPC), with an event
    written in its transaction."""
    instance = instance_obj.Instance.get_by_uuid(cctx, uuid)
    instance.vm_state = VMState.BUILDING
    instance.task_state = TaskState.SPAWNING
    instance.host = "cmp1"
    return instance, lambda ctx, session: events.append(
        instance_action.InstanceActionEvent.event_start(
            ctx, uuid, "compute_build_and_run_instance", host="cmp1",
            session=session))


def _built(cctx, **values):
    built = _instance(cctx, vm_state=VMState.BUILDING,
                      task_state=TaskState.SCHEDULING, host="cmp1",
                      **values)
    instance_action.InstanceAction.action_start(cctx, built.uuid, "create")
    return built


def test_a_repeated_save_is_answered_as_applied(cell):  # noqa: F811
    built = _built(cell)
    events = []
    first, also = _spawning_save(cell, built.uuid, events)
    assert first.save(expected_task_state=TaskState.SCHEDULING, also=also,
                      repeat_ok=True) is True
    # The reply was lost: the compute sends the same save again.
    again, also = _spawning_save(cell, built.uuid, events)
    assert again.save(expected_task_state=TaskState.SCHEDULING, also=also,
                      repeat_ok=True) is False
    assert again.obj_what_changed() == set()
    assert again.updated_at == first.updated_at
    stored = instance_obj.Instance.get_by_uuid(cell, built.uuid)
    assert (stored.vm_state, stored.task_state, stored.host) == (
        VMState.BUILDING, TaskState.SPAWNING, "cmp1")
    # Its event was recorded once, with the save that applied.
    assert len(events) == 1
    action = instance_action.InstanceAction.get_by_request_id(
        cell, built.uuid, cell.request_id)
    assert [event.event for event in
            instance_action.InstanceActionEventList.get_by_action(
                cell, action.id)] == ["compute_build_and_run_instance"]


def test_a_save_that_truly_conflicts_still_fails(cell):  # noqa: F811
    built = _built(cell)
    first, _also = _spawning_save(cell, built.uuid, [])
    first.save(expected_task_state=TaskState.SCHEDULING)
    # The conductor's check failed the build meanwhile.
    failed = instance_obj.Instance.get_by_uuid(cell, built.uuid)
    failed.vm_state = VMState.ERROR
    failed.task_state = None
    failed.save(expected_task_state=[TaskState.SPAWNING])
    # The compute's last save: task_state None is what the row holds,
    # vm_state ACTIVE is not.
    finish = instance_obj.Instance.get_by_uuid(cell, built.uuid)
    finish.vm_state = VMState.ACTIVE
    finish.task_state = None
    with pytest.raises(exception.UnexpectedTaskStateError):
        finish.save(expected_task_state=TaskState.SPAWNING, repeat_ok=True)
    assert instance_obj.Instance.get_by_uuid(
        cell, built.uuid).vm_state == VMState.ERROR


def test_only_callers_that_may_repeat_are_answered(cell):  # noqa: F811
    built = _built(cell)
    first, _also = _spawning_save(cell, built.uuid, [])
    first.save(expected_task_state=TaskState.SCHEDULING)
    again, _also = _spawning_save(cell, built.uuid, [])
    # An API request that races another (two reboots) is refused.
    with pytest.raises(exception.UnexpectedTaskStateError):
        again.save(expected_task_state=TaskState.SCHEDULING)


def test_a_repeat_never_hides_a_delete(cell):  # noqa: F811
    built = _built(cell)
    deleting = instance_obj.Instance.get_by_uuid(cell, built.uuid)
    deleting.task_state = TaskState.DELETING
    deleting.save()
    again, _also = _spawning_save(cell, built.uuid, [])
    with pytest.raises(exception.UnexpectedDeletingTaskStateError):
        again.save(expected_task_state=TaskState.SCHEDULING,
                   repeat_ok=True)
