"""A burst larger than the cloud: 500 parallel boots into capacity for
exactly 400 of the flavor. Claims are atomic, so exactly 400 become
ACTIVE and 100 fail with NoValidHost; no provider is ever used beyond its
capacity and nothing is left building."""
import concurrent.futures

import pytest
import webob

from tests.functional import cloud as cloud_harness

pytestmark = pytest.mark.slow

NODES = 4
PER_NODE = 100
BOOTS = 500
# m1.tiny is 1 vCPU, 512 MB, 1 GB. Each node fits exactly PER_NODE of it
# by RAM (512 MB kept for the host) and by vCPUs (allocation ratio 4.0).
NODE_MEMORY_MB = 512 * (PER_NODE + 1)
NODE_VCPUS = PER_NODE // 4


@pytest.fixture
def full_cloud(conf, databases, cloud_urls, tmp_path):
    conf.set_override("memory_mb", NODE_MEMORY_MB, group="fake_driver")
    conf.set_override("vcpus", NODE_VCPUS, group="fake_driver")
    running = cloud_harness.start_cloud(conf, cloud_urls, tmp_path,
                                        nodes=NODES)
    yield running
    running.stop()


def _placement(cloud, path):
    req = webob.Request.blank(path, headers={
        "X-Auth-Token": cloud_harness.ADMIN,
        "OpenStack-API-Version": "placement 1.39"})
    response = req.get_response(cloud.apps["placement"])
    assert response.status_int == 200, response.text
    return response.json


def test_500_boots_into_room_for_400(full_cloud):
    api = cloud_harness.StackClient(full_cloud.apps["compute"])
    api.put("/os-quota-sets/admin", {"quota_set": dict.fromkeys(
        ("instances", "cores", "ram"), -1)})
    image = api.first_image_id()
    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        ids = list(pool.map(
            lambda index: api.create_server(name="burst%d" % index,
                                            image=image)["server"]["id"],
            range(BOOTS)))
    servers = [api.wait_for_status(server_id, {"ACTIVE", "ERROR"},
                                   timeout=180) for server_id in ids]

    statuses = [server["status"] for server in servers]
    assert statuses.count("ACTIVE") == NODES * PER_NODE
    assert statuses.count("ERROR") == BOOTS - NODES * PER_NODE
    for server in servers:
        if server["status"] == "ERROR":
            assert "No valid host" in server["fault"]["message"]
    assert api.get("/servers/detail?status=BUILD")["servers"] == []

    providers = _placement(full_cloud, "/resource_providers")[
        "resource_providers"]
    assert len(providers) == NODES
    for provider in providers:
        base = "/resource_providers/%s" % provider["uuid"]
        inventories = _placement(full_cloud, base + "/inventories")[
            "inventories"]
        usages = _placement(full_cloud, base + "/usages")["usages"]
        for name, used in usages.items():
            inventory = inventories[name]
            capacity = int((inventory["total"] - inventory["reserved"])
                           * inventory["allocation_ratio"])
            assert used <= capacity, (provider["name"], name, used)
        # Every node is full: the burst used all of the capacity.
        assert usages["MEMORY_MB"] == PER_NODE * 512
