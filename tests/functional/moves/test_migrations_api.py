"""GET /os-migrations and /servers/{id}/migrations: shapes, filters,
paging and their microversions; a resize to the same host when allowed;
the automatic confirm after resize_confirm_window."""
import uuid

import pytest

pytestmark = pytest.mark.slow

V20_KEYS = {"id", "instance_uuid", "source_compute", "dest_compute",
            "source_node", "dest_node", "dest_host", "old_instance_type_id",
            "new_instance_type_id", "status", "created_at", "updated_at"}


def _resized(env, flavor="2", confirm=True):
    server = env.active(flavor="1")
    env.act(server["id"], {"resize": {"flavorRef": flavor}})
    env.wait(server["id"], {"VERIFY_RESIZE"})
    if confirm:
        assert env.act(server["id"], {"confirmResize": None}).status_int \
            == 204
        env.wait(server["id"], {"ACTIVE"})
    return server["id"]


def test_os_migrations_by_microversion(moves_sqlite):
    env = moves_sqlite
    first = _resized(env)
    second = _resized(env, confirm=False)
    listed = env.migrations(version="2.1")
    assert {m["instance_uuid"] for m in listed} == {first, second}
    assert set(listed[0]) == V20_KEYS
    assert listed[0]["created_at"].count(".") == 1
    listed = env.migrations(version="2.23")
    assert set(listed[0]) == V20_KEYS | {"migration_type"}
    assert "links" not in listed[0]
    listed = env.migrations(version="2.59")
    assert set(listed[0]) == V20_KEYS | {"migration_type", "uuid"}
    # Newest first.
    assert [m["instance_uuid"] for m in listed] == [second, first]
    listed = env.migrations(version="2.80")
    assert set(listed[0]) == V20_KEYS | {"migration_type", "uuid",
                                         "user_id", "project_id"}
    assert listed[0]["project_id"] == "demo"
    # Filters.
    assert [m["status"] for m in env.migrations(
        version="2.1", status="finished")] == ["finished"]
    assert [m["instance_uuid"] for m in env.migrations(
        version="2.1", instance_uuid=first)] == [first]
    host = listed[0]["source_compute"]
    assert len(env.migrations(version="2.1", source_compute=host)) >= 1
    assert env.migrations(version="2.1", host="nowhere") == []
    # As Nova, hidden migrations are never shown, even when asked for.
    assert env.migrations(version="2.1", hidden="true") == []
    assert len(env.migrations(version="2.23", migration_type="resize")) == 2
    assert env.migrations(version="2.23", migration_type="migration") == []
    assert len(env.migrations(version="2.80", user_id="demo")) == 2
    assert env.migrations(version="2.80", project_id="other") == []
    # Unknown parameters: ignored before 2.59, 400 from it.
    assert len(env.migrations(version="2.58", foo="bar")) == 2
    response = env.admin.request("GET", "/v2.1/os-migrations?foo=bar",
                                 version="2.59")
    assert response.status_int == 400
    response = env.admin.request("GET", "/v2.1/os-migrations?user_id=demo",
                                 version="2.79")
    assert response.status_int == 400
    # Non-admins may not list.
    response = env.demo.request("GET", "/v2.1/os-migrations")
    assert response.status_int == 403


def test_os_migrations_paging_and_time_filters(moves_sqlite):
    env = moves_sqlite
    for _ in range(3):
        _resized(env)
    everything = env.migrations(version="2.59")
    body = env.admin.get("/os-migrations?limit=2", version="2.59")
    assert [m["uuid"] for m in body["migrations"]] == [
        m["uuid"] for m in everything[:2]]
    link, = body["migrations_links"]
    assert link["rel"] == "next"
    assert "marker=%s" % everything[1]["uuid"] in link["href"]
    body = env.admin.get("/os-migrations?limit=2&marker=%s"
                         % everything[1]["uuid"], version="2.59")
    assert [m["uuid"] for m in body["migrations"]] == [everything[2]["uuid"]]
    assert "migrations_links" not in body
    response = env.admin.request(
        "GET", "/v2.1/os-migrations?marker=%s" % uuid.uuid4(),
        version="2.59")
    assert response.status_int == 400
    assert "could not be found" in response.json["badRequest"]["message"]
    newest = everything[0]["updated_at"]
    since = env.admin.get("/os-migrations?changes-since=%s" % newest,
                          version="2.59")["migrations"]
    assert [m["uuid"] for m in since] == [everything[0]["uuid"]]
    oldest = everything[-1]["updated_at"]
    before = env.admin.get("/os-migrations?changes-before=%s" % oldest,
                           version="2.66")["migrations"]
    assert [m["uuid"] for m in before] == [everything[-1]["uuid"]]
    response = env.admin.request(
        "GET", "/v2.1/os-migrations?changes-before=%s" % oldest,
        version="2.65")
    assert response.status_int == 400
    response = env.admin.request(
        "GET", "/v2.1/os-migrations?changes-since=%s&changes-before=%s"
        % (newest, oldest), version="2.66")
    assert response.status_int == 400


def test_server_migrations_list_only_live_ones(moves_sqlite):
    env = moves_sqlite
    server_id = _resized(env, confirm=False)
    migration, = env.migrations(server_id, version="2.23")
    path = "/v2.1/servers/%s/migrations" % server_id
    assert env.admin.request("GET", path, version="2.22").status_int == 404
    assert env.admin.get(path[5:], version="2.23") == {"migrations": []}
    response = env.admin.request("GET", "%s/%s" % (path, migration["id"]),
                                 version="2.23")
    assert response.status_int == 404
    assert response.json["itemNotFound"]["message"] == (
        "Migration %s for server %s is not live-migration."
        % (migration["id"], server_id))
    response = env.admin.request("GET", "%s/999999" % path, version="2.23")
    assert response.status_int == 404
    assert env.demo.request("GET", path, version="2.23").status_int == 403


def test_resize_to_the_same_host_when_allowed(moves_same_host):
    env = moves_same_host
    # Fill the other host so that the scheduler has only the source.
    server = env.active(flavor="1")
    source = server["OS-EXT-SRV-ATTR:host"]
    other = next(host for host in env.computes if host != source)
    env.admin.put("/os-services/disable", {"host": other,
                                           "binary": "nova-compute"},
                  version="2.1")
    before = env.usages()
    env.act(server["id"], {"resize": {"flavorRef": "2"}})
    resized = env.wait(server["id"], {"VERIFY_RESIZE"})
    assert resized["OS-EXT-SRV-ATTR:host"] == source
    migration, = env.migrations(server["id"])
    # Both flavors held on the one host until the confirm.
    assert env.usages()[source] == {"DISK_GB": 21, "MEMORY_MB": 2560,
                                    "VCPU": 2}
    assert env.act(server["id"], {"revertResize": None}).status_int == 202
    assert env.wait(server["id"], {"ACTIVE"})["OS-EXT-SRV-ATTR:host"] == (
        source)
    assert env.usages() == before
    assert env.driver(source).guest(server["id"]).power_state == 1
    env.act(server["id"], {"resize": {"flavorRef": "2"}})
    env.wait(server["id"], {"VERIFY_RESIZE"})
    assert env.act(server["id"], {"confirmResize": None}).status_int == 204
    env.wait(server["id"], {"ACTIVE"})
    assert env.usages()[source] == {"DISK_GB": 20, "MEMORY_MB": 2048,
                                    "VCPU": 1}
    assert env.driver(source).guest(server["id"]).power_state == 1
    # A cold migration never stays on its host.
    response = env.act(server["id"], {"migrate": None}, client=env.admin)
    assert response.status_int == 202
    assert env.wait(server["id"], {"ACTIVE"})["OS-EXT-SRV-ATTR:host"] == (
        source)
    assert env.migrations(server["id"], version="2.23")[0]["status"] == (
        "error")
    assert migration["status"] == "finished"


def test_resizes_confirm_themselves_after_the_window(moves_auto_confirm):
    env = moves_auto_confirm
    server = env.active(flavor="1")
    env.act(server["id"], {"resize": {"flavorRef": "2"}})
    confirmed = env.wait(server["id"], {"ACTIVE"}, timeout=60)
    assert confirmed["flavor"]["original_name"] == "m1.small"
    migration, = env.migrations(server["id"])
    assert migration["status"] == "confirmed"
    assert env.allocations(migration["uuid"]) == {}
    assert env.events(server["id"], "confirmResize")[
        "compute_confirm_resize"]["result"] == "Success"


def _live_migration(env, server_id, status):
    """A live migration record as live migration will write it."""
    from stratus import context
    from stratus.objects import instance_mapping
    from stratus.objects import migration as migration_obj
    ctx = context.get_admin_context(env.cloud.databases)
    cell = instance_mapping.InstanceMapping.get_by_instance_uuid(
        ctx, server_id).cell_uuid
    with ctx.target_cell(cell) as cctx:
        migration = migration_obj.Migration(
            cctx, instance_uuid=server_id, source_compute="stratus-test",
            source_node="stratus-test", dest_compute="host01",
            dest_node="host01", dest_host="127.0.0.1",
            migration_type=migration_obj.LIVE_MIGRATION, status=status,
            memory_total=1024, memory_processed=512, memory_remaining=512,
            disk_total=0, disk_processed=0, disk_remaining=0,
            old_instance_type_id=1, new_instance_type_id=1,
            user_id="demo", project_id="demo")
        migration.create(cctx)
    return migration


def test_server_migrations_show_live_ones_in_progress(moves_sqlite):
    env = moves_sqlite
    server_id = env.active()["id"]
    running = _live_migration(env, server_id, "running")
    done = _live_migration(env, server_id, "completed")
    path = "/servers/%s/migrations" % server_id
    listed = env.admin.get(path, version="2.23")["migrations"]
    assert [m["id"] for m in listed] == [running.id]
    assert set(listed[0]) == {
        "id", "server_uuid", "source_compute", "dest_compute",
        "source_node", "dest_node", "dest_host", "status", "created_at",
        "updated_at", "memory_total_bytes", "memory_processed_bytes",
        "memory_remaining_bytes", "disk_total_bytes",
        "disk_processed_bytes", "disk_remaining_bytes"}
    assert listed[0]["memory_processed_bytes"] == 512
    shown = env.admin.get("%s/%s" % (path, running.id),
                          version="2.80")["migration"]
    assert (shown["uuid"], shown["user_id"], shown["project_id"]) == (
        running.uuid, "demo", "demo")
    response = env.admin.request("GET", "/v2.1%s/%s" % (path, done.id),
                                 version="2.23")
    assert response.json["itemNotFound"]["message"] == (
        "Live migration %s for server %s is not in progress."
        % (done.id, server_id))
    # /os-migrations links to it from 2.23 while it runs.
    by_id = {m["id"]: m for m in env.migrations(version="2.23")}
    assert [link["rel"] for link in by_id[running.id]["links"]] == [
        "self", "bookmark"]
    assert by_id[running.id]["links"][0]["href"].endswith(
        "/v2.1/servers/%s/migrations/%s" % (server_id, running.id))
    assert "links" not in by_id[done.id]
    assert "links" not in env.migrations(version="2.22")[0]
