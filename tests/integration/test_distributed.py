"""Separate processes over RabbitMQ and PostgreSQL: api, conductor,
scheduler, network and two computes boot and delete 20 servers."""
import concurrent.futures
import json
import urllib.request

import pytest

from bench import boot_bench
from bench import deploy
from bench.http_client import Client

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def test_twenty_servers_on_two_computes():
    with deploy.start("distributed", computes=2, nodes=2) as cloud:
        client = Client(cloud.compute_url)
        code, body = client.request("GET", "/os-services")
        assert code == 200
        computes = {s["host"] for s in body["services"] if s["binary"] == "nova-compute"}
        assert computes == {"compute0", "compute1"}

        # stratus api serves Placement too, with the computes' nodes in it.
        request = urllib.request.Request(
            cloud.placement_url + "/resource_providers",
            headers={"X-Auth-Token": "admin:admin",
                     "OpenStack-API-Version": "placement 1.14"})
        with urllib.request.urlopen(request, timeout=30) as response:
            providers = json.load(response)["resource_providers"]
        assert len(providers) == 4

        # stratus network serves the Neutron API over the API database.
        request = urllib.request.Request(
            cloud.network_url + "/v2.0/networks", method="POST",
            data=json.dumps({"network": {"name": "dist"}}).encode(),
            headers={"X-Auth-Token": "admin:admin",
                     "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 201
        request = urllib.request.Request(
            cloud.network_url + "/v2.0/networks?name=dist",
            headers={"X-Auth-Token": "admin:admin"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert [n["name"] for n in json.load(response)["networks"]] == [
                "dist"]

        code, body = client.request("GET", "/images", version="2.35")
        image = body["images"][0]["id"]
        with concurrent.futures.ThreadPoolExecutor(5) as pool:
            ids = list(pool.map(lambda i: boot_bench.create(client, "int-%d" % i, image),
                                range(20)))
            list(pool.map(lambda sid: boot_bench.wait_status(client, sid), ids))

        code, body = client.request("GET", "/servers/detail")
        assert code == 200
        servers = body["servers"]
        assert len(servers) == 20
        assert {s["status"] for s in servers} == {"ACTIVE"}
        hosts = {s["OS-EXT-SRV-ATTR:host"] for s in servers}
        assert hosts == {"compute0", "compute1"}, "the scheduler spreads load"

        with concurrent.futures.ThreadPoolExecutor(5) as pool:
            list(pool.map(lambda sid: client.request("DELETE", "/servers/%s" % sid), ids))
            list(pool.map(lambda sid: boot_bench.wait_gone(client, sid), ids))
        code, body = client.request("GET", "/servers")
        assert body["servers"] == []
        for name in cloud.processes:
            assert "Traceback" not in cloud.log(name), cloud.log(name)[-3000:]
