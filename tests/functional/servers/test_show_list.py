"""GET /servers/{id}, /servers and /servers/detail: shapes per
microversion, statuses, faults, filters, sorting and paging across build
requests and cells."""
import datetime
import json

import pytest

from stratus.api.compute import server_views
from stratus import exception
from stratus.objects import service as service_obj
from tests.functional.servers import fixtures

NETWORK_INFO = json.dumps([{
    "id": "port-1", "address": "fa:16:3e:00:00:01",
    "security_groups": ["web"],
    "network": {"id": "net-1", "label": "private", "subnets": [{
        "cidr": "10.0.0.0/24",
        "ips": [{"address": "10.0.0.5", "type": "fixed", "version": 4,
                 "floating_ips": [{"address": "172.24.4.9",
                                   "type": "floating", "version": 4}]}]},
        {"cidr": "fd00::/64",
         "ips": [{"address": "fd00::5", "type": "fixed", "version": 6}]}]},
}])


def test_show_follows_the_microversion(sqlite_servers):
    servers = sqlite_servers
    placed = servers.place(name="vm1", metadata={"k": "v"}, tags=["t1"],
                           info_cache=NETWORK_INFO, key_name="key1",
                           availability_zone="nova", locked=True,
                           locked_by="owner", locked_reason="maintenance",
                           display_description="described")
    path = "/servers/%s" % placed.uuid

    old = servers.demo.get(path, version="2.1")["server"]
    assert old["status"] == "ACTIVE" and old["progress"] == 0
    assert old["flavor"] == {"id": "1", "links": [{
        "rel": "bookmark", "href": "http://localhost/flavors/1"}]}
    assert old["image"]["links"][0]["href"].endswith("/images/" +
                                                      fixtures.IMAGE_ID)
    assert old["hostId"] == server_views.host_id("demo", "host1")
    assert old["addresses"] == {"private": [
        {"version": 4, "addr": "10.0.0.5", "OS-EXT-IPS:type": "fixed",
         "OS-EXT-IPS-MAC:mac_addr": "fa:16:3e:00:00:01"},
        {"version": 6, "addr": "fd00::5", "OS-EXT-IPS:type": "fixed",
         "OS-EXT-IPS-MAC:mac_addr": "fa:16:3e:00:00:01"},
        {"version": 4, "addr": "172.24.4.9", "OS-EXT-IPS:type": "floating",
         "OS-EXT-IPS-MAC:mac_addr": "fa:16:3e:00:00:01"}]}
    assert old["security_groups"] == [{"name": "web"}]
    assert old["key_name"] == "key1"
    assert old["OS-EXT-AZ:availability_zone"] == "nova"
    assert old["OS-EXT-STS:vm_state"] == "active"
    assert old["OS-EXT-STS:power_state"] == 1
    assert old["os-extended-volumes:volumes_attached"] == []
    for later in ("locked", "description", "tags", "locked_reason",
                  "host_status", "pinned_availability_zone",
                  "scheduler_hints", "server_groups"):
        assert later not in old
    assert not [key for key in old if key.startswith("OS-EXT-SRV-ATTR")]

    new = servers.demo.get(path, version="2.100")["server"]
    assert new["flavor"] == {"vcpus": 1, "ram": 512, "disk": 1,
                             "ephemeral": 0, "swap": 0,
                             "original_name": "m1.tiny", "extra_specs": {}}
    assert (new["locked"], new["locked_reason"]) == (True, "maintenance")
    assert new["description"] == "described" and new["tags"] == ["t1"]
    assert new["metadata"] == {"k": "v"} and new["server_groups"] == []
    assert new["OS-EXT-SRV-ATTR:hostname"] == "vm1"
    assert new["image"]["properties"] == {}
    assert new["pinned_availability_zone"] is None
    assert new["scheduler_hints"] == {}
    assert "host_status" not in new
    assert "OS-EXT-SRV-ATTR:hostname" not in servers.demo.get(
        path, version="2.89")["server"]

    admin = servers.admin.get(path, version="2.16")["server"]
    assert admin["OS-EXT-SRV-ATTR:host"] == "host1"
    assert admin["OS-EXT-SRV-ATTR:hypervisor_hostname"] == "host1-node"
    assert admin["OS-EXT-SRV-ATTR:instance_name"].startswith("instance-")
    assert admin["OS-EXT-SRV-ATTR:reservation_id"] == "r-test"
    assert admin["host_status"] == ""  # no compute service known for host1

    # Another project's server does not exist for a member.
    response = servers.other.request("GET", "/v2.1" + path)
    assert response.status_int == 404
    assert response.json["itemNotFound"]["message"] == (
        "Instance %s could not be found." % placed.uuid)


def test_host_status_follows_the_compute_service(sqlite_servers):
    servers = sqlite_servers
    placed = servers.place(name="vm1")
    service = service_obj.Service(servers.ctx, host="host1",
                                  binary="nova-compute", topic="compute",
                                  cell_uuid=servers.cells["cell1"],
                                  last_seen_up=datetime.datetime(
                                      2024, 1, 1,
                                      tzinfo=datetime.timezone.utc))
    service.create()
    assert servers.admin.server(placed.uuid)["host_status"] == "UNKNOWN"
    service.record_heartbeat()
    assert servers.admin.server(placed.uuid)["host_status"] == "UP"
    service.disabled = True
    service.save()
    assert servers.admin.server(placed.uuid)["host_status"] == "MAINTENANCE"
    service.forced_down = True
    service.save()
    assert servers.admin.server(placed.uuid)["host_status"] == "DOWN"


def test_an_unscheduled_server_shows_its_fault(servers):
    placed = servers.place(cell="cell0", name="lost", host=None,
                           vm_state="error",
                           fault=exception.NoValidHost(reason="none fit"))
    for client in (servers.demo, servers.admin):
        shown = client.server(placed.uuid)
        assert shown["status"] == "ERROR" and "progress" not in shown
        assert shown["fault"]["code"] == 500
        assert shown["fault"]["message"] == "No valid host was found. none fit"
        assert shown["fault"]["created"].endswith("Z")
        assert "details" not in shown["fault"]  # none were recorded
        assert shown["hostId"] == ""
    listed = servers.demo.get("/servers/detail")["servers"]
    assert listed[0]["fault"]["message"].startswith("No valid host")


def _names(client, query, version="2.100"):
    return [s["name"] for s in client.get("/servers/detail" + query,
                                          version=version)["servers"]]


def _place_over_time(servers, names, **values):
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    placed = {}
    for minute, (name, cell) in enumerate(names):
        placed[name] = servers.place(
            cell=cell, name=name,
            created_at=start + datetime.timedelta(minutes=minute),
            **values.get(name, {}))
    return placed


def test_lists_merge_build_requests_and_cells_in_order(servers):
    building = [servers.demo.create_server(name="b%d" % i,
                                           image=fixtures.IMAGE_ID)
                ["server"]["id"] for i in range(2)]
    _place_over_time(servers, [("c1-a", "cell1"), ("c0-a", "cell0"),
                               ("c1-b", "cell1"), ("c0-b", "cell0"),
                               ("c1-c", "cell1")])
    # Newest first by default; build requests come first of all.
    assert _names(servers.demo, "") == ["b1", "b0", "c1-c", "c0-b", "c1-b",
                                        "c0-a", "c1-a"]
    assert _names(servers.demo, "?sort_key=display_name&sort_dir=asc") == [
        "b0", "b1", "c0-a", "c0-b", "c1-a", "c1-b", "c1-c"]

    # Pages of two, following the next links, cross cells.
    seen, query = [], "?sort_key=display_name&sort_dir=asc&limit=2"
    while True:
        page = servers.demo.get("/servers" + query)
        seen += [s["name"] for s in page["servers"]]
        links = page.get("servers_links")
        if not links:
            break
        assert links[0]["rel"] == "next"
        query = "?" + links[0]["href"].split("?", 1)[1]
    assert seen == ["b0", "b1", "c0-a", "c0-b", "c1-a", "c1-b", "c1-c"]

    marker = servers.demo.get("/servers?limit=1")["servers"][0]["id"]
    assert marker == building[1]
    assert _names(servers.demo, "?marker=" + marker)[:2] == ["b0", "c1-c"]
    response = servers.demo.request("GET", "/v2.1/servers?marker=nope")
    assert response.status_int == 400
    assert response.json["badRequest"]["message"] == "marker [nope] not found"
    assert servers.demo.get("/servers?limit=0")["servers"] == []


def test_sorting_puts_missing_values_first_on_every_backend(servers):
    _place_over_time(servers, [("a", "cell1"), ("b", "cell0"),
                               ("c", "cell1"), ("d", "cell0")],
                     a={"host": "h2"}, b={"host": None},
                     c={"host": "h1"}, d={"host": "h2"})
    query = "?sort_key=host&sort_dir=asc&sort_key=display_name&all_tenants=1"
    assert _names(servers.admin, query) == ["b", "c", "a", "d"]
    assert _names(servers.admin, query + "&limit=2") == ["b", "c"]
    assert _names(servers.admin, query.replace("asc", "desc")) == [
        "d", "a", "c", "b"]
    response = servers.demo.request("GET", "/v2.1/servers?sort_key=host")
    assert response.status_int == 403


def test_list_filters(servers):
    _place_over_time(servers, [
        ("web-1", "cell1"), ("web-2", "cell0"), ("db-1", "cell1"),
        ("broken", "cell0"), ("admin-vm", "cell1")],
        **{"web-1": {"tags": ["web", "blue"], "info_cache": NETWORK_INFO},
           "web-2": {"tags": ["web"], "locked": True, "locked_by": "owner"},
           "db-1": {"tags": ["db", "blue"], "flavorid": "2"},
           "broken": {"vm_state": "error", "host": None},
           "admin-vm": {"project_id": "admin", "user_id": "admin"}})
    demo = servers.demo
    assert sorted(_names(demo, "?name=^web")) == ["web-1", "web-2"]
    assert _names(demo, "?status=ERROR") == ["broken"]
    assert sorted(_names(demo, "?status=active")) == ["db-1", "web-1",
                                                      "web-2"]
    assert _names(demo, "?flavor=2") == ["db-1"]
    assert _names(demo, "?flavor=nope") == []
    assert len(_names(demo, "?image=" + fixtures.IMAGE_ID)) == 4
    assert _names(demo, "?ip=10.0.0") == ["web-1"]
    assert _names(demo, "?ip6=fd00::5") == ["web-1"]
    assert sorted(_names(demo, "?tags=web")) == ["web-1", "web-2"]
    assert _names(demo, "?tags=web,blue") == ["web-1"]
    assert sorted(_names(demo, "?tags-any=db,web")) == ["db-1", "web-1",
                                                        "web-2"]
    assert sorted(_names(demo, "?not-tags=web,blue")) == ["broken", "db-1",
                                                          "web-2"]
    assert _names(demo, "?not-tags-any=web,db") == ["broken"]
    assert _names(demo, "?locked=true", version="2.73") == ["web-2"]
    # Filters a member may not use are ignored (before 2.75).
    assert len(_names(demo, "?host=nowhere", version="2.74")) == 4
    assert _names(servers.admin, "?host=nowhere&all_tenants=1") == []

    # Projects: members see their own, admins all with all_tenants.
    assert _names(servers.admin, "") == ["admin-vm"]
    assert len(_names(servers.admin, "?all_tenants=1")) == 5
    assert _names(servers.admin, "?all_tenants=1&project_id=admin") == [
        "admin-vm"]
    assert _names(servers.admin, "?all_tenants=1&tenant_id=admin") == [
        "admin-vm"]
    response = demo.request("GET", "/v2.1/servers?all_tenants=1")
    assert response.status_int == 403
    response = servers.admin.request("GET", "/v2.1/servers?all_tenants=mmm")
    assert response.status_int == 400


def test_deleted_servers_show_in_changes_since(servers):
    before = datetime.datetime.now(datetime.timezone.utc) - (
        datetime.timedelta(minutes=1))
    gone = servers.place(name="gone", host=None)
    servers.place(name="kept")
    servers.instance(gone.uuid).destroy()
    since = before.strftime("%Y-%m-%dT%H:%M:%SZ")
    listed = servers.demo.get("/servers/detail?changes-since=" + since
                              )["servers"]
    assert {s["name"]: s["status"] for s in listed} == {"gone": "DELETED",
                                                        "kept": "ACTIVE"}
    assert _names(servers.demo, "") == ["kept"]
    assert _names(servers.admin, "?deleted=true&all_tenants=1") == ["gone"]
    response = servers.demo.request(
        "GET", "/v2.1/servers?changes-since=%s&changes-before=2000-01-01"
        "T00:00:00Z" % since, version="2.66")
    assert response.status_int == 400
    response = servers.demo.request("GET",
                                    "/v2.1/servers?changes-since=yesterday")
    assert response.json["badRequest"]["message"] == (
        "Invalid filter field: changes-since.")
    response = servers.demo.request("GET", "/v2.1/servers?status=DELETED")
    assert response.status_int == 403


@pytest.mark.parametrize("version,query,status", [
    ("2.74", "?whatever=1", 200),
    ("2.75", "?whatever=1", 400),
    ("2.74", "?sort_key=vcpus", 200),
    ("2.75", "?sort_key=vcpus", 400),
    ("2.75", "?sort_key=__class__", 400),
    ("2.37", "?status=BOGUS", 200),
    ("2.38", "?status=BOGUS", 400),
    ("2.1", "?sort_dir=sideways", 400),
    ("2.1", "?limit=-1", 400),
    ("2.1", "?name=[invalid(regex", 400),
    ("2.1", "?ip=[invalid(regex", 400),
    ("2.1", "?locked=maybe", 200),
    ("2.73", "?locked=maybe", 400),
])
def test_list_query_checks(sqlite_servers, version, query, status):
    response = sqlite_servers.demo.request("GET", "/v2.1/servers" + query,
                                           version=version)
    assert response.status_int == status, response.text


def test_admin_only_query_fields_are_refused(sqlite_servers):
    for query in ("?metadata=x", "?_private=1"):
        response = sqlite_servers.admin.request("GET", "/v2.1/servers" +
                                                query)
        assert response.status_int == 400
        assert "Invalid filter field" in response.json["badRequest"][
            "message"]


def test_status_mapping_round_trips():
    for vm_state, task_map in server_views.STATE_MAP.items():
        for task_state, status in task_map.items():
            instance = {"vm_state": vm_state,
                        "task_state": None if task_state == "default"
                        else task_state}
            shown = server_views.status(_Fields(instance))
            assert shown == status
            vm_states, task_states = server_views.states_for_statuses(
                [status.lower()])
            assert vm_state in vm_states and task_state in task_states
    assert server_views.status(_Fields({"vm_state": "nonsense"})) == (
        "UNKNOWN")
    assert server_views.status(_Fields({"vm_state": "active",
                                        "deleted": True})) == "DELETED"
    assert server_views.states_for_statuses(["BOGUS"]) == ([], [])


class _Fields(dict):
    """What status() reads of an instance."""
