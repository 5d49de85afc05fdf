"""A move that fails at any step leaves the server where it started
(ACTIVE on its source; ERROR with a fault only when the source cannot
take it back) and placement exactly as before: no half-moved server, no
leaked allocation."""
import pytest

pytestmark = pytest.mark.slow


def _started(env, flavor="1"):
    server = env.active(flavor=flavor)
    source = server["OS-EXT-SRV-ATTR:host"]
    other = next(host for host in env.computes if host != source)
    return server["id"], source, other, env.usages()


def _waiting_with_failure(env, failing_on_source):
    """A server resized tiny -> small, waiting in VERIFY_RESIZE, whose
    source will fail failing_on_source; (its id, source, other host,
    usages before the resize)."""
    server_id, source, other, before = _started(env)
    env.act(server_id, {"resize": {"flavorRef": "2"}})
    env.wait(server_id, {"VERIFY_RESIZE"})
    env.driver(source).inject_failure(failing_on_source)
    return server_id, source, other, before


def _rolled_back(env, server_id, source, before, status="ACTIVE"):
    server = env.wait(server_id, {status})
    assert server["OS-EXT-SRV-ATTR:host"] == source
    assert env.usages() == before
    migration, = env.migrations(server_id)
    assert migration["status"] == "error"
    assert env.allocations(migration["uuid"]) == {}
    return server, migration


def test_no_valid_host_leaves_the_server_and_its_allocations(moves_sqlite):
    env = moves_sqlite
    server_id, source, other, before = _started(env)
    env.admin.post("/flavors", {"flavor": {
        "name": "huge", "ram": 512, "vcpus": 64, "disk": 1, "id": "huge"}})
    allocations = env.allocations(server_id)
    response = env.act(server_id, {"resize": {"flavorRef": "huge"}})
    assert response.status_int == 202
    _rolled_back(env, server_id, source, before)
    assert env.allocations(server_id) == allocations
    event = env.events(server_id, "resize")["conductor_migrate_server"]
    assert event["result"] == "Error"
    assert event["details"].startswith("No valid host was found.")
    # The only other host disabled: a migration has nowhere to go either.
    env.admin.put("/os-services/disable", {"host": other,
                                           "binary": "nova-compute"},
                  version="2.1")
    response = env.act(server_id, {"migrate": None}, client=env.admin)
    assert response.status_int == 202
    server = env.wait(server_id, {"ACTIVE"})
    assert server["OS-EXT-SRV-ATTR:host"] == source
    assert env.usages() == before
    assert [m["status"] for m in env.migrations(server_id)] == ["error"] * 2
    assert env.driver(source).guest(server_id).power_state == 1


def test_failure_before_the_handover_at_each_step(moves_sqlite):
    """The destination's prep fails, the source fails to send the guest,
    the destination's driver cannot move guests at all: each time the
    server is ACTIVE on its source, its guest running there, placement
    as before."""
    from tests.functional.server_actions.test_guest_actions import (
        PowerOnlyDriver)
    env = moves_sqlite
    server_id, source, other, before = _started(env)
    steps = (
        (other, "prepare_migration_target", "compute_prep_resize",
         "qemu unexpectedly closed the monitor"),
        (source, "migrate_disk_and_power_off", "compute_resize_instance",
         "qemu unexpectedly closed the monitor"),
        (other, None, "conductor_migrate_server",
         "The power-only driver of host %s does not support resize" % other))
    for index, (host, operation, failed_event, details) in enumerate(steps):
        compute = env.computes[host]
        if operation is not None:
            compute.driver.inject_failure(operation)
        else:
            compute.driver = PowerOnlyDriver(compute.driver)
        try:
            response = env.act(server_id, {"resize": {"flavorRef": "2"}})
            assert response.status_int == 202
            server = env.wait(server_id, {"ACTIVE"})
        finally:
            if operation is None:
                compute.driver = compute.driver.fake
            env.clear_failures()
        assert server["OS-EXT-SRV-ATTR:host"] == source
        assert server["flavor"]["original_name"] == "m1.tiny"
        assert env.usages() == before
        migrations = env.migrations(server_id)
        assert [m["status"] for m in migrations] == ["error"] * (index + 1)
        assert env.allocations(migrations[0]["uuid"]) == {}
        events = env.events(server_id, "resize")
        assert events[failed_event]["result"] == "Error"
        assert details in events["conductor_migrate_server"]["details"]
        assert env.driver(source).guest(server_id).power_state == 1
        assert env.driver(other).guest(server_id) is None
    events = env.events(server_id, "resize")
    assert events["compute_prep_resize"]["host"] == other


def test_destination_fails_to_finish(moves):
    env = moves
    server_id, source, other, before = _started(env)
    env.driver(other).inject_failure("finish_migration")
    env.act(server_id, {"resize": {"flavorRef": "2"}})
    server, _ = _rolled_back(env, server_id, source, before)
    assert server["flavor"]["original_name"] == "m1.tiny"
    # The guest the source kept runs again; the destination has none.
    assert env.driver(source).guest(server_id).power_state == 1
    assert env.driver(source).migrated_guest(server_id) is None
    assert env.driver(other).guest(server_id) is None
    events = env.events(server_id, "resize")
    assert events["compute_finish_resize"]["result"] == "Error"
    assert events["compute_finish_revert_resize"]["result"] == "Success"


def test_source_cannot_take_it_back_is_error_with_a_fault(moves_sqlite):
    env = moves_sqlite
    server_id, source, other, before = _started(env)
    env.driver(other).inject_failure("finish_migration")
    env.driver(source).inject_failure("finish_revert_migration")
    env.act(server_id, {"resize": {"flavorRef": "2"}})
    server, _ = _rolled_back(env, server_id, source, before, "ERROR")
    assert "qemu unexpectedly closed the monitor" in server["fault"][
        "message"]


def test_resize_down_the_disk_is_refused(moves_sqlite):
    env = moves_sqlite
    server_id, source, other, before = _started(env, flavor="2")
    # As in Nova, the image's minimum disk recorded at boot is the boot
    # flavor's disk when bigger: the API refuses a smaller one.
    response = env.act(server_id, {"resize": {"flavorRef": "1"}})
    assert response.status_int == 400
    assert response.json["badRequest"]["message"].startswith(
        "Flavor's disk is smaller than the minimum size specified in image "
        "metadata.")
    assert env.migrations(server_id) == []
    # Below the disk it has but above the image's minimum, the source's
    # driver refuses (as Nova's drivers do) and the move rolls back.
    server_id, source, other, _ = _started(env, flavor="1")
    for flavor_id, disk in (("d10", 10), ("d5", 5)):
        env.admin.post("/flavors", {"flavor": {
            "name": flavor_id, "ram": 512, "vcpus": 1, "disk": disk,
            "id": flavor_id}})
    env.act(server_id, {"resize": {"flavorRef": "d10"}})
    server = env.wait(server_id, {"VERIFY_RESIZE"})
    assert env.act(server_id, {"confirmResize": None}).status_int == 204
    env.wait(server_id, {"ACTIVE"})
    host = server["OS-EXT-SRV-ATTR:host"]
    before = env.usages()
    response = env.act(server_id, {"resize": {"flavorRef": "d5"}})
    assert response.status_int == 202, response.text
    server = env.wait(server_id, {"ACTIVE"})
    assert server["OS-EXT-SRV-ATTR:host"] == host
    assert server["flavor"]["original_name"] == "d10"
    assert env.usages() == before
    assert [m["status"] for m in env.migrations(server_id)] == [
        "error", "confirmed"]
    event = env.events(server_id, "resize")["conductor_migrate_server"]
    assert event["details"] == "Resize error: Unable to resize disk down."


def test_revert_whose_source_cannot_restart(moves_sqlite):
    env = moves_sqlite
    server_id, source, other, before = _waiting_with_failure(
        env, "finish_revert_migration")
    assert env.act(server_id, {"revertResize": None}).status_int == 202
    server = env.wait(server_id, {"ERROR"})
    # Back on its source with its old flavor and allocations, in ERROR
    # with the fault; the destination holds nothing.
    assert server["OS-EXT-SRV-ATTR:host"] == source
    assert server["flavor"]["original_name"] == "m1.tiny"
    assert server["fault"]["code"] == 500
    assert env.usages() == before
    migration, = env.migrations(server_id)
    assert migration["status"] == "error"
    assert env.allocations(migration["uuid"]) == {}
    assert env.driver(other).guest(server_id) is None


def test_deleting_a_resized_server_frees_both_hosts(moves):
    env = moves
    server_id, source, other, before = _started(env)
    env.act(server_id, {"resize": {"flavorRef": "2"}})
    env.wait(server_id, {"VERIFY_RESIZE"})
    assert env.computes[source].driver.migrated_guest(server_id) is not None
    env.demo.delete("/servers/%s" % server_id)
    env.demo.wait_for_deleted(server_id)
    freed = {host: {name: 0 for name in usage}
             for host, usage in before.items()}
    assert env.usages_settle(freed) == freed
    # As Nova confirms a resize before deleting it: the source dropped
    # the guest it kept for a revert, the destination its own.
    assert env.computes[source].driver.migrated_guest(server_id) is None
    assert env.computes[other].driver.guest(server_id) is None
    migration, = env.migrations(server_id)
    assert migration["status"] == "error"
    assert env.allocations(migration["uuid"]) == {}


def test_the_server_groups_policy_holds_for_moves(moves_sqlite):
    env = moves_sqlite
    group = env.group("anti-affinity")
    first = env.settled(env.boot(name="a", hints={"group": group}))
    second = env.settled(env.boot(name="b", hints={"group": group}))
    assert first["OS-EXT-SRV-ATTR:host"] != second["OS-EXT-SRV-ATTR:host"]
    before = env.usages()
    # The only other host has the other member: nowhere to go.
    response = env.act(first["id"], {"migrate": None}, client=env.admin)
    assert response.status_int == 202
    _rolled_back(env, first["id"], first["OS-EXT-SRV-ATTR:host"], before)
    event = env.events(first["id"], "migrate")["conductor_migrate_server"]
    assert event["details"].startswith("No valid host was found.")
    # With the other member gone, it moves, and the group knows where.
    env.demo.delete("/servers/%s" % second["id"])
    env.demo.wait_for_deleted(second["id"])
    env.act(first["id"], {"migrate": None}, client=env.admin)
    moved = env.wait(first["id"], {"VERIFY_RESIZE"})
    assert moved["OS-EXT-SRV-ATTR:host"] == second["OS-EXT-SRV-ATTR:host"]
    # A new member keeps away from its new host.
    third = env.settled(env.boot(name="c", hints={"group": group}))
    assert third["status"] == "ACTIVE"
    assert env.admin.server(third["id"])["OS-EXT-SRV-ATTR:host"] == (
        first["OS-EXT-SRV-ATTR:host"])


def test_a_source_that_cannot_clean_up_does_not_stop_the_confirm(moves_sqlite):
    env = moves_sqlite
    server_id, source, other, before = _waiting_with_failure(
        env, "confirm_migration")
    assert env.act(server_id, {"confirmResize": None}).status_int == 204
    server = env.wait(server_id, {"ACTIVE"})
    assert server["OS-EXT-SRV-ATTR:host"] == other
    migration, = env.migrations(server_id)
    assert migration["status"] == "error"
    assert env.usages() == {source: {name: 0 for name in before[source]},
                            other: {"DISK_GB": 20, "MEMORY_MB": 2048,
                                    "VCPU": 1}}
    assert env.events(server_id, "confirmResize")[
        "compute_confirm_resize"]["result"] == "Error"


def test_a_destination_that_fails_its_prep_gives_way_to_an_alternate(
        moves_three_hosts):
    env = moves_three_hosts
    hosts = sorted(env.computes)
    source, full, empty = hosts[0], hosts[1], hosts[2]
    server_id = env.settled(env.boot(client=env.admin, host=source))["id"]
    # A bigger server on `full` makes `empty` the scheduler's first
    # choice (the RAM weigher spreads), and `empty` fails its prep.
    env.settled(env.boot(client=env.admin, host=full, flavorRef="3"))
    env.driver(empty).inject_failure("prepare_migration_target")
    before = env.usages()
    response = env.act(server_id, {"migrate": None}, client=env.admin)
    assert response.status_int == 202
    moved = env.wait(server_id, {"VERIFY_RESIZE"})
    assert moved["OS-EXT-SRV-ATTR:host"] == full
    migration, = env.migrations(server_id)
    assert migration["dest_compute"] == full
    assert env.allocations(migration["uuid"]) == {source: before[source]}
    assert env.usages()[empty] == before[empty]
    detail = env.admin.get("/servers/%s/os-instance-actions/%s" % (
        server_id, env.admin.get("/servers/%s/os-instance-actions"
                                 % server_id)["instanceActions"][0][
            "request_id"]), version="2.62")["instanceAction"]
    preps = sorted((event["host"], event["result"])
                   for event in detail["events"]
                   if event["event"] == "compute_prep_resize")
    assert preps == sorted([(empty, "Error"), (full, "Success")])
