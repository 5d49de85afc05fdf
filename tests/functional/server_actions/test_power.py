"""reboot, os-stop, os-start, pause, unpause, suspend, resume and the
power-state sync, through the API on the in-process cloud."""
import pytest

from stratus.objects import fields
from tests.functional.server_actions.conftest import READER

pytestmark = pytest.mark.slow

PowerState = fields.PowerState


def _status(actions, server_id, body, status, power_state):
    response = actions.act(server_id, body)
    assert response.status_int == 202, response.text
    assert not response.body
    server = actions.settled(server_id)
    assert server["status"] == status
    assert server["OS-EXT-STS:power_state"] == power_state
    return server


def test_power_actions_walk_the_state_machine(actions):
    server_id = actions.boot()["id"]
    for body, status, power_state in (
            ({"os-stop": None}, "SHUTOFF", PowerState.SHUTDOWN),
            ({"os-start": None}, "ACTIVE", PowerState.RUNNING),
            ({"pause": None}, "PAUSED", PowerState.PAUSED),
            ({"unpause": None}, "ACTIVE", PowerState.RUNNING),
            ({"suspend": None}, "SUSPENDED", PowerState.SUSPENDED),
            ({"resume": None}, "ACTIVE", PowerState.RUNNING),
            ({"reboot": {"type": "SOFT"}}, "ACTIVE", PowerState.RUNNING),
            ({"os-stop": None}, "SHUTOFF", PowerState.SHUTDOWN),
            # A hard reboot also starts a stopped server.
            ({"reboot": {"type": "HARD"}}, "ACTIVE", PowerState.RUNNING)):
        _status(actions, server_id, body, status, power_state)
    guest = actions.driver.guest(server_id)
    assert guest.power_state == PowerState.RUNNING
    assert "(hard reset)" in guest.console
    listed = actions.demo.get("/servers/%s/os-instance-actions"
                              % server_id)["instanceActions"]
    assert [a["action"] for a in listed][:4] == ["reboot", "stop",
                                                 "reboot", "resume"]
    event, = actions.events(server_id)["events"]
    assert (event["event"], event["result"]) == ("compute_reboot_instance",
                                                 "Success")


def _admin_ctx():
    from stratus import context
    return context.get_admin_context()


def test_wrong_state_is_409_with_novas_message(actions):
    server_id = actions.boot()["id"]
    for body, state in (({"os-start": None}, "active"),
                        ({"unpause": None}, "active"),
                        ({"resume": None}, "active")):
        response = actions.act(server_id, body)
        assert response.status_int == 409
        action = {"os-start": "start"}.get(next(iter(body)),
                                           next(iter(body)))
        assert response.json["conflictingRequest"]["message"] == (
            "Cannot '%s' instance %s while it is in vm_state %s"
            % (action, server_id, state))
    _status(actions, server_id, {"os-stop": None}, "SHUTOFF",
            PowerState.SHUTDOWN)
    response = actions.act(server_id, {"os-stop": None})
    assert response.json["conflictingRequest"]["message"] == (
        "Cannot 'stop' instance %s while it is in vm_state stopped"
        % server_id)
    response = actions.act(server_id, {"reboot": {"type": "SOFT"}})
    assert response.status_int == 409
    assert "'reboot'" in response.json["conflictingRequest"]["message"]


def test_policy_lock_and_bad_bodies(actions):
    server_id = actions.boot()["id"]
    response = actions.act(server_id, {"os-stop": None}, headers=READER)
    assert response.status_int == 403
    assert "os_compute_api:servers:stop" in response.json[
        "forbidden"]["message"]
    assert actions.act(server_id, {"pause": None},
                       client=actions.other).status_int == 404
    for body in ({"reboot": {}}, {"reboot": {"type": "WARM"}},
                 {"reboot": None}):
        assert actions.act(server_id, body).status_int == 400
    assert actions.act(server_id, {"lock": None}).status_int == 202
    response = actions.act(server_id, {"os-stop": None})
    assert response.status_int == 409
    assert response.json["conflictingRequest"]["message"] == (
        "Instance %s is locked" % server_id)
    # Admins act on locked servers.
    assert actions.act(server_id, {"os-stop": None},
                       client=actions.admin).status_int == 202
    assert actions.settled(server_id)["status"] == "SHUTOFF"


def test_driver_failures_end_as_nova_does(actions):
    server_id = actions.boot()["id"]
    # A failed stop goes back to ACTIVE with a fault in the action event.
    actions.driver.inject_failure("power_off", server_id)
    assert actions.act(server_id, {"os-stop": None}).status_int == 202
    server = actions.settled(server_id)
    assert server["status"] == "ACTIVE"
    event, = actions.events(server_id)["events"]
    assert (event["event"], event["result"]) == ("compute_stop_instance",
                                                 "Error")
    assert "power_off failed" in event["details"]
    assert actions.events(server_id)["message"] == "Error"
    # A failed reboot leaves the server in ERROR with its fault shown.
    actions.driver.inject_failure("reboot", server_id)
    assert actions.act(server_id, {"reboot": {"type": "SOFT"}}
                       ).status_int == 202
    server = actions.settled(server_id)
    assert server["status"] == "ERROR"
    assert "reboot failed" in server["fault"]["message"]
    # A hard reboot recovers it.
    actions.driver.clear_failures()
    assert actions.act(server_id, {"reboot": {"type": "HARD"}}
                       ).status_int == 202
    assert actions.settled(server_id)["status"] == "ACTIVE"


def test_power_sync_stops_a_guest_that_shut_itself_down(actions):
    server_id = actions.boot()["id"]
    actions.driver.guest_shuts_down(server_id)
    actions.compute.sync_power_states(_admin_ctx())
    server = actions.demo.server(server_id)
    assert server["status"] == "SHUTOFF"
    assert server["OS-EXT-STS:power_state"] == PowerState.SHUTDOWN
