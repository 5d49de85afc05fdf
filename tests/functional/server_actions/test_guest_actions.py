"""rescue, unrescue, os-getConsoleOutput, changePassword, os-resetState,
injectNetworkInfo and trigger_crash_dump through the API."""
import pytest

from stratus.objects import fields
from stratus.virt import driver as virt_driver
from tests.functional.server_actions.conftest import READER

pytestmark = pytest.mark.slow


def test_rescue_and_unrescue(actions):
    server_id = actions.boot()["id"]
    response = actions.act(server_id, {"rescue": {"adminPass": "s3cret"}})
    assert response.status_int == 200, response.text
    assert response.json == {"adminPass": "s3cret"}
    assert actions.settled(server_id)["status"] == "RESCUE"
    guest = actions.driver.guest(server_id)
    assert guest.rescued and guest.admin_password == "s3cret"
    # Rescued servers may not be paused; unrescue brings them back.
    response = actions.act(server_id, {"pause": None})
    assert response.json["conflictingRequest"]["message"] == (
        "Cannot 'pause' instance %s while it is in vm_state rescued"
        % server_id)
    assert actions.act(server_id, {"unrescue": None}).status_int == 202
    assert actions.settled(server_id)["status"] == "ACTIVE"
    assert not actions.driver.guest(server_id).rescued
    # Without a password one is generated; an unknown image is a 400.
    generated = actions.act(server_id, {"rescue": None}).json["adminPass"]
    assert len(generated) == 12
    actions.settled(server_id)
    assert actions.act(server_id, {"unrescue": None}).status_int == 202
    actions.settled(server_id)
    response = actions.act(server_id, {"rescue": {
        "rescue_image_ref": "0b6a5a7e-0000-4000-8000-000000000000"}})
    assert response.status_int == 400
    assert actions.act(server_id, {"unrescue": None}).status_int == 409


def test_rescue_failure_is_error_with_a_fault(actions):
    server_id = actions.boot()["id"]
    actions.driver.inject_failure("rescue", server_id)
    assert actions.act(server_id, {"rescue": None}).status_int == 200
    server = actions.settled(server_id)
    assert server["status"] == "ERROR"
    assert "rescue failed" in server["fault"]["message"]
    event, = actions.events(server_id)["events"]
    assert (event["event"], event["result"]) == ("compute_rescue_instance",
                                                 "Error")


def test_console_output(actions):
    server_id = actions.boot("web")["id"]
    response = actions.act(server_id, {"os-getConsoleOutput": {}})
    assert response.status_int == 200
    output = response.json["output"]
    assert "web login: " in output and "Linux version" in output
    tail = actions.act(server_id, {"os-getConsoleOutput": {"length": 2}}
                       ).json["output"]
    assert tail == "web login: \n"
    assert actions.act(server_id, {"os-getConsoleOutput": {"length": "-1"}}
                       ).json["output"] == output
    assert actions.act(server_id, {"os-getConsoleOutput": {"length": 0}}
                       ).json["output"] == ""
    for bad in ({"length": -2}, {"length": "x"}, {"lines": 3}):
        assert actions.act(server_id, {"os-getConsoleOutput": bad}
                           ).status_int == 400
    # Console output does not care for locks, but a reader may not see it.
    assert actions.act(server_id, {"os-getConsoleOutput": {}},
                       headers=READER).status_int == 403
    actions.driver.inject_failure("get_console_output", server_id)
    response = actions.act(server_id, {"os-getConsoleOutput": {}})
    assert response.status_int == 404
    assert response.json["itemNotFound"]["message"] == (
        "Guest does not have a console available.")


def test_change_password(actions):
    server_id = actions.boot()["id"]
    response = actions.act(server_id, {"changePassword": {
        "adminPass": "n3w"}})
    assert response.status_int == 202 and not response.body
    assert actions.driver.guest(server_id).admin_password == "n3w"
    assert actions.demo.server(server_id)["status"] == "ACTIVE"
    assert actions.events(server_id)["action"] == "changePassword"
    assert actions.act(server_id, {"changePassword": {}}).status_int == 400
    # The driver's failure is Nova's 409, without the driver's words.
    actions.driver.inject_failure("set_admin_password", server_id)
    response = actions.act(server_id, {"changePassword": {
        "adminPass": "n3wer"}})
    assert response.status_int == 409
    assert response.json["conflictingRequest"]["message"] == (
        "Failed to set admin password on %s because error setting admin "
        "password" % server_id)
    server = actions.settled(server_id)
    assert server["status"] == "ACTIVE"
    actions.driver.clear_failures()
    assert actions.act(server_id, {"os-stop": None}).status_int == 202
    actions.settled(server_id)
    response = actions.act(server_id, {"changePassword": {"adminPass": "x"}})
    assert response.json["conflictingRequest"]["message"] == (
        "Cannot 'changePassword' instance %s while it is in vm_state "
        "stopped" % server_id)


def test_reset_state_and_inject_network_info_are_for_admins(actions):
    server_id = actions.boot()["id"]
    body = {"os-resetState": {"state": "error"}}
    assert actions.act(server_id, body).status_int == 403
    assert actions.act(server_id, body, client=actions.admin
                       ).status_int == 202
    server = actions.demo.server(server_id)
    assert (server["status"], server["OS-EXT-STS:task_state"]) == (
        "ERROR", None)
    assert actions.act(server_id, {"os-resetState": {"state": "paused"}},
                       client=actions.admin).status_int == 400
    assert actions.act(server_id, {"os-resetState": {"state": "active"}},
                       client=actions.admin).status_int == 202
    assert actions.demo.server(server_id)["status"] == "ACTIVE"

    assert actions.act(server_id, {"injectNetworkInfo": None}
                       ).status_int == 403
    assert actions.act(server_id, {"injectNetworkInfo": None},
                       client=actions.admin).status_int == 202
    assert actions.finished(server_id)["events"][0]["result"] == "Success"
    listed = actions.admin.get("/servers/%s/os-instance-actions"
                               % server_id)["instanceActions"]
    assert listed[0]["action"] == "injectNetworkInfo"
    assert "network: no ports" in actions.driver.guest(server_id).console


def test_trigger_crash_dump_from_2_17(actions):
    server_id = actions.boot()["id"]
    body = {"trigger_crash_dump": None}
    response = actions.act(server_id, body, version="2.16")
    assert response.status_int == 400
    assert response.json["badRequest"]["message"] == (
        "There is no such action: trigger_crash_dump")
    assert actions.act(server_id, {"trigger_crash_dump": {}},
                       version="2.17").status_int == 400
    assert actions.act(server_id, body, version="2.17").status_int == 202
    assert actions.finished(server_id)["action"] == "trigger_crash_dump"
    server = actions.settled(server_id)
    assert server["status"] == "ACTIVE"
    assert server["OS-EXT-STS:power_state"] == fields.PowerState.RUNNING
    assert "Kernel panic - not syncing: NMI: Not continuing" in (
        actions.driver.guest(server_id).console)
    assert actions.act(server_id, {"os-stop": None}).status_int == 202
    actions.settled(server_id)
    response = actions.act(server_id, body, version="2.17")
    assert response.status_int == 409


class PowerOnlyDriver(virt_driver.ComputeDriver, virt_driver.PowerControl):
    """A driver with no capability beyond power control (as a minimal
    hypervisor driver would be), running on the fake driver's guests."""
    name = "power-only"

    def __init__(self, fake):
        self.fake = fake

    def init_host(self, host):
        self.fake.init_host(host)

    def node_resources(self):
        return self.fake.node_resources()

    def list_instance_uuids(self):
        return self.fake.list_instance_uuids()

    def get_power_state(self, instance):
        return self.fake.get_power_state(instance)

    def spawn(self, *args, **kwargs):
        return self.fake.spawn(*args, **kwargs)

    def destroy(self, *args, **kwargs):
        return self.fake.destroy(*args, **kwargs)

    def power_off(self, instance, timeout=0):
        return self.fake.power_off(instance, timeout)

    def power_on(self, *args, **kwargs):
        return self.fake.power_on(*args, **kwargs)

    def reboot(self, *args):
        return self.fake.reboot(*args)


def test_actions_the_driver_lacks_are_refused_not_500(actions):
    server_id = actions.boot()["id"]
    actions.compute.driver = PowerOnlyDriver(actions.driver)
    try:
        response = actions.act(server_id, {"changePassword": {
            "adminPass": "x"}})
        assert response.status_int == 409
        assert response.json["conflictingRequest"]["message"] == (
            "The power-only driver of host %s does not support "
            "changePassword" % actions.compute.host)
        assert actions.settled(server_id)["status"] == "ACTIVE"
        response = actions.act(server_id, {"os-getConsoleOutput": {}})
        assert response.status_int == 409
        # A cast action ends where it started, with the reason recorded.
        assert actions.act(server_id, {"pause": None}).status_int == 202
        assert actions.settled(server_id)["status"] == "ACTIVE"
        event, = actions.events(server_id)["events"]
        assert event["result"] == "Error"
        assert event["details"] == (
            "The power-only driver of host %s does not support pause"
            % actions.compute.host)
        # What it has still works.
        assert actions.act(server_id, {"os-stop": None}).status_int == 202
        assert actions.settled(server_id)["status"] == "SHUTOFF"
    finally:
        actions.compute.driver = actions.driver


def test_computes_capped_below_the_actions_refuse_them(actions, conf):
    server_id = actions.boot()["id"]
    conf.set_override("compute", "1.0", group="upgrade_levels")
    from stratus.api.compute import app as compute_app
    capped = compute_app.make_app(conf, actions.cloud.databases,
                                  actions.cloud.messaging,
                                  image_api=actions.compute.image_api)
    client = actions.demo.__class__(capped, actions.demo.token)
    response = client.request("POST", "/v2.1/servers/%s/action" % server_id,
                              {"os-stop": None})
    assert response.status_int == 409
    assert "older than 1.1" in response.json["conflictingRequest"]["message"]
    assert actions.demo.server(server_id)["OS-EXT-STS:task_state"] is None
