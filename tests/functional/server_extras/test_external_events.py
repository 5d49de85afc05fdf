"""POST /os-server-external-events: per-event codes (200, 404, 422, 400),
the answer's 200, 207 or 404, delivery to the servers' hosts over
compute RPC (1.8), the power-update event's change of the recorded
state and the instance actions Nova records for events; on every
database."""
import time

from stratus.compute import rpcapi as compute_rpcapi

SERVICE = {"X-Roles": "service"}
PATH = "/v2.1/os-server-external-events"
MISSING = "00000000-0000-0000-0000-000000000001"


def _boot(api, networks="auto"):
    server = api.create_server(image=api.first_image_id(), networks=networks)
    return api.wait_for_status(server["server"]["id"], "ACTIVE")


def _post(api, events, version="2.93", headers=SERVICE, token="nova:service"):
    return api.request("POST", PATH, {"events": events}, version=version,
                       token=token, headers=headers)


def _wait(predicate, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


def _actions(api, uuid):
    return api.get("/servers/%s/os-instance-actions" % uuid,
                   version="2.84")["instanceActions"]


def _events(api, uuid, request_id):
    return api.get("/servers/%s/os-instance-actions/%s" % (uuid, request_id),
                   version="2.84")["instanceAction"]["events"]


def _send_one(api, uuid, name, tag):
    """Send one event; the names of the instance actions its request
    recorded and its request id."""
    response = _post(api, [{"server_uuid": uuid, "name": name, "tag": tag}])
    assert response.status_int == 200, response.text
    request_id = response.headers["x-openstack-request-id"]
    return [entry["action"] for entry in _actions(api, uuid)
            if entry["request_id"] == request_id], request_id


def _finished_events(api, uuid, request_id):
    events = _wait(lambda: [event for event in _events(api, uuid, request_id)
                            if event.get("finish_time")])
    return [(event["event"], event["result"]) for event in events]


def test_codes_per_event_and_overall(cloud, api):
    uuid = _boot(api)["id"]
    response = _post(api, [{"server_uuid": uuid, "name": "network-changed"}])
    assert response.status_int == 200, response.text
    assert response.json == {"events": [{
        "server_uuid": uuid, "name": "network-changed",
        "status": "completed", "code": 200}]}

    response = _post(api, [
        {"server_uuid": uuid, "name": "network-vif-plugged",
         "status": "in-progress", "tag": "port-1"},
        {"server_uuid": MISSING, "name": "network-vif-plugged"},
        {"server_uuid": uuid, "name": "volume-extended"}])
    assert response.status_int == 207, response.text
    assert [(event["code"], event["status"])
            for event in response.json["events"]] == [
        (200, "completed"), (404, "failed"), (400, "failed")]
    assert response.json["events"][0]["tag"] == "port-1"

    response = _post(api, [{"server_uuid": MISSING,
                            "name": "network-changed"}])
    assert response.status_int == 404
    assert response.json["itemNotFound"]["message"] == (
        "No instances found for any event")


def test_a_server_without_a_host_is_422(cloud, api):
    uuid = _boot(api)["id"]
    other = _boot(api)["id"]
    api.post("/servers/%s/action" % uuid, {"shelve": None})
    api.wait_for_status(uuid, "SHELVED_OFFLOADED")
    event = {"server_uuid": uuid, "name": "network-changed"}
    response = _post(api, [event])
    # Nothing handed over: 404, as in Nova.
    assert response.status_int == 404
    response = _post(api, [event, {"server_uuid": other,
                                   "name": "network-changed"}])
    assert response.status_int == 207
    assert [(entry["code"], entry["status"])
            for entry in response.json["events"]] == [
        (422, "failed"), (200, "completed")]


def test_event_names_follow_the_microversion(cloud, api):
    uuid = _boot(api)["id"]
    for name, first in (("volume-extended", "2.51"),
                        ("power-update", "2.76"),
                        ("accelerator-request-bound", "2.82"),
                        ("volume-reimaged", "2.93")):
        major, minor = first.split(".")
        before = "%s.%d" % (major, int(minor) - 1)
        event = {"server_uuid": uuid, "name": name, "tag": "x"}
        assert _post(api, [event], version=before).status_int == 400, name
        assert _post(api, [event], version=first).status_int == 200, name
    for bad in ([], [{"server_uuid": "not-a-uuid",
                      "name": "network-changed"}],
                [{"server_uuid": uuid, "name": "network-changed",
                  "status": "done"}],
                [{"server_uuid": uuid, "name": "network-changed",
                  "tag": "x" * 256}],
                [{"server_uuid": uuid, "name": "network-changed",
                  "extra": 1}]):
        assert _post(api, bad).status_int == 400, bad


def test_only_the_service_role(cloud, api):
    uuid = _boot(api)["id"]
    event = [{"server_uuid": uuid, "name": "network-changed"}]
    assert _post(api, event, headers={}, token="admin:admin"
                 ).status_int == 403
    assert _post(api, event, headers={}, token="demo:demo").status_int == 403
    assert _post(api, event, headers={"X-Roles": "admin,service"},
                 token="admin:admin").status_int == 200


def test_power_update_changes_the_recorded_state(cloud, api):
    uuid = _boot(api)["id"]
    actions, request_id = _send_one(api, uuid, "power-update", "POWER_OFF")
    assert actions == ["stop"]
    server = api.wait_for_status(uuid, "SHUTOFF")
    assert server["OS-EXT-STS:power_state"] == 4
    assert _finished_events(api, uuid, request_id) == [
        ("compute_power_update", "Success")]

    actions, _ = _send_one(api, uuid, "power-update", "POWER_ON")
    assert actions == ["start"]
    server = api.wait_for_status(uuid, "ACTIVE")
    assert server["OS-EXT-STS:power_state"] == 1


def test_power_update_with_an_unknown_tag_is_skipped(cloud, api):
    uuid = _boot(api)["id"]
    actions, _ = _send_one(api, uuid, "power-update", "POWER_SIDEWAYS")
    assert actions == []
    assert api.server(uuid)["status"] == "ACTIVE"


def test_volume_extended_is_recorded(cloud, api):
    uuid = _boot(api)["id"]
    actions, request_id = _send_one(
        api, uuid, "volume-extended", "5b2e1f3a-0c44-4c1b-9d8e-3f0f5a1e2b7c")
    assert actions == ["extend_volume"]
    assert _finished_events(api, uuid, request_id) == [
        ("compute_extend_volume", "Error")]


def test_vif_deleted_unplugs_the_port(cloud, api):
    server = _boot(api)
    uuid = server["id"]
    [port] = api.get("/servers/%s/os-interface" % uuid
                     )["interfaceAttachments"]
    assert _send_one(api, uuid, "network-vif-deleted",
                     port["port_id"])[0] == []
    _wait(lambda: api.get("/servers/%s/os-interface" % uuid
                          )["interfaceAttachments"] == [])


def test_events_are_not_sent_to_computes_capped_below_1_8(cloud, api,
                                                          monkeypatch):
    uuid = _boot(api)["id"]
    sent = []
    monkeypatch.setattr(compute_rpcapi.ComputeAPI,
                        "can_send_external_events", lambda self: False)
    monkeypatch.setattr(compute_rpcapi.ComputeAPI, "external_instance_event",
                        lambda self, *args: sent.append(args))
    response = _post(api, [{"server_uuid": uuid, "name": "power-update",
                            "tag": "POWER_OFF"}])
    assert response.status_int == 200
    assert sent == []
    assert api.server(uuid)["status"] == "ACTIVE"


def test_power_update_sends_power_off_notifications(listened):
    actions, collector = listened
    uuid = actions.boot(name="noted")["id"]
    response = _post(actions.admin, [{"server_uuid": uuid,
                                      "name": "power-update",
                                      "tag": "POWER_OFF"}])
    assert response.status_int == 200
    for phase in ("start", "end"):
        priority, _, payload = collector.wait_for(
            "instance.power_off.%s" % phase, uuid)
        assert priority == "INFO"
    assert payload["nova_object.data"]["state"] == "stopped"



def test_during_a_move_events_go_to_both_hosts(moves_sqlite, monkeypatch):
    env = moves_sqlite
    server = env.active()
    uuid, source = server["id"], server["OS-EXT-SRV-ATTR:host"]
    env.act(uuid, {"resize": {"flavorRef": "2"}})
    dest = env.wait(uuid, {"VERIFY_RESIZE"})["OS-EXT-SRV-ATTR:host"]
    assert dest != source
    sent = []
    real = compute_rpcapi.ComputeAPI.external_instance_event
    monkeypatch.setattr(
        compute_rpcapi.ComputeAPI, "external_instance_event",
        lambda self, ctx, host, instances, events: (
            sent.append(host), real(self, ctx, host, instances, events)))
    event = [{"server_uuid": uuid, "name": "network-vif-plugged",
              "tag": "p"}]
    assert _post(env.api, event).status_int == 200
    assert sorted(sent) == sorted([source, dest])

    env.act(uuid, {"confirmResize": None})
    env.wait(uuid, {"ACTIVE"})
    del sent[:]
    assert _post(env.api, event).status_int == 200
    assert sent == [dest]
