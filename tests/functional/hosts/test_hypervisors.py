"""os-hypervisors through the Compute API, with real compute services."""
import urllib.parse
import uuid


from stratus.compute import rpcapi as compute_rpcapi
from tests.functional import cloud
from tests.functional.hosts import fixtures

USAGE = {"vcpus", "memory_mb", "local_gb", "vcpus_used", "memory_mb_used",
         "local_gb_used", "free_ram_mb", "free_disk_gb", "current_workload",
         "running_vms", "disk_available_least", "cpu_info"}


def start(hosts, nodes=2, computes=("cmp1",)):
    hosts.conf.set_override("nodes", nodes, group="fake_driver")
    for host in computes:
        hosts.start_compute(host)
    return fixtures.client(hosts.app)


def boot(hosts, host, node):
    instance = hosts.create_instance(host, node, name="on-" + node)
    compute_rpcapi.ComputeAPI(hosts.messaging).build_and_run_instance(
        hosts.ctx, host, instance, fixtures.request_spec(instance), [], None,
        [])
    hosts.wait_for(instance.uuid, lambda i: i.task_state is None)
    return instance


def test_list_and_detail_before_2_53(hosts_on_each_backend):
    hosts = hosts_on_each_backend
    api = start(hosts, computes=("cmp1", "cmp2"))
    listed = api.get("/os-hypervisors")["hypervisors"]
    assert sorted(h["hypervisor_hostname"] for h in listed) == [
        "cmp1-node1", "cmp1-node2", "cmp2-node1", "cmp2-node2"]
    assert all(isinstance(h["id"], int) for h in listed)
    assert {tuple(sorted(h)) for h in listed} == {
        ("hypervisor_hostname", "id", "state", "status")}
    assert {(h["state"], h["status"]) for h in listed} == {("up", "enabled")}

    detail = api.get("/os-hypervisors/detail")["hypervisors"][0]
    assert detail["hypervisor_type"] == "fake"
    assert (detail["vcpus"], detail["memory_mb"], detail["local_gb"]) == (
        16, 65536, 1024)
    assert detail["memory_mb_used"] == 512  # reserved_host_memory_mb
    assert detail["host_ip"] == "127.0.0.1"
    assert isinstance(detail["cpu_info"], str)
    assert detail["service"]["host"] == "cmp1"
    assert isinstance(detail["service"]["id"], int)
    assert detail["service"]["disabled_reason"] is None


def test_cpu_info_is_an_object_from_2_28(hosts):
    api = start(hosts)
    detail = api.get("/os-hypervisors/detail", version="2.28")["hypervisors"]
    assert detail[0]["cpu_info"]["arch"] == "x86_64"


def test_show_and_usage_follow_the_servers(hosts):
    api = start(hosts)
    boot(hosts, "cmp1", "cmp1-node2")
    hosts.computes["cmp1"].tracker.report_changed_nodes(hosts.ctx)
    listed = {h["hypervisor_hostname"]: h["id"]
              for h in api.get("/os-hypervisors")["hypervisors"]}
    shown = api.get("/os-hypervisors/%d" % listed["cmp1-node2"])["hypervisor"]
    assert (shown["vcpus_used"], shown["running_vms"]) == (1, 1)
    assert shown["free_ram_mb"] == 65536 - 512 - 512
    other = api.get("/os-hypervisors/%d" % listed["cmp1-node1"])["hypervisor"]
    assert other["running_vms"] == 0


def test_paging_with_limit_and_marker(hosts_on_each_backend):
    hosts = hosts_on_each_backend
    api = start(hosts, nodes=3)
    for version in ("2.33", "2.53"):
        first = api.get("/os-hypervisors?limit=2", version=version)
        assert len(first["hypervisors"]) == 2
        (link,) = first["hypervisors_links"]
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(
            link["href"]).query)
        assert query["marker"] == [str(first["hypervisors"][1]["id"])]
        rest = api.get("/os-hypervisors/detail?limit=2&marker=%s"
                       % query["marker"][0], version=version)
        assert [h["hypervisor_hostname"] for h in rest["hypervisors"]] == [
            "cmp1-node3"]
        assert "hypervisors_links" not in rest
    for query, version in (("marker=nope", "2.33"), ("limit=-1", "2.33"),
                           ("marker=%s" % uuid.uuid4(), "2.53")):
        response = api.request("GET", "/v2.1/os-hypervisors?" + query,
                               version=version)
        assert response.status_int == 400, query


def test_uuid_ids_pattern_and_servers_from_2_53(hosts):
    api = start(hosts, computes=("cmp1", "cmp2"))
    instance = boot(hosts, "cmp2", "cmp2-node1")
    matching = api.get("/os-hypervisors?hypervisor_hostname_pattern=cmp2",
                       version="2.53")["hypervisors"]
    assert sorted(h["hypervisor_hostname"] for h in matching) == [
        "cmp2-node1", "cmp2-node2"]
    assert all(uuid.UUID(h["id"]) for h in matching)
    with_servers = api.get(
        "/os-hypervisors/detail?hypervisor_hostname_pattern=cmp2-node"
        "&with_servers=true", version="2.53")["hypervisors"]
    servers = {h["hypervisor_hostname"]: h.get("servers")
               for h in with_servers}
    assert servers["cmp2-node1"] == [{"name": "instance-%08x" % instance.id,
                                      "uuid": instance.uuid}]
    assert servers["cmp2-node2"] is None  # 2.75 always shows the list
    with_servers = api.get("/os-hypervisors?with_servers=1",
                           version="2.75")["hypervisors"]
    assert {h["hypervisor_hostname"]: len(h["servers"])
            for h in with_servers}["cmp2-node2"] == 0

    node_id = matching[0]["id"]
    shown = api.get("/os-hypervisors/%s?with_servers=true" % node_id,
                    version="2.53")["hypervisor"]
    assert shown["servers"][0]["uuid"] == instance.uuid
    assert uuid.UUID(shown["service"]["id"])

    for path, status in (
            ("/os-hypervisors?hypervisor_hostname_pattern=nothing", 404),
            ("/os-hypervisors?hypervisor_hostname_pattern=cmp&limit=1", 400),
            ("/os-hypervisors?with_servers=perhaps", 400),
            ("/os-hypervisors?unknown=1", 400),
            ("/os-hypervisors/42", 400),
            ("/os-hypervisors/%s" % uuid.uuid4(), 404),
            ("/os-hypervisors/cmp2/search", 404),
            ("/os-hypervisors/cmp2/servers", 404)):
        response = api.request("GET", "/v2.1" + path, version="2.53")
        assert response.status_int == status, (path, response.text)


def test_2_88_drops_usage_and_shows_uptime(hosts):
    api = start(hosts)
    detail = api.get("/os-hypervisors/detail", version="2.88")["hypervisors"]
    assert not USAGE & set(detail[0])
    # As Nova's 2.88 samples: the detail list carries the uptime as show
    # does (this test asserted its absence before).
    assert " up " in detail[0]["uptime"]
    assert "uptime" not in api.get("/os-hypervisors", version="2.88")[
        "hypervisors"][0]
    assert "uptime" not in api.get("/os-hypervisors/detail",
                                   version="2.87")["hypervisors"][0]
    shown = api.get("/os-hypervisors/%s" % detail[0]["id"],
                    version="2.88")["hypervisor"]
    assert not USAGE & set(shown)
    assert " up " in shown["uptime"]
    for path in ("/os-hypervisors/statistics",
                 "/os-hypervisors/%s/uptime" % detail[0]["id"]):
        response = api.request("GET", "/v2.1" + path, version="2.88")
        assert response.status_int == 404, path


def test_uptime_of_a_down_host(hosts):
    api = start(hosts, nodes=1)
    hosts.stop_compute("cmp1")
    hosts.mark_down("cmp1")
    node = api.get("/os-hypervisors", version="2.88")["hypervisors"][0]
    assert node["state"] == "down"
    shown = api.get("/os-hypervisors/%s" % node["id"], version="2.88")
    assert shown["hypervisor"]["uptime"] is None
    assert api.get("/os-hypervisors/detail", version="2.88")[
        "hypervisors"][0]["uptime"] is None
    old_id = api.get("/os-hypervisors")["hypervisors"][0]["id"]
    response = api.request("GET", "/v2.1/os-hypervisors/%d/uptime" % old_id)
    assert response.status_int == 400
    assert "unavailable" in response.json["badRequest"]["message"]


def test_uptime_before_2_88(hosts):
    api = start(hosts, nodes=1)
    node_id = api.get("/os-hypervisors")["hypervisors"][0]["id"]
    shown = api.get("/os-hypervisors/%d/uptime" % node_id)["hypervisor"]
    assert shown["hypervisor_hostname"] == "cmp1"
    assert "load average" in shown["uptime"]
    assert "vcpus" not in shown


def test_statistics_sum_the_enabled_hypervisors(hosts):
    api = start(hosts, computes=("cmp1", "cmp2"))
    stats = api.get("/os-hypervisors/statistics")["hypervisor_statistics"]
    assert (stats["count"], stats["vcpus"], stats["memory_mb_used"]) == (
        4, 64, 4 * 512)
    api.put("/os-services/disable", {"host": "cmp2",
                                     "binary": "nova-compute"})
    stats = api.get("/os-hypervisors/statistics")["hypervisor_statistics"]
    assert stats["count"] == 2
    disabled = [h for h in api.get("/os-hypervisors")["hypervisors"]
                if h["status"] == "disabled"]
    assert len(disabled) == 2


def test_search_and_servers_before_2_53(hosts):
    api = start(hosts, computes=("cmp1", "cmp2"))
    instance = boot(hosts, "cmp1", "cmp1-node1")
    found = api.get("/os-hypervisors/cmp1/search")["hypervisors"]
    assert sorted(h["hypervisor_hostname"] for h in found) == [
        "cmp1-node1", "cmp1-node2"]
    with_servers = {h["hypervisor_hostname"]: h for h in api.get(
        "/os-hypervisors/cmp1-node/servers")["hypervisors"]}
    assert [s["uuid"] for s in with_servers["cmp1-node1"]["servers"]] == [
        instance.uuid]
    assert "servers" not in with_servers["cmp1-node2"]
    response = api.request("GET", "/v2.1/os-hypervisors/zzz/search")
    assert response.status_int == 404
    assert "No hypervisor matching 'zzz'" in response.json["itemNotFound"][
        "message"]


def test_hypervisor_ids_that_do_not_exist(hosts):
    api = start(hosts, nodes=1)
    for path in ("/os-hypervisors/abc", "/os-hypervisors/99999",
                 "/os-hypervisors/-1", "/os-hypervisors/abc/uptime"):
        response = api.request("GET", "/v2.1" + path)
        assert response.status_int == 404, path
        assert "could not be found" in response.json["itemNotFound"][
            "message"]


def test_only_admins_see_hypervisors(hosts):
    api = start(hosts, nodes=1).as_user(cloud.DEMO)
    response = api.request("GET", "/v2.1/os-hypervisors")
    assert response.status_int == 403
