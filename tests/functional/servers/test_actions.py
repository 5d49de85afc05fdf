"""POST /servers/{id}/action (lock, unlock, unknown actions) and the
instance actions it records (/servers/{id}/os-instance-actions)."""
from stratus import exception
from stratus.objects import instance_action


def _action(client, server_id, body, version=None):
    return client.request("POST", "/v2.1/servers/%s/action" % server_id,
                          body, version=version)


def test_lock_and_unlock(servers):
    placed = servers.place()
    response = _action(servers.demo, placed.uuid,
                       {"lock": {"locked_reason": "hands off"}},
                       version="2.73")
    assert response.status_int == 202 and not response.body
    shown = servers.demo.server(placed.uuid)
    assert (shown["locked"], shown["locked_reason"]) == (True, "hands off")
    assert [s["name"] for s in servers.demo.get(
        "/servers?locked=true", version="2.73")["servers"]] == ["vm"]
    assert _action(servers.demo, placed.uuid, {"unlock": None}
                   ).status_int == 202
    shown = servers.demo.server(placed.uuid)
    assert (shown["locked"], shown["locked_reason"]) == (False, None)

    # What an admin locked, the owner may not unlock.
    assert _action(servers.admin, placed.uuid, {"lock": None}
                   ).status_int == 202
    assert servers.instance(placed.uuid).locked_by == "admin"
    response = _action(servers.demo, placed.uuid, {"unlock": None})
    assert response.status_int == 403
    assert "unlock:unlock_override" in response.json["forbidden"]["message"]
    assert _action(servers.admin, placed.uuid, {"unlock": None}
                   ).status_int == 202

    events = servers.admin.get("/servers/%s/os-instance-actions" %
                               placed.uuid)["instanceActions"]
    assert [a["action"] for a in events] == ["unlock", "lock", "unlock",
                                             "lock", "create"]
    request_id = events[-2]["request_id"]
    shown = servers.admin.get("/servers/%s/os-instance-actions/%s" % (
        placed.uuid, request_id), version="2.84")["instanceAction"]
    event, = shown["events"]
    assert (event["event"], event["result"]) == ("api_lock", "Success")
    assert event["finish_time"] and event["details"] is None


def test_action_body_rules(sqlite_servers):
    placed = sqlite_servers.place()
    for body, version, message in (
            ({"fly": {}}, None, "There is no such action: fly"),
            ({"lock": None, "unlock": None}, None, "too many body keys"),
            ({"lock": {"locked_reason": ""}}, "2.73", "locked_reason"),
            ({"lock": {"why": "x"}}, "2.73", "why")):
        response = _action(sqlite_servers.demo, placed.uuid, body, version)
        assert response.status_int == 400, response.text
        assert message in response.json["badRequest"]["message"]
    # Before 2.73 the lock body is not looked at.
    assert _action(sqlite_servers.demo, placed.uuid,
                   {"lock": {"locked_reason": "ignored"}},
                   version="2.72").status_int == 202
    assert sqlite_servers.instance(placed.uuid).locked_reason is None
    assert _action(sqlite_servers.other, placed.uuid, {"lock": None}
                   ).status_int == 404


def _record(servers, placed, action, events=(), project_id="demo"):
    """An action with events as the services would record them; its
    request id."""
    ctx = servers.ctx_for(project_id, project_id)
    with ctx.target_cell(servers.cells["cell1"]) as cctx:
        instance_action.InstanceAction.action_start(cctx, placed.uuid,
                                                    action)
        for name, error in events:
            instance_action.InstanceActionEvent.event_start(
                cctx, placed.uuid, name, host="host1")
            instance_action.InstanceActionEvent.event_finish(
                cctx, placed.uuid, name, exc_val=error,
                exc_tb="Traceback: boom" if error else None)
    return ctx.request_id


def test_instance_action_events_follow_policy_and_version(servers):
    placed = servers.place()
    request_id = _record(servers, placed, "reboot", [
        ("compute_reboot_instance",
         exception.InstanceInvalidState(action="reboot",
                                        instance_uuid=placed.uuid,
                                        attr="vm_state", state="error"))])
    path = "/servers/%s/os-instance-actions/%s" % (placed.uuid, request_id)
    assert "events" not in servers.demo.get(path, version="2.50")[
        "instanceAction"]
    member = servers.demo.get(path, version="2.100")["instanceAction"]
    assert member["action"] == "reboot" and member["message"] == "Error"
    assert member["request_id"] == request_id
    assert member["start_time"] and member["updated_at"]
    event, = member["events"]
    assert event["result"] == "Error" and "traceback" not in event
    assert "host" not in event
    assert event["hostId"] == servers.demo.server(placed.uuid)["hostId"]
    assert event["details"].startswith("Cannot 'reboot' instance")
    admin = servers.admin.get(path, version="2.62")["instanceAction"]
    event, = admin["events"]
    assert event["traceback"] == "Traceback: boom"
    assert event["host"] == "host1" and "details" not in event
    assert "updated_at" in admin and "updated_at" not in servers.admin.get(
        path, version="2.57")["instanceAction"]
    response = servers.demo.request("GET", "/v2.1/servers/%s/"
                                    "os-instance-actions/req-nope" %
                                    placed.uuid)
    assert response.status_int == 404
    assert response.json["itemNotFound"]["message"] == (
        "Action req-nope not found")


def test_instance_actions_page_and_survive_the_server(sqlite_servers):
    servers = sqlite_servers
    placed = servers.place()
    for action in ("stop", "start", "reboot"):
        _record(servers, placed, action)
    path = "/servers/%s/os-instance-actions" % placed.uuid
    page = servers.demo.get(path + "?limit=2", version="2.58")
    assert [a["action"] for a in page["instanceActions"]] == ["reboot",
                                                              "start"]
    next_link = page["links"][0]["href"]
    assert "marker=" in next_link
    rest = servers.demo.get(path + "?" + next_link.split("?", 1)[1],
                            version="2.58")
    assert [a["action"] for a in rest["instanceActions"]] == ["stop",
                                                              "create"]
    response = servers.demo.request("GET", "/v2.1" + path + "?marker=x",
                                    version="2.58")
    assert response.status_int == 400
    response = servers.demo.request("GET", "/v2.1" + path + "?bogus=1",
                                    version="2.58")
    assert response.status_int == 400

    servers.demo.delete("/servers/%s" % placed.uuid, expected=(204,))
    assert servers.demo.request("GET", "/v2.1" + path, version="2.20"
                                ).status_int == 404
    listed = servers.demo.get(path, version="2.21")["instanceActions"]
    assert listed[0]["action"] == "delete"
