"""os-migrateLive on SQLite, one path per test (the fast counterpart of
test_live_migration.py): what an operator sees of the conductor's
checks, of the scheduler's choice and of each outcome of the migration
record (completed, error, cancelled), with placement exact after each."""
TINY = {"DISK_GB": 1, "MEMORY_MB": 512, "VCPU": 1}


def _live(env, server_id, host=None, version="2.68", expected=202,
          **extra):
    body = dict({"block_migration": "auto", "host": host}, **extra)
    if version < "2.25":
        body.update(block_migration=False, disk_over_commit=False)
    response = env.act(server_id, {"os-migrateLive": body},
                       client=env.admin, version=version)
    assert response.status_int == expected, response.text
    return response


def _refusal(response):
    return response.json["badRequest"]["message"]


def _migration_in(env, server_id, status, version="2.80"):
    return env.in_progress(server_id, lambda migration: (
        migration["status"] == status), version=version)


def test_the_scheduler_chooses_the_other_host(moves_sqlite):
    env = moves_sqlite
    server = env.active()
    source, dest = env.other_host(server)
    _live(env, server["id"])
    moved = env.wait(server["id"], {"ACTIVE"})
    assert moved["OS-EXT-SRV-ATTR:host"] == dest
    migration, = env.migrations(server["id"])
    assert (migration["migration_type"], migration["status"],
            migration["source_compute"], migration["dest_compute"]) == (
        "live-migration", "completed", source, dest)
    assert env.used() == {dest: TINY}
    assert env.allocations(migration["uuid"]) == {}


def test_the_checks_refuse_before_2_34(moves_sqlite):
    env = moves_sqlite
    server = env.active()
    source, dest = env.other_host(server)
    # Its own host, given (forced before 2.30).
    assert _refusal(_live(env, server["id"], source, version="2.29",
                          expected=400)) == (
        "Unable to migrate instance (%s) to current host (%s)."
        % (server["id"], source))
    # A forced destination whose compute is down.
    env.set_service(dest, forced_down=True)
    assert _refusal(_live(env, server["id"], dest, version="2.29",
                          expected=400)) == (
        "Compute service of %s is unavailable at this time." % dest)
    # The scheduler has no other host.
    assert _refusal(_live(env, server["id"], version="2.33",
                          expected=400)).startswith("No valid host was found")
    env.set_service(dest, forced_down=False)
    # The source's compute is down.
    env.set_service(source, forced_down=True)
    assert _refusal(_live(env, server["id"], version="2.33",
                          expected=400)) == (
        "Compute service of %s is unavailable at this time." % source)
    env.set_service(source, forced_down=False)
    after = env.admin.server(server["id"])
    assert (after["status"], after["OS-EXT-STS:task_state"],
            after["OS-EXT-SRV-ATTR:host"]) == ("ACTIVE", None, source)
    assert env.used() == {source: TINY}
    assert {m["status"] for m in env.migrations(server["id"])} == {"error"}


def test_a_forced_host_without_room_ends_the_migration_in_error(
        moves_sqlite):
    env = moves_sqlite
    env.admin.post("/flavors", {"flavor": {
        "name": "huge", "ram": 60000, "vcpus": 1, "disk": 1, "id": "huge"}})
    big = env.active(flavor="huge")
    other = env.active(flavor="huge")
    source, target = env.other_host(big)
    assert other["OS-EXT-SRV-ATTR:host"] == target
    before = env.used()
    _live(env, big["id"], target, version="2.67", force=True)
    back = env.wait(big["id"], {"ACTIVE"})
    assert back["OS-EXT-SRV-ATTR:host"] == source
    events = env.events(big["id"], "live-migration")
    assert events["conductor_live_migrate_instance"]["result"] == "Error"
    assert env.migrations(big["id"])[0]["status"] == "error"
    assert env.used() == before


def test_a_refusing_destination_is_left_out_for_the_next(moves_three_hosts):
    env = moves_three_hosts
    server = env.active()
    source = server["OS-EXT-SRV-ATTR:host"]
    others = [host for host in env.computes if host != source]
    # The first the scheduler picks refuses (either may be first).
    env.driver(others[0]).inject_failure(
        "check_can_live_migrate_destination", server["id"])
    _live(env, server["id"])
    moved = env.wait(server["id"], {"ACTIVE"})
    assert moved["OS-EXT-SRV-ATTR:host"] == others[1]
    assert env.used() == {others[1]: TINY}
    assert env.migrations(server["id"])[0]["status"] == "completed"


def test_a_requested_host_that_refuses_is_not_replaced(moves_three_hosts):
    env = moves_three_hosts
    server = env.active()
    source = server["OS-EXT-SRV-ATTR:host"]
    dest = next(host for host in env.computes if host != source)
    env.driver(dest).inject_failure("check_can_live_migrate_destination",
                                    server["id"])
    response = _live(env, server["id"], dest, version="2.33", expected=400)
    assert _refusal(response).startswith(
        "Migration pre-check error: %s cannot take the server" % dest)
    assert env.admin.server(server["id"])["OS-EXT-SRV-ATTR:host"] == source
    assert env.used() == {source: TINY}


def test_force_complete_finishes_a_running_copy(moves_sqlite):
    env = moves_sqlite
    server = env.active()
    source, dest = env.other_host(server)
    env.driver(source).hold_live_migration(server["id"])
    _live(env, server["id"], dest)
    running = _migration_in(env, server["id"], "running")
    assert env.admin.server(server["id"])["status"] == "MIGRATING"
    assert env.used() == {source: TINY, dest: TINY}
    path = "/v2.1/servers/%s/migrations/%s/action" % (server["id"],
                                                      running["id"])
    response = env.admin.request("POST", path, {"force_complete": None},
                                 version="2.22")
    assert response.status_int == 202, response.text
    assert env.wait(server["id"], {"ACTIVE"})["OS-EXT-SRV-ATTR:host"] == dest
    assert env.migrations(server["id"])[0]["status"] == "completed"
    assert env.used() == {dest: TINY}


def test_an_abort_while_running_cancels_it(moves_sqlite):
    env = moves_sqlite
    server = env.active()
    source, dest = env.other_host(server)
    env.driver(source).hold_live_migration(server["id"])
    _live(env, server["id"])
    running = _migration_in(env, server["id"], "running")
    response = env.admin.request("DELETE", "/v2.1/servers/%s/migrations/%s"
                                 % (server["id"], running["id"]),
                                 version="2.24")
    assert response.status_int == 202, response.text
    back = env.wait(server["id"], {"ACTIVE"})
    assert back["OS-EXT-SRV-ATTR:host"] == source
    assert env.migrations(server["id"])[0]["status"] == "cancelled"
    assert env.used() == {source: TINY}
    assert env.driver(dest).incoming_guest(server["id"]) is None


def test_an_abort_while_preparing_is_seen_at_the_next_step(moves_sqlite):
    env = moves_sqlite
    server = env.active()
    source, dest = env.other_host(server)
    env.driver(dest).hold_live_migration(server["id"], stage="pre")
    _live(env, server["id"])
    preparing = _migration_in(env, server["id"], "preparing",
                              version="2.65")
    response = env.admin.request("DELETE", "/v2.1/servers/%s/migrations/%s"
                                 % (server["id"], preparing["id"]),
                                 version="2.65")
    assert response.status_int == 202, response.text
    env.driver(dest).release_live_migration(server["id"])
    back = env.wait(server["id"], {"ACTIVE"})
    assert back["OS-EXT-SRV-ATTR:host"] == source
    assert env.migrations(server["id"])[0]["status"] == "cancelled"
    assert env.used() == {source: TINY}


def test_a_guest_the_destination_cannot_start_is_in_error_there(
        moves_sqlite):
    env = moves_sqlite
    server = env.active()
    source, dest = env.other_host(server)
    env.driver(dest).inject_failure("post_live_migration_at_destination",
                                    server["id"])
    _live(env, server["id"])
    moved = env.wait(server["id"], {"ERROR"})
    # The guest left its source: the server is the destination's.
    assert moved["OS-EXT-SRV-ATTR:host"] == dest
    assert moved["fault"]["message"]
    assert env.migrations(server["id"])[0]["status"] == "error"
    assert env.used() == {dest: TINY}


def test_checks_that_pass_before_2_34_answer_and_it_moves(moves_sqlite):
    env = moves_sqlite
    server = env.active()
    source, dest = env.other_host(server)
    # The request waits for the checks, then the move goes on its own.
    _live(env, server["id"], version="2.25")
    assert env.wait(server["id"], {"ACTIVE"})["OS-EXT-SRV-ATTR:host"] == dest
    # Forced back (2.30): no scheduler, the claim checks the room.
    _live(env, server["id"], source, version="2.30", force=True)
    assert env.wait(server["id"], {"ACTIVE"})["OS-EXT-SRV-ATTR:host"] == (
        source)
    assert [m["status"] for m in env.migrations(server["id"])] == [
        "completed", "completed"]
    assert env.used() == {source: TINY}


def test_the_scheduler_has_no_host_left_after_a_refusal(moves_sqlite):
    env = moves_sqlite
    server = env.active()
    source, dest = env.other_host(server)
    env.driver(dest).inject_failure("check_can_live_migrate_destination",
                                    server["id"])
    # The refusal is the answer, not the scheduler's NoValidHost after it.
    assert _refusal(_live(env, server["id"], version="2.33",
                          expected=400)).startswith(
        "Migration pre-check error: %s cannot take the server" % dest)
    assert env.used() == {source: TINY}


def test_a_guest_found_shut_off_is_not_moved_live(moves_sqlite):
    env = moves_sqlite
    server = env.active()
    # The guest stopped and the compute has not noticed yet.
    env.set_power_state(server["id"], 4)
    response = _live(env, server["id"], version="2.33", expected=409)
    assert "power_state SHUTDOWN" in response.json[
        "conflictingRequest"]["message"]
    assert env.migrations(server["id"])[0]["status"] == "error"
