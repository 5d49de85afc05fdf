"""resize, confirmResize, revertResize and migrate through the API on the
fake driver with two hosts; placement usages checked per provider before
and after every move."""
import pytest

pytestmark = pytest.mark.slow

TINY = {"DISK_GB": 1, "MEMORY_MB": 512, "VCPU": 1}
SMALL = {"DISK_GB": 20, "MEMORY_MB": 2048, "VCPU": 1}


def _resize(env, server_id, flavor):
    response = env.act(server_id, {"resize": {"flavorRef": flavor}})
    assert response.status_int == 202, response.text
    return env.wait(server_id, {"VERIFY_RESIZE", "ACTIVE", "SHUTOFF",
                                "ERROR"})


def test_resize_up_and_confirm(moves):
    env = moves
    server = env.active(flavor="1")
    source = server["OS-EXT-SRV-ATTR:host"]
    before = env.usages()
    resized = _resize(env, server["id"], "2")
    assert resized["status"] == "VERIFY_RESIZE"
    dest = resized["OS-EXT-SRV-ATTR:host"]
    assert dest != source
    assert resized["flavor"]["original_name"] == "m1.small"
    migration, = env.migrations(server["id"])
    assert (migration["status"], migration["migration_type"]) == (
        "finished", "resize")
    assert (migration["source_compute"], migration["dest_compute"]) == (
        source, dest)
    assert (migration["old_instance_type_id"],
            migration["new_instance_type_id"]) != (None, None)
    # The source stays held by the migration, the destination by the
    # server, until the resize is confirmed.
    assert env.allocations(migration["uuid"]) == {source: TINY}
    assert env.allocations(server["id"]) == {dest: SMALL}
    assert env.usages() == dict(before, **{dest: SMALL})
    response = env.act(server["id"], {"confirmResize": None})
    assert response.status_int == 204, response.text
    confirmed = env.wait(server["id"], {"ACTIVE"})
    assert confirmed["OS-EXT-SRV-ATTR:host"] == dest
    assert env.allocations(migration["uuid"]) == {}
    assert env.usages() == {source: {name: 0 for name in TINY}, dest: SMALL}
    migration, = env.migrations(server["id"])
    assert migration["status"] == "confirmed"
    assert env.driver(dest).guest(server["id"]).power_state == 1
    assert env.driver(source).guest(server["id"]) is None
    assert env.driver(source).migrated_guest(server["id"]) is None
    events = env.events(server["id"], "resize")
    assert set(events) == {"conductor_migrate_server", "compute_prep_resize",
                           "compute_resize_instance",
                           "compute_finish_resize"}
    assert all(event["result"] == "Success" for event in events.values())
    assert (events["compute_resize_instance"]["host"],
            events["compute_finish_resize"]["host"]) == (source, dest)
    confirm_events = env.events(server["id"], "confirmResize")
    assert confirm_events["compute_confirm_resize"]["host"] == source
    # The next move schedules with the confirmed flavor.
    response = env.act(server["id"], {"migrate": None}, client=env.admin)
    assert response.status_int == 202, response.text
    moved = env.wait(server["id"], {"VERIFY_RESIZE"})
    assert moved["OS-EXT-SRV-ATTR:host"] == source
    assert env.allocations(server["id"]) == {source: SMALL}


def test_resize_revert_gives_everything_back(moves):
    env = moves
    server = env.active(flavor="1")
    source = server["OS-EXT-SRV-ATTR:host"]
    before = env.usages()
    env.act(server["id"], {"os-stop": None})
    env.wait(server["id"], {"SHUTOFF"})
    resized = _resize(env, server["id"], "2")
    assert resized["status"] == "VERIFY_RESIZE"
    dest = resized["OS-EXT-SRV-ATTR:host"]
    # A stopped server stays powered off on its destination.
    assert env.driver(dest).guest(server["id"]).power_state == 4
    response = env.act(server["id"], {"revertResize": None})
    assert response.status_int == 202, response.text
    reverted = env.wait(server["id"], {"SHUTOFF"})
    assert reverted["OS-EXT-SRV-ATTR:host"] == source
    compute_id, source_node_id = env.compute_node_of(server["id"])
    assert compute_id == source_node_id
    assert reverted["flavor"]["original_name"] == "m1.tiny"
    assert env.usages() == before
    assert env.allocations(server["id"]) == {source: TINY}
    migration, = env.migrations(server["id"])
    assert migration["status"] == "reverted"
    assert env.allocations(migration["uuid"]) == {}
    assert env.driver(dest).guest(server["id"]) is None
    assert env.driver(source).guest(server["id"]) is not None
    events = env.events(server["id"], "revertResize")
    assert events["compute_revert_resize"]["host"] == dest
    assert events["compute_finish_revert_resize"]["host"] == source
    response = env.act(server["id"], {"os-start": None})
    assert response.status_int == 202
    assert env.wait(server["id"], {"ACTIVE"})["OS-EXT-SRV-ATTR:host"] == (
        source)


def test_cold_migrate_with_and_without_host(moves_sqlite):
    env = moves_sqlite
    server = env.active(flavor="1")
    source = server["OS-EXT-SRV-ATTR:host"]
    other = next(host for host in env.computes if host != source)
    # A member may not migrate; the host is named from 2.56 only.
    assert env.act(server["id"], {"migrate": None}).status_int == 403
    for host, message in ((source, "Cannot migrate to the host where the "
                                   "server exists."),
                          ("nowhere", "Compute host nowhere could not be "
                                      "found.")):
        response = env.act(server["id"], {"migrate": {"host": host}},
                           client=env.admin, version="2.56")
        assert response.status_int == 400
        assert response.json["badRequest"]["message"] == message
    response = env.act(server["id"], {"migrate": {"host": other}},
                       client=env.admin, version="2.56")
    assert response.status_int == 202, response.text
    moved = env.wait(server["id"], {"VERIFY_RESIZE"})
    assert moved["OS-EXT-SRV-ATTR:host"] == other
    assert moved["flavor"]["original_name"] == "m1.tiny"
    migration, = env.migrations(server["id"])
    assert migration["migration_type"] == "migration"
    assert env.allocations(migration["uuid"]) == {source: TINY}
    assert env.allocations(server["id"]) == {other: TINY}
    assert env.act(server["id"], {"confirmResize": None}).status_int == 204
    env.wait(server["id"], {"ACTIVE"})
    # And back, the scheduler choosing (the only other host): before 2.56
    # Nova reads nothing of the body, so a host named there is ignored.
    response = env.act(server["id"], {"migrate": {"host": "nowhere"}},
                       client=env.admin, version="2.55")
    assert response.status_int == 202
    assert env.wait(server["id"], {"VERIFY_RESIZE"})[
        "OS-EXT-SRV-ATTR:host"] == source
    assert env.act(server["id"], {"confirmResize": None}).status_int == 204
    env.wait(server["id"], {"ACTIVE"})
    assert env.usages() == {source: TINY, other: {name: 0 for name in TINY}}
    assert env.events(server["id"], "migrate")[
        "conductor_migrate_server"]["result"] == "Success"


def test_wrong_states_and_bad_requests(moves_sqlite):
    env = moves_sqlite
    server = env.active(flavor="1")
    server_id = server["id"]
    message = env.act(server_id, {"confirmResize": None}).json[
        "conflictingRequest"]["message"]
    assert message == ("Cannot 'confirmResize' instance %s while it is in "
                       "vm_state active" % server_id)
    assert env.act(server_id, {"revertResize": None}).status_int == 409
    for body, text in (
            ({"resize": {"flavorRef": "1"}},
             "When resizing, instances must change flavor!"),
            ({"resize": {"flavorRef": "999"}},
             "Unable to locate requested flavor.")):
        response = env.act(server_id, body)
        assert response.status_int == 400
        assert response.json["badRequest"]["message"] == text
    for body in ({"resize": {}}, {"resize": {"flavorRef": "2", "x": 1}},
                 {"resize": {"flavorRef": "2",
                             "OS-DCF:diskConfig": "SOMETIMES"}}):
        assert env.act(server_id, body, client=env.admin,
                       version="2.55").status_int == 400, body
    # As Nova, confirmResize takes any value (and before 2.56 migrate
    # reads nothing of its body): {} is the request null is.
    assert env.act(server_id, {"confirmResize": {}}).status_int == 409
    env.admin.post("/flavors", {"flavor": {
        "name": "nodisk", "ram": 512, "vcpus": 1, "disk": 0, "id": "z0"}})
    response = env.act(server_id, {"resize": {"flavorRef": "z0"}})
    assert response.json["badRequest"]["message"] == (
        "Server disk was unable to be resized because: Resize to zero disk "
        "flavor is not allowed.")
    # Quota: cores for a resize up.
    env.admin.put("/os-quota-sets/demo", {"quota_set": {"cores": 1}})
    response = env.act(server_id, {"resize": {"flavorRef": "3"}})
    assert response.status_int == 403
    assert "cores" in response.json["forbidden"]["message"]
    env.admin.put("/os-quota-sets/demo", {"quota_set": {"cores": -1}})
    # Locked by its owner's admin: the owner cannot move it.
    env.act(server_id, {"lock": None}, client=env.admin)
    response = env.act(server_id, {"resize": {"flavorRef": "2"}})
    assert response.status_int == 409
    assert response.json["conflictingRequest"]["message"] == (
        "Instance %s is locked" % server_id)
    env.act(server_id, {"unlock": None}, client=env.admin)
    assert _resize(env, server_id, "2")["status"] == "VERIFY_RESIZE"
    response = env.act(server_id, {"resize": {"flavorRef": "3"}})
    assert response.status_int == 409
    assert "vm_state resized" in response.json["conflictingRequest"][
        "message"]
    response = env.act(server_id, {"migrate": None}, client=env.admin)
    assert response.status_int == 409
    assert env.act(server_id, {"revertResize": None}).status_int == 202
    assert env.wait(server_id, {"ACTIVE"})["flavor"]["original_name"] == (
        "m1.tiny")
