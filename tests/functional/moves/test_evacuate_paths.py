"""evacuate on SQLite, one path per test (the fast counterpart of
test_evacuate.py): refused while the host is up, the scheduler's choice
(within the server group's rules), a forced target, each outcome of the
migration record, and the source's clean-up when it comes back."""
TINY = {"DISK_GB": 1, "MEMORY_MB": 512, "VCPU": 1}


def test_refused_while_its_host_is_up(moves_sqlite):
    env = moves_sqlite
    server = env.active()
    source, _dest = env.other_host(server)
    response = env.evacuate(server["id"], expected=400)
    assert response.json["badRequest"]["message"] == (
        "Compute service of %s is still in use." % source)
    assert env.migrations(server["id"]) == []
    assert env.used() == {source: TINY}


def test_the_scheduler_chooses_and_the_source_cleans_up_when_back(
        moves_sqlite):
    env = moves_sqlite
    server = env.active()
    source, dest = env.other_host(server)
    env.host_down(source)
    env.evacuate(server["id"])
    moved = env.wait(server["id"], {"ACTIVE"})
    assert moved["OS-EXT-SRV-ATTR:host"] == dest
    migration, = env.migrations(server["id"])
    assert (migration["migration_type"], migration["status"]) == (
        "evacuation", "done")
    assert env.allocations(migration["uuid"]) == {source: TINY}
    assert env.used() == {source: TINY, dest: TINY}
    env.host_back(source)
    assert env.driver(source).guest(server["id"]) is None
    assert env.migrations(server["id"])[0]["status"] == "completed"
    assert env.used() == {dest: TINY}


def test_a_forced_target_is_taken_as_given(moves_three_hosts):
    env = moves_three_hosts
    server = env.active()
    source = server["OS-EXT-SRV-ATTR:host"]
    target = sorted(host for host in env.computes if host != source)[-1]
    env.host_down(source)
    env.evacuate(server["id"], {"host": target, "force": True},
              version="2.29")
    moved = env.wait(server["id"], {"ACTIVE"})
    assert moved["OS-EXT-SRV-ATTR:host"] == target
    assert env.allocations(server["id"]) == {target: TINY}
    assert env.migrations(server["id"])[0]["dest_compute"] == target


def test_from_2_95_it_ends_stopped_on_its_new_host(moves_sqlite):
    env = moves_sqlite
    server = env.active()
    source, dest = env.other_host(server)
    env.host_down(source)
    env.evacuate(server["id"], version="2.95")
    moved = env.wait(server["id"], {"SHUTOFF"})
    assert moved["OS-EXT-SRV-ATTR:host"] == dest
    assert env.driver(dest).guest(server["id"]).power_state == 4


def test_anti_affinity_leaves_out_the_other_members_host(moves_three_hosts):
    env = moves_three_hosts
    group = env.group("anti-affinity")
    first, second = env.boot_in_parallel(group, 2)
    hosts = {first["id"]: env.host_of(first["id"]),
             second["id"]: env.host_of(second["id"])}
    assert len(set(hosts.values())) == 2
    free, = set(env.computes) - set(hosts.values())
    env.host_down(hosts[first["id"]])
    env.evacuate(first["id"])
    assert env.wait(first["id"], {"ACTIVE"})["OS-EXT-SRV-ATTR:host"] == free


def test_no_host_the_group_allows_leaves_it_where_it_was(moves_sqlite):
    env = moves_sqlite
    group = env.group("anti-affinity")
    first, second = env.boot_in_parallel(group, 2)
    source = env.host_of(first["id"])
    before = env.used()
    env.host_down(source)
    env.evacuate(first["id"])
    back = env.wait(first["id"], {"ACTIVE"})
    assert back["OS-EXT-SRV-ATTR:host"] == source
    assert env.migrations(first["id"])[0]["status"] == "error"
    assert env.events(first["id"], "evacuate")["rebuild_server"][
        "result"] == "Error"
    assert env.used() == before


def test_a_destination_that_cannot_build_it_gives_it_back(moves_sqlite):
    env = moves_sqlite
    server = env.active()
    source, dest = env.other_host(server)
    env.host_down(source)
    env.driver(dest).inject_failure("spawn", server["id"])
    env.evacuate(server["id"])
    back = env.wait(server["id"], {"ACTIVE"})
    assert back["OS-EXT-SRV-ATTR:host"] == source
    assert env.migrations(server["id"])[0]["status"] == "failed"
    assert env.used() == {source: TINY}
    assert env.driver(dest).guest(server["id"]) is None
