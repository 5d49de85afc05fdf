"""2.104 end to end: a server pinned to its availability zone moves only
within it; unpinned, the scheduler may take it to another zone."""
import time

import pytest

pytestmark = pytest.mark.slow


def test_an_unpinned_server_migrates_to_another_zone(moves_sqlite):
    env = moves_sqlite
    server_id = env.boot(availability_zone="nova")
    server = env.settled(server_id)
    assert server["status"] == "ACTIVE", server
    source = env.host_of(server_id)
    other = next(host for host in env.computes if host != source)
    aggregate = env.admin.post("/os-aggregates", {"aggregate": {
        "name": "second", "availability_zone": "az2"}})["aggregate"]
    env.admin.post("/os-aggregates/%d/action" % aggregate["id"],
                   {"add_host": {"host": other}})
    # Pinned to nova, where no other host is: the migration is accepted
    # and fails to find a host (as Nova's, cast to the conductor).
    response = env.act(server_id, {"migrate": None}, client=env.admin)
    assert response.status_int == 202, response.text
    deadline = time.monotonic() + 30
    while True:
        event = env.events(server_id, "migrate").get(
            "conductor_migrate_server") or {}
        if event.get("result"):
            break
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert event["result"] == "Error"
    assert env.wait(server_id, {"ACTIVE"})["status"] == "ACTIVE"
    assert env.host_of(server_id) == source
    env.demo.put("/servers/%s" % server_id, {"server": {
        "pinned_availability_zone": None}}, version="2.104")
    response = env.act(server_id, {"migrate": None}, client=env.admin)
    assert response.status_int == 202, response.text
    moved = env.wait(server_id, {"VERIFY_RESIZE"})
    assert moved["OS-EXT-SRV-ATTR:host"] == other
    assert env.act(server_id, {"confirmResize": None}).status_int == 204
    shown = env.wait(server_id, {"ACTIVE"})
    assert shown["OS-EXT-AZ:availability_zone"] == "az2"
    assert shown["pinned_availability_zone"] is None
