"""os-migrateLive, force_complete and abort through the API on the fake
driver with two hosts: the guest moves, the migration's progress shows,
placement usages per provider are exact before and after, and every
failure leaves the server running where it was with nothing leaked."""
import time

import pytest

pytestmark = pytest.mark.slow

TINY = {"DISK_GB": 1, "MEMORY_MB": 512, "VCPU": 1}
MIB, GIB = 1024 * 1024, 1024 ** 3


def _hosts(env, server):
    source = server["OS-EXT-SRV-ATTR:host"]
    other, = [host for host in env.computes if host != source]
    return source, other


def _live(env, server_id, body=None, version="2.68", expected=202):
    body = body if body is not None else {"block_migration": "auto",
                                          "host": None}
    response = env.act(server_id, {"os-migrateLive": body},
                       client=env.admin, version=version)
    assert response.status_int == expected, response.text
    return response


def _running_migration(env, server_id, timeout=30):
    """The server's live migration once its copy reports progress."""
    return env.in_progress(server_id, lambda migration: (
        migration["status"] == "running"
        and migration["memory_processed_bytes"]), timeout=timeout)


def test_live_migration_moves_the_guest(moves):
    env = moves
    server = env.active()
    source, dest = _hosts(env, server)
    assert env.used() == {source: TINY}
    _live(env, server["id"])
    moved = env.wait(server["id"], {"ACTIVE"})
    assert moved["OS-EXT-SRV-ATTR:host"] == dest
    assert moved["OS-EXT-SRV-ATTR:hypervisor_hostname"] == dest
    # Exactly one claim, on the destination; the migration holds nothing.
    assert env.used() == {dest: TINY}
    migration, = env.migrations(server["id"])
    assert (migration["migration_type"], migration["status"]) == (
        "live-migration", "completed")
    assert env.allocations(migration["uuid"]) == {}
    assert env.allocations(server["id"]) == {dest: TINY}
    assert env.driver(dest).guest(server["id"]).power_state == 1
    assert env.driver(source).guest(server["id"]) is None
    events = env.events(server["id"], "live-migration")
    assert {name: event["result"] for name, event in events.items()} == {
        "conductor_live_migrate_instance": "Success",
        "compute_check_can_live_migrate_destination": "Success",
        "compute_pre_live_migration": "Success",
        "compute_live_migration": "Success",
        "compute_post_live_migration_at_destination": "Success"}
    # Nothing in progress any more: the server's list is empty.
    assert env.admin.get("/servers/%s/migrations" % server["id"],
                         version="2.23")["migrations"] == []


def test_progress_force_complete_and_abort(moves_sqlite):
    env = moves_sqlite
    server = env.active()
    source, dest = _hosts(env, server)
    env.driver(source).hold_live_migration(server["id"])
    # 2.24: block_migration true; the scheduler checks the given host.
    _live(env, server["id"], {"block_migration": True, "host": dest,
                              "force": False}, version="2.30")
    running = _running_migration(env, server["id"])
    assert env.admin.server(server["id"])["status"] == "MIGRATING"
    assert running["server_uuid"] == server["id"]
    assert (running["source_compute"], running["dest_compute"]) == (
        source, dest)
    # The first of five steps: a fifth of 512 MiB and of the 1 GiB disk.
    assert running["memory_total_bytes"] == 512 * MIB
    assert running["memory_processed_bytes"] == 512 * MIB // 5
    assert running["disk_total_bytes"] == GIB
    assert running["disk_remaining_bytes"] == GIB - GIB // 5
    shown = env.admin.get("/servers/%s/migrations/%s" % (
        server["id"], running["id"]), version="2.23")["migration"]
    assert shown["id"] == running["id"] and "uuid" not in shown
    # While it runs both hosts are held: the source by the migration,
    # the destination by the server.
    assert env.used() == {source: TINY, dest: TINY}
    assert env.driver(dest).incoming_guest(server["id"]) is not None
    path = "/servers/%s/migrations/%s" % (server["id"], running["id"])
    # Before 2.22 there is no such resource; the body is checked.
    assert env.admin.request("POST", "/v2.1%s/action" % path,
                             {"force_complete": None},
                             version="2.21").status_int == 404
    assert env.admin.request("POST", "/v2.1%s/action" % path,
                             {"force_complete": 1},
                             version="2.22").status_int == 400
    assert env.demo.request("POST", "/v2.1%s/action" % path,
                            {"force_complete": None},
                            version="2.22").status_int == 403
    response = env.admin.request("POST", "/v2.1%s/action" % path,
                                 {"force_complete": None}, version="2.22")
    assert response.status_int == 202, response.text
    moved = env.wait(server["id"], {"ACTIVE"})
    assert moved["OS-EXT-SRV-ATTR:host"] == dest
    assert env.used() == {dest: TINY}
    events = env.events(server["id"], "live_migration_force_complete")
    assert events["compute_live_migration_force_complete"]["result"] == (
        "Success")
    # Completed: not in progress, so neither shown nor forced any more.
    assert env.admin.request("GET", "/v2.1" + path,
                             version="2.23").status_int == 404
    response = env.admin.request("POST", "/v2.1%s/action" % path,
                                 {"force_complete": None}, version="2.22")
    assert response.status_int == 409, response.text

    # Back, held again, then aborted: it stays on its source (now dest).
    env.driver(dest).hold_live_migration(server["id"])
    _live(env, server["id"], {"block_migration": False, "host": None})
    running = _running_migration(env, server["id"])
    path = "/servers/%s/migrations/%s" % (server["id"], running["id"])
    assert env.admin.request("DELETE", "/v2.1" + path,
                             version="2.23").status_int == 404
    response = env.admin.request("DELETE", "/v2.1" + path, version="2.24")
    assert response.status_int == 202, response.text
    back = env.wait(server["id"], {"ACTIVE"})
    assert back["OS-EXT-SRV-ATTR:host"] == dest
    assert env.used() == {dest: TINY}
    assert env.driver(dest).guest(server["id"]).power_state == 1
    assert env.driver(source).incoming_guest(server["id"]) is None
    aborted = [m for m in env.migrations(server["id"])
               if m["id"] == running["id"]][0]
    assert aborted["status"] == "cancelled"
    assert env.events(server["id"], "live_migration_cancel")[
        "compute_live_migration_abort"]["result"] == "Success"
    # Nothing to abort now.
    response = env.admin.request("DELETE", "/v2.1" + path, version="2.24")
    assert response.status_int == 409, response.text


def test_abort_while_preparing_from_2_65(moves_sqlite):
    env = moves_sqlite
    server = env.active()
    source, dest = _hosts(env, server)
    env.driver(dest).hold_live_migration(server["id"], stage="pre")
    _live(env, server["id"])
    deadline = time.monotonic() + 30
    while True:
        listed = env.admin.get("/servers/%s/migrations" % server["id"],
                               version="2.65")["migrations"]
        if listed and listed[0]["status"] == "preparing":
            break
        assert time.monotonic() < deadline, listed
        time.sleep(0.02)
    path = "/v2.1/servers/%s/migrations/%s" % (server["id"], listed[0]["id"])
    response = env.admin.request("DELETE", path, version="2.64")
    assert response.status_int == 400
    assert response.json["badRequest"]["message"] == (
        "Migration %s state of instance %s is preparing. Cannot abort live "
        "migration while the migration is in this state."
        % (listed[0]["id"], server["id"]))
    assert env.admin.request("DELETE", path, version="2.65").status_int == 202
    env.driver(dest).release_live_migration(server["id"])
    back = env.wait(server["id"], {"ACTIVE"})
    assert back["OS-EXT-SRV-ATTR:host"] == source
    assert env.used() == {source: TINY}
    assert env.driver(source).guest(server["id"]).power_state == 1
    assert env.driver(dest).incoming_guest(server["id"]) is None
    assert env.migrations(server["id"])[0]["status"] == "cancelled"
    # An unknown migration of the server is a 404.
    response = env.admin.request("DELETE", "/v2.1/servers/%s/migrations/9999"
                                 % server["id"], version="2.65")
    assert response.status_int == 409  # no live migration runs (task)


def test_failures_leave_it_running_on_its_source(moves_sqlite):
    env = moves_sqlite
    server = env.active()
    source, dest = _hosts(env, server)
    for operation, event in (
            ("pre_live_migration", "compute_pre_live_migration"),
            ("live_migration_step", "compute_live_migration")):
        for host in (source, dest):
            env.driver(host).inject_failure(operation, server["id"])
        _live(env, server["id"])
        back = env.wait(server["id"], {"ACTIVE"})
        assert back["OS-EXT-SRV-ATTR:host"] == source
        assert env.used() == {source: TINY}
        assert env.driver(source).guest(server["id"]).power_state == 1
        assert env.driver(dest).incoming_guest(server["id"]) is None
        migration = env.migrations(server["id"])[0]
        assert migration["status"] == "error"
        assert env.allocations(migration["uuid"]) == {}
        events = env.events(server["id"], "live-migration")
        assert events[event]["result"] == "Error"
        assert events["conductor_live_migrate_instance"]["result"] == "Error"
        env.clear_failures()
    # The destination refuses in its check: no other host to try.
    env.driver(dest).inject_failure("check_can_live_migrate_destination",
                                    server["id"])
    _live(env, server["id"])
    assert env.wait(server["id"], {"ACTIVE"})["OS-EXT-SRV-ATTR:host"] == (
        source)
    assert env.used() == {source: TINY}
    # Before 2.34 the checks answer the request: 400 with the reason.
    response = _live(env, server["id"], {"block_migration": False,
                                         "host": None}, version="2.33",
                     expected=400)
    assert response.json["badRequest"]["message"].startswith(
        "Migration pre-check error: %s cannot take the server" % dest)
    assert env.admin.server(server["id"])["OS-EXT-STS:task_state"] is None
    assert env.used() == {source: TINY}
    env.clear_failures()
    # A host forced (2.30) that has no room: the claim refuses, nothing
    # changes.
    env.admin.post("/flavors", {"flavor": {
        "name": "huge", "ram": 60000, "vcpus": 1, "disk": 1, "id": "huge"}})
    big = env.active(flavor="huge")
    other = env.active(flavor="huge")
    assert other["OS-EXT-SRV-ATTR:host"] != big["OS-EXT-SRV-ATTR:host"]
    before = env.used()
    target = other["OS-EXT-SRV-ATTR:host"]
    response = _live(env, big["id"], {
        "block_migration": False, "host": target, "force": True},
        version="2.30", expected=400)
    assert response.json["badRequest"]["message"] == (
        "Migration pre-check error: Unable to move instance %s to host %s. "
        "There is not enough capacity on the host for the instance."
        % (big["id"], target))
    # From 2.34 the request is accepted and the migration ends in error.
    _live(env, big["id"], {"block_migration": False, "host": target,
                           "force": True}, version="2.67")
    assert env.wait(big["id"], {"ACTIVE"})["OS-EXT-SRV-ATTR:host"] == (
        big["OS-EXT-SRV-ATTR:host"])
    assert env.used() == before
    assert env.migrations(big["id"])[0]["status"] == "error"
    # The same through the scheduler: no valid host.
    response = _live(env, big["id"], {"block_migration": False,
                                      "host": None}, version="2.33",
                     expected=400)
    assert response.json["badRequest"]["message"].startswith(
        "No valid host was found.")
    assert env.used() == before


def test_request_rules(moves_sqlite):
    env = moves_sqlite
    server = env.active()
    source, dest = _hosts(env, server)
    bad = [
        ("2.24", {"block_migration": "auto", "disk_over_commit": False,
                  "host": None}),
        ("2.24", {"block_migration": False, "host": None}),
        ("2.25", {"block_migration": False, "disk_over_commit": False,
                  "host": None}),
        ("2.25", {"block_migration": "maybe", "host": None}),
        ("2.29", {"block_migration": False, "host": None, "force": True}),
        ("2.68", {"block_migration": False, "host": dest, "force": True}),
        ("2.30", {"block_migration": False, "host": None, "force": True}),
    ]
    for version, body in bad:
        _live(env, server["id"], body, version=version, expected=400)
    response = _live(env, server["id"], {"block_migration": False,
                                         "host": "nowhere"}, expected=400)
    assert response.json["badRequest"]["message"] == (
        "Compute host nowhere could not be found.")
    # Admin only.
    response = env.act(server["id"], {"os-migrateLive": {
        "block_migration": "auto", "host": None}}, version="2.68")
    assert response.status_int == 403
    # Not from a stopped server.
    assert env.act(server["id"], {"os-stop": None}).status_int == 202
    env.wait(server["id"], {"SHUTOFF"})
    response = _live(env, server["id"], expected=409)
    assert response.json["conflictingRequest"]["message"] == (
        "Cannot 'os-migrateLive' instance %s while it is in vm_state "
        "stopped" % server["id"])
    assert env.act(server["id"], {"os-start": None}).status_int == 202
    env.wait(server["id"], {"ACTIVE"})
    # Forced onto its own host before 2.30: refused by the checks.
    response = _live(env, server["id"], {"block_migration": False,
                                         "host": source}, version="2.29",
                     expected=400)
    assert response.json["badRequest"]["message"] == (
        "Unable to migrate instance (%s) to current host (%s)."
        % (server["id"], source))
    assert env.used() == {source: TINY}
    # A paused server moves and stays paused.
    assert env.act(server["id"], {"pause": None}).status_int == 202
    env.wait(server["id"], {"PAUSED"})
    _live(env, server["id"], {"block_migration": "auto", "host": dest,
                              "force": True}, version="2.30")
    moved = env.wait(server["id"], {"PAUSED"})
    assert moved["OS-EXT-SRV-ATTR:host"] == dest
    assert env.driver(dest).guest(server["id"]).power_state == 3
    assert env.used() == {dest: TINY}


def _cell_uuid(env, server_id):
    from stratus import context
    from stratus.objects import instance_mapping
    ctx = context.get_admin_context(env.cloud.databases)
    return instance_mapping.InstanceMapping.get_by_instance_uuid(
        ctx, server_id).cell_uuid
