"""The state machine table, and the docs drawn from it."""
import importlib.util
import os

import pytest

from stratus.compute import rpcapi
from stratus.compute import states
from stratus import exception
from stratus.objects import instance as instance_obj

_TOOL = os.path.join(os.path.dirname(__file__), "..", "..", "..", "tools",
                     "state_machine_docs.py")


def _tool():
    spec = importlib.util.spec_from_file_location("state_machine_docs",
                                                  _TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_docs_match_the_code():
    tool = _tool()
    for path, text in ((tool.MARKDOWN, tool.markdown()),
                       (tool.SVG, tool.svg())):
        with open(path, encoding="utf-8") as committed:
            assert committed.read() == text, (
                "%s is stale: run tools/state_machine_docs.py" % path)


def test_every_action_names_its_states():
    for rule in states.TRANSITIONS.values():
        assert rule.on_failure in (states.REVERT, states.ERROR)
        assert states.allowed_from(rule.action)


@pytest.mark.parametrize("vm_state,task_state,attr", [
    ("stopped", None, "vm_state"), ("active", "pausing", "task_state")])
def test_check_refuses_with_novas_message(vm_state, task_state, attr):
    instance = instance_obj.Instance(uuid="6f1c0e52-4c39-4d1b-9a4f-"
                                     "0e9a1c2b3d4e", vm_state=vm_state,
                                     task_state=task_state)
    with pytest.raises(exception.InstanceInvalidState) as caught:
        states.check(instance, "stop")
    assert str(caught.value) == (
        "Cannot 'stop' instance %s while it is in %s %s"
        % (instance.uuid, attr, vm_state if attr == "vm_state"
           else task_state))
    assert caught.value.code == 409


def test_a_restart_finishes_what_each_task_state_meant():
    """The compute's restart (stratus/compute/manager.py _reconcile)
    reads on_restart by the task_state a server shows, the compute steps'
    task states included."""
    T = states.TaskState
    by_rule = {}
    for name, task_state in vars(T).items():
        if not name.startswith("_") and states.on_restart(task_state):
            by_rule.setdefault(states.on_restart(task_state),
                               set()).add(task_state)
    assert by_rule == {
        states.FINISH_POWER_OFF: {T.POWERING_OFF, T.SOFT_DELETING},
        states.FINISH_POWER_ON: {T.POWERING_ON, T.REBOOTING,
                                 T.REBOOTING_HARD, T.RESTORING},
        states.CONDUCTOR_SETTLES: {
            T.RESIZE_PREP, T.RESIZE_MIGRATING, T.RESIZE_MIGRATED,
            T.RESIZE_FINISH, T.RESIZE_REVERTING, T.RESIZE_CONFIRMING},
    }
    assert states.on_restart(None) is None


def test_the_facts_the_api_reads_name_real_things():
    """cast names a method of the compute RPC client; the recorded
    instance action is the action's own name unless the row says."""
    for rule in states.TRANSITIONS.values():
        if rule.cast is not None:
            assert callable(getattr(rpcapi.ComputeAPI, rule.cast))
        assert rule.rpc_version in (None, "1.1", "1.4", "1.8", "1.11")
    assert states.transition("stop").recorded_action == "stop"
    assert states.transition("softDelete").recorded_action == "delete"
    assert states.transition("getConsoleOutput").recorded_action is None
