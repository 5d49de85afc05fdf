"""Scheduler hints kept in the RequestSpec and shown at 2.100, soft group
policies, and create with host / hypervisor_hostname (2.74) checked by
the scheduler, on the whole in-process cloud with three compute hosts."""
import uuid

import pytest

from stratus import context
from stratus.objects import request_spec as request_spec_obj
from tests.functional import cloud as cloud_harness
from tests.functional.scheduling import fixtures

pytestmark = pytest.mark.slow


@pytest.fixture
def three_hosts(conf, databases, cloud_urls, tmp_path):
    # Normalized, the RAM weigher pulls to the emptiest host as strongly
    # as a soft policy with the same multiplier pulls to the group's.
    for name in ("soft_affinity_weight_multiplier",
                 "soft_anti_affinity_weight_multiplier"):
        conf.set_override(name, 10.0, group="filter_scheduler")
    # The subject is the scheduler's checks, not its cache of services.
    conf.set_override("host_cache_seconds", 0.0, group="scheduler")
    running = cloud_harness.start_cloud(conf, cloud_urls, tmp_path, nodes=1)
    hosts = fixtures.ManyHosts(running, 3)
    yield hosts
    hosts.stop()


def test_every_hint_is_kept_and_shown_at_2_100(three_hosts):
    env = three_hosts
    neighbour = env.settled(env.boot(name="neighbour"))
    group_id = env.group("soft-affinity")
    hints = {"group": group_id, "same_host": [neighbour["id"]],
             "different_host": str(uuid.uuid4()),
             "query": '[">=", "$free_ram_mb", 1024]',
             "build_near_host_ip": "10.0.0.1", "cidr": "/24",
             "target_cell": "cell1", "different_cell": ["cell0"],
             "my_own_hint": "kept"}
    server_id = env.boot(hints=hints)
    expected = {"group": [group_id], "same_host": [neighbour["id"]],
                "different_host": [hints["different_host"]],
                "query": ['[">=", "$free_ram_mb", 1024]'],
                "build_near_host_ip": ["10.0.0.1"], "cidr": ["/24"],
                "target_cell": ["cell1"], "different_cell": ["cell0"],
                "my_own_hint": ["kept"]}
    shown = env.settled(server_id)
    assert shown["status"] == "ACTIVE"
    assert shown["scheduler_hints"] == expected
    assert "scheduler_hints" not in env.demo.get(
        "/servers/" + server_id, version="2.99")["server"]
    detail = {server["id"]: server for server in env.demo.get(
        "/servers/detail")["servers"]}
    assert detail[server_id]["scheduler_hints"] == expected
    assert detail[neighbour["id"]]["scheduler_hints"] == {}
    spec = request_spec_obj.RequestSpec.get_by_instance_uuid(
        context.get_admin_context(env.cloud.databases), server_id)
    assert spec.scheduler_hints == expected
    assert spec.instance_group_uuid == group_id


def test_bad_hints_are_refused(three_hosts):
    env = three_hosts
    for hints in ({"group": "not-a-uuid"}, {"same_host": ["nope"]},
                  {"build_near_host_ip": "nope"}, {"cidr": "24"},
                  {"different_host": 5}):
        response = env.demo.request("POST", "/v2.1/servers", {
            "server": {"name": "vm", "flavorRef": "1",
                       "imageRef": env.image, "networks": "none"},
            "os:scheduler_hints": hints})
        assert response.status_int == 400, hints


def test_soft_policies_are_weighed_not_enforced(three_hosts):
    env = three_hosts
    together = env.group("soft-affinity")
    hosts = {env.settled(env.boot(hints={"group": together}))[
        "OS-EXT-SRV-ATTR:host"] for _ in range(3)}
    assert len(hosts) == 1
    apart = env.group("soft-anti-affinity")
    placed = [env.settled(env.boot(hints={"group": apart}))
              for _ in range(4)]
    assert all(server["status"] == "ACTIVE" for server in placed)
    hosts = [server["OS-EXT-SRV-ATTR:host"] for server in placed]
    assert len(set(hosts[:3])) == 3


def test_requested_host_and_node_from_2_74(three_hosts):
    env = three_hosts
    admin = env.api
    server_id = env.boot(client=admin, host="host02")
    assert env.settled(server_id)["OS-EXT-SRV-ATTR:host"] == "host02"
    node = admin.get("/os-hypervisors/detail", version="2.53")
    node = next(hypervisor["hypervisor_hostname"] for hypervisor in
                node["hypervisors"]
                if hypervisor["service"]["host"] == "host01")
    server_id = env.boot(client=admin, hypervisor_hostname=node)
    shown = env.settled(server_id)
    assert (shown["OS-EXT-SRV-ATTR:host"],
            shown["OS-EXT-SRV-ATTR:hypervisor_hostname"]) == ("host01", node)
    for destination in ({"host": "nowhere"},
                        {"hypervisor_hostname": "nowhere"},
                        {"host": "host01", "hypervisor_hostname": "nowhere"}):
        response = admin.request("POST", "/v2.1/servers", {"server": dict(
            {"name": "vm", "flavorRef": "1", "imageRef": env.image,
             "networks": "none"}, **destination)})
        assert response.status_int == 400, destination
    response = env.demo.request("POST", "/v2.1/servers", {"server": {
        "name": "vm", "flavorRef": "1", "imageRef": env.image,
        "networks": "none", "host": "host01"}})
    assert response.status_int == 403
    response = admin.request("POST", "/v2.1/servers", {"server": {
        "name": "vm", "flavorRef": "1", "imageRef": env.image,
        "networks": "none", "host": "host01"}}, version="2.73")
    assert response.status_int == 400
    # The scheduler checks the host: a disabled one takes nothing.
    admin.put("/os-services/disable", {"host": "host01",
                                       "binary": "nova-compute"},
              version="2.1")
    failed = env.settled(env.boot(client=admin, host="host01"))
    assert failed["status"] == "ERROR"
    assert "No valid host" in failed["fault"]["message"]
