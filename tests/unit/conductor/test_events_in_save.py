"""The action events an instance save records in its transaction
(record_event_in, two statements each), on the real databases: what
`openstack server event list` shows afterwards is what event_start and
event_finish record."""
from stratus.objects import instance_action
from tests.unit.compute.test_api_objects import _instance
from tests.unit.compute.test_api_objects import cell  # noqa: F401 - fixture

EVENT = "compute_build_and_run_instance"


def _record(cctx, uuid, starting, result=None, trace=None, details=None):
    with cctx.cell_db.writer() as session:
        instance_action.record_event_in(cctx, session, uuid, EVENT,
                                        starting, "cmp1", result, trace,
                                        details)


def _action(cctx, uuid):
    return instance_action.InstanceAction.get_by_request_id(
        cctx, uuid, cctx.request_id)


def _events(cctx, action):
    return list(instance_action.InstanceActionEventList.get_by_action(
        cctx, action.id))


def test_started_and_finished_under_the_latest_action(cell):  # noqa: F811
    uuid = _instance(cell).uuid
    older = instance_action.InstanceAction.action_start(cell, uuid, "create")
    latest = instance_action.InstanceAction.action_start(cell, uuid,
                                                         "create")
    _record(cell, uuid, True)
    [event] = _events(cell, latest)
    assert (event.event, event.host, event.result, event.finish_time) == (
        EVENT, "cmp1", None, None)
    assert event.start_time is not None and event.deleted is False
    assert _action(cell, uuid).updated_at >= event.start_time
    _record(cell, uuid, False, instance_action.RESULT_SUCCESS)
    [event] = _events(cell, latest)
    assert event.result == instance_action.RESULT_SUCCESS
    assert event.finish_time is not None and event.traceback is None
    assert _action(cell, uuid).message is None
    assert _events(cell, older) == []


def test_a_failure_finishes_the_latest_event_of_its_name(cell):  # noqa: F811
    uuid = _instance(cell).uuid
    action = instance_action.InstanceAction.action_start(cell, uuid,
                                                         "create")
    _record(cell, uuid, True)
    _record(cell, uuid, True)
    _record(cell, uuid, False, instance_action.RESULT_ERROR, "Traceback",
            "No valid host")
    latest, first = _events(cell, action)
    assert (latest.result, latest.traceback, latest.details) == (
        instance_action.RESULT_ERROR, "Traceback", "No valid host")
    assert first.result is None and first.finish_time is None
    assert _action(cell, uuid).message == instance_action.RESULT_ERROR


def test_without_action_or_event_nothing_is_written(cell):  # noqa: F811
    uuid = _instance(cell).uuid
    _record(cell, uuid, True)
    _record(cell, uuid, False, instance_action.RESULT_SUCCESS)
    assert _action(cell, uuid) is None
    action = instance_action.InstanceAction.action_start(cell, uuid,
                                                         "create")
    _record(cell, uuid, False, instance_action.RESULT_ERROR, "Traceback")
    assert _events(cell, action) == []
    unchanged = _action(cell, uuid)
    assert (unchanged.updated_at, unchanged.message) == (action.updated_at,
                                                         None)
