"""resize, confirmResize, revertResize and migrate through the API, on
the fake driver with two hosts; placement usages checked per provider."""
import pytest

pytestmark = pytest.mark.slow


def test_resize_up_and_confirm(moves):
    env = moves
    server = env.active(flavor="1")
    source = server["OS-EXT-SRV-ATTR:host"]
    before = env.usages()
    response = env.act(server["id"], {"resize": {"flavorRef": "2"}})
    assert response.status_int == 202, response.text
    resized = env.wait(server["id"], {"VERIFY_RESIZE"})
    dest = resized["OS-EXT-SRV-ATTR:host"]
    assert dest != source
    assert resized["flavor"]["original_name"] == "m1.small"
    migration, = env.migrations(server["id"])
    assert migration["status"] == "finished"
    assert migration["migration_type"] == "resize"
    assert (migration["source_compute"], migration["dest_compute"]) == (
        source, dest)
    # The source stays held by the migration, the destination by the server.
    assert env.allocations(migration["uuid"]) == {
        source: {"DISK_GB": 1, "MEMORY_MB": 512, "VCPU": 1}}
    assert env.allocations(server["id"]) == {
        dest: {"DISK_GB": 20, "MEMORY_MB": 2048, "VCPU": 1}}
    response = env.act(server["id"], {"confirmResize": None})
    assert response.status_int == 204, response.text
    confirmed = env.wait(server["id"], {"ACTIVE"})
    assert confirmed["OS-EXT-SRV-ATTR:host"] == dest
    assert env.allocations(migration["uuid"]) == {}
    assert env.allocations(server["id"]) == {
        dest: {"DISK_GB": 20, "MEMORY_MB": 2048, "VCPU": 1}}
    after = env.usages()
    assert after[source] == {name: 0 for name in before[source]}
    assert after[dest] == {"DISK_GB": 20, "MEMORY_MB": 2048, "VCPU": 1}
    migration, = env.migrations(server["id"])
    assert migration["status"] == "confirmed"
    assert env.driver(dest).guest(server["id"]).power_state == 1
    assert env.driver(source).guest(server["id"]) is None
    assert env.driver(source).migrated_guest(server["id"]) is None
