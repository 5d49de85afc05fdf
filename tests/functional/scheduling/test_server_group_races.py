"""Hard server group policies under concurrency, on the whole in-process
cloud: many parallel boots into one group never break it.

Anti-affinity is per compute host (service host, as in Nova), so the
cloud runs one compute service per host, each with one fake node sized
for ten m1.tiny servers.
"""
import collections

import pytest

from tests.functional import cloud as cloud_harness
from tests.functional.scheduling import fixtures

pytestmark = pytest.mark.slow

SERVERS_PER_HOST = 10
# m1.tiny: 1 vCPU, 512 MB, 1 GB; the host keeps 512 MB back.
NODE_MEMORY_MB = 512 * (SERVERS_PER_HOST + 1)


@pytest.fixture
def thirty_hosts(conf, databases, cloud_urls, tmp_path):
    conf.set_override("memory_mb", NODE_MEMORY_MB, group="fake_driver")
    running = cloud_harness.start_cloud(conf, cloud_urls, tmp_path, nodes=1)
    hosts = fixtures.ManyHosts(running, 30)
    yield hosts
    hosts.stop()


def _hosts_of(servers):
    return [server["OS-EXT-SRV-ATTR:host"] for server in servers
            if server["status"] == "ACTIVE"]


def _check_failed(servers):
    for server in servers:
        if server["status"] == "ERROR":
            assert "No valid host" in server["fault"]["message"]


def test_anti_affinity_40_boots_over_30_hosts(thirty_hosts):
    group_id = thirty_hosts.group("anti-affinity")
    servers = thirty_hosts.boot_in_parallel(group_id, 40)
    hosts = _hosts_of(servers)
    assert len(hosts) == 30
    assert len(set(hosts)) == 30
    assert sum(server["status"] == "ERROR" for server in servers) == 10
    _check_failed(servers)
    members = thirty_hosts.demo.get("/os-server-groups/" + group_id)[
        "server_group"]["members"]
    assert len(members) == 40


def test_affinity_40_boots_never_split(thirty_hosts):
    group_id = thirty_hosts.group("affinity")
    servers = thirty_hosts.boot_in_parallel(group_id, 40)
    hosts = _hosts_of(servers)
    assert len(set(hosts)) == 1
    # The one host is full; everything else failed, nothing was split.
    assert len(hosts) == SERVERS_PER_HOST
    _check_failed(servers)


def test_max_server_per_host_is_honoured(thirty_hosts):
    group_id = thirty_hosts.group("anti-affinity",
                                  {"max_server_per_host": 2})
    servers = thirty_hosts.boot_in_parallel(group_id, 40)
    per_host = collections.Counter(_hosts_of(servers))
    assert sum(per_host.values()) == 40
    assert max(per_host.values()) <= 2
    # Deleting members frees their places for new ones.
    for server in servers[:4]:
        thirty_hosts.demo.delete("/servers/" + server["id"])
    for server in servers[:4]:
        thirty_hosts.demo.wait_for_deleted(server["id"])
    more = thirty_hosts.boot_in_parallel(group_id, 25)
    per_host = collections.Counter(_hosts_of(servers[4:]) + _hosts_of(more))
    assert max(per_host.values()) <= 2
    assert sum(per_host.values()) == 60
    assert sum(server["status"] == "ERROR" for server in more) == 1
    _check_failed(more)
