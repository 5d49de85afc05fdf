"""evacuate through the API on the fake driver with two hosts: only from a
host that is down, rebuilt on the other one, the source's allocation held
until the source compute comes back and removes its old guest; failures
leave the server where it was."""
import pytest

pytestmark = pytest.mark.slow

TINY = {"DISK_GB": 1, "MEMORY_MB": 512, "VCPU": 1}


def test_evacuate_and_the_source_cleans_up_when_back(moves):
    env = moves
    server = env.active()
    source, dest = env.other_host(server)
    response = env.evacuate(server["id"], expected=400)
    assert response.json["badRequest"]["message"] == (
        "Compute service of %s is still in use." % source)
    env.host_down(source)
    response = env.evacuate(server["id"])
    assert not response.body
    moved = env.wait(server["id"], {"ACTIVE"})
    assert moved["OS-EXT-SRV-ATTR:host"] == dest
    assert env.driver(dest).guest(server["id"]).power_state == 1
    migration, = env.migrations(server["id"])
    assert (migration["migration_type"], migration["status"]) == (
        "evacuation", "done")
    assert (migration["source_compute"], migration["dest_compute"]) == (
        source, dest)
    # The source stays held until its compute is back and cleans up.
    assert env.allocations(migration["uuid"]) == {source: TINY}
    assert env.allocations(server["id"]) == {dest: TINY}
    assert env.used() == {source: TINY, dest: TINY}
    events = env.events(server["id"], "evacuate")
    assert {name: event["result"] for name, event in events.items()} == {
        "rebuild_server": "Success", "compute_rebuild_instance": "Success"}
    # The old guest is still on the source hypervisor...
    assert env.driver(source).guest(server["id"]) is not None
    env.host_back(source)
    # ... until its compute starts again (Nova's init_host).
    assert env.driver(source).guest(server["id"]) is None
    assert env.used() == {dest: TINY}
    migration, = env.migrations(server["id"])
    assert migration["status"] == "completed"
    assert env.allocations(migration["uuid"]) == {}
    assert env.admin.server(server["id"])["OS-EXT-SRV-ATTR:host"] == dest


def test_evacuate_rules_failures_and_2_95(moves_sqlite):
    env = moves_sqlite
    server = env.active()
    source, dest = env.other_host(server)
    env.host_down(source)
    bad = [
        ("2.13", {}),
        ("2.13", {"onSharedStorage": True, "adminPass": "secret"}),
        ("2.14", {"onSharedStorage": False}),
        ("2.28", {"host": dest, "force": True}),
        ("2.29", {"force": True}),
        ("2.68", {"host": dest, "force": False}),
        ("2.68", {"host": "bad host"}),
    ]
    for version, body in bad:
        env.evacuate(server["id"], body, version=version, expected=400)
    response = env.evacuate(server["id"], {"host": source},
                         expected=400)
    assert response.json["badRequest"]["message"] == (
        "The target host can't be the same one.")
    response = env.evacuate(server["id"], {"host": "nowhere"},
                         expected=404)
    assert response.json["itemNotFound"]["message"] == (
        "Compute host nowhere not found.")
    assert env.act(server["id"], {"evacuate": {}},
                   version="2.68").status_int == 403
    assert env.used() == {source: TINY}

    # The destination fails to build it: still on its source, with the
    # failure in its action, nothing claimed on the destination.
    env.driver(dest).inject_failure("spawn", server["id"])
    env.evacuate(server["id"])
    back = env.wait(server["id"], {"ACTIVE"})
    assert back["OS-EXT-SRV-ATTR:host"] == source
    assert env.driver(dest).guest(server["id"]) is None
    assert env.used() == {source: TINY}
    assert env.migrations(server["id"])[0]["status"] == "failed"
    events = env.events(server["id"], "evacuate")
    assert events["compute_rebuild_instance"]["result"] == "Error"
    assert events["rebuild_server"]["result"] == "Error"
    env.clear_failures()

    # No host can take it: the destination disabled.
    env.set_service(dest, status="disabled")
    env.evacuate(server["id"])
    assert env.wait(server["id"], {"ACTIVE"})["OS-EXT-SRV-ATTR:host"] == (
        source)
    assert env.migrations(server["id"])[0]["status"] == "error"
    assert env.used() == {source: TINY}
    env.set_service(dest, status="enabled")

    # Before 2.14 the password comes back; from 2.95 it stays stopped.
    response = env.evacuate(server["id"], {"onSharedStorage": False},
                         version="2.13")
    assert len(response.json["adminPass"]) == 12
    moved = env.wait(server["id"], {"ACTIVE"})
    assert moved["OS-EXT-SRV-ATTR:host"] == dest
    env.host_back(source)
    assert env.used() == {dest: TINY}

    env.host_down(dest)
    env.evacuate(server["id"], {"host": source}, version="2.95")
    stopped = env.wait(server["id"], {"SHUTOFF"})
    assert stopped["OS-EXT-SRV-ATTR:host"] == source
    assert env.driver(source).guest(server["id"]).power_state == 4
    # Forced back (2.29) while the source is down: the claim still checks.
    env.host_back(dest)
    env.host_down(source)
    env.evacuate(server["id"], {"host": dest, "force": True},
              version="2.29")
    assert env.wait(server["id"], {"SHUTOFF"})[
        "OS-EXT-SRV-ATTR:host"] == dest
    # Not from a paused server.
    assert env.act(server["id"], {"os-start": None}).status_int == 202
    env.wait(server["id"], {"ACTIVE"})
    assert env.act(server["id"], {"pause": None}).status_int == 202
    env.wait(server["id"], {"PAUSED"})
    env.host_down(dest)
    response = env.evacuate(server["id"], expected=409)
    assert response.json["conflictingRequest"]["message"] == (
        "Cannot 'evacuate' instance %s while it is in vm_state paused"
        % server["id"])
