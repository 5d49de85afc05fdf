"""Two cells as separate processes, as Nova deploys them: the API, the
super conductor and the scheduler on the API-level RabbitMQ virtual host
and API database; per cell its own PostgreSQL database, virtual host, a
cell conductor (no [api_database]) and two computes. Boots land in both
cells; one cell's conductor and computes stop and start again while the
other keeps booting and the listing answers; a resize inside a cell;
cell 2's messages never reach cell 1's virtual host."""
import concurrent.futures
import shutil
import signal
import subprocess
import time
import urllib.parse

import psutil
import pytest
import sqlalchemy as sa

from bench import boot_bench
from bench import deploy
from bench.http_client import Client

pytestmark = [pytest.mark.slow, pytest.mark.integration]

# Computes seen down quickly once their cell is stopped; few idle
# database connections kept (the PostgreSQL server is shared).
CONFIG = {"DEFAULT": {"report_interval": 2, "service_down_time": 10},
          "database": {"max_pool_size": 2}}


def _hosts_by_cell(cloud):
    return {cell["name"]: set(cell["computes"]) for cell in cloud.cells}


def _boot(client, image, names):
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        ids = list(pool.map(lambda name: boot_bench.create(
            client, name, image), names))
        list(pool.map(lambda sid: boot_bench.wait_status(client, sid), ids))
    return ids


def _servers(client):
    code, body = client.request("GET", "/servers/detail?all_tenants=1")
    assert code == 200, body
    return {server["id"]: server for server in body["servers"]}


def _queues(vhost_url):
    vhost = urllib.parse.unquote(urllib.parse.urlsplit(vhost_url).path[1:])
    listed = subprocess.run(
        ["rabbitmqctl", "list_queues", "-q", "-p", vhost, "name"],
        check=True, capture_output=True, text=True, timeout=60).stdout
    return {line.strip() for line in listed.splitlines()
            if line.strip() and line.strip() != "name"}


def _api_db_ports(cloud, process):
    """Local ports of process's connections to the API database."""
    api_name = cloud.database_urls["api"].rsplit("/", 1)[1]
    engine = sa.create_engine(deploy.PG_ADMIN + "/postgres")
    with engine.connect() as conn:
        ports = set(conn.execute(sa.text(
            "SELECT client_port FROM pg_stat_activity WHERE datname = :db"),
            {"db": api_name}).scalars())
    engine.dispose()
    mine = set()
    proc = psutil.Process(process.pid)
    for each in [proc] + proc.children(recursive=True):
        mine |= {conn.laddr.port for conn in each.net_connections("tcp")}
    return ports & mine


def _wait_services(client, hosts, state, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code, body = client.request("GET", "/os-services?binary=nova-compute")
        seen = {s["host"]: s["state"] for s in body["services"]}
        if all(seen.get(host) == state for host in hosts):
            return
        time.sleep(1)
    raise AssertionError("%s not %s: %s" % (hosts, state, seen))


@pytest.mark.skipif(shutil.which("rabbitmqctl") is None,
                    reason="a virtual host per cell needs rabbitmqctl")
def test_two_cells_as_processes_over_their_own_vhosts_and_databases():
    with deploy.start("distributed", computes=4, nodes=2, cells=2,
                      config=CONFIG) as cloud:
        client = Client(cloud.compute_url)
        cells = _hosts_by_cell(cloud)
        assert cells == {"cell1": {"compute0", "compute2"},
                         "cell2": {"compute1", "compute3"}}
        vhosts = {cell["name"]: cell["transport_url"] for cell in cloud.cells}
        assert len(set(vhosts.values()) | {cloud.transport_url}) == 3

        # A cell conductor has no API database: none in its config, no
        # connection of its process to it.
        for cell in cloud.cells:
            with open(cell["config"]) as handle:
                assert "api_database" not in handle.read()
            assert _api_db_ports(
                cloud, cloud.processes[cell["conductor"]]) == set()

        code, body = client.request("GET", "/images", version="2.35")
        image = body["images"][0]["id"]
        first = _boot(client, image, ["c-%d" % i for i in range(12)])
        servers = _servers(client)
        hosts = {servers[sid]["OS-EXT-SRV-ATTR:host"] for sid in first}
        assert hosts & cells["cell1"] and hosts & cells["cell2"], hosts

        # Each cell's computes and conductor listen on their own vhost.
        queues = {name: _queues(url) for name, url in vhosts.items()}
        queues["api"] = _queues(cloud.transport_url)
        for name, own in cells.items():
            others = set().union(*(h for n, h in cells.items() if n != name))
            assert {"compute.%s" % host for host in own} <= queues[name]
            assert not {"compute.%s" % host for host in others} & queues[name]
            assert "conductor" in queues[name]
        assert not any(q.startswith("compute.") for q in queues["api"])

        # A resize inside a cell.
        resized = first[0]
        source = servers[resized]["OS-EXT-SRV-ATTR:host"]
        source_cell = next(n for n, h in cells.items() if source in h)
        code, body = client.request("POST", "/servers/%s/action" % resized,
                                    {"resize": {"flavorRef": "2"}})
        assert code == 202, body
        boot_bench.wait_status(client, resized, "VERIFY_RESIZE")
        code, body = client.request("POST", "/servers/%s/action" % resized,
                                    {"confirmResize": None})
        assert code == 204, body
        boot_bench.wait_status(client, resized)
        server = _servers(client)[resized]
        assert server["flavor"]["original_name"] == "m1.small"
        assert server["OS-EXT-SRV-ATTR:host"] in cells[source_cell]

        # Cell 2 stops: its conductor and computes.
        cell2 = cloud.cells[1]
        stopped = [cell2["conductor"]] + sorted(cell2["computes"])
        for name in stopped:
            cloud.kill(name, signal.SIGTERM)
        _wait_services(client, cells["cell2"], "down")
        during = _boot(client, image, ["d-%d" % i for i in range(6)])
        servers = _servers(client)
        assert {servers[sid]["OS-EXT-SRV-ATTR:host"] for sid in during} <= \
            cells["cell1"]
        # The listing answers, cell 2's servers in it.
        assert set(first) <= set(servers)

        for name in stopped:
            cloud.restart(name)
        _wait_services(client, cells["cell2"], "up")
        after = _boot(client, image, ["e-%d" % i for i in range(8)])
        # A server built on each of cell 2's restarted hosts, through its
        # conductor and vhost (asked for by host: which cell the scheduler
        # weighs best after the restart is not what this checks).
        for host in sorted(cells["cell2"]):
            code, body = client.request("POST", "/servers", {"server": {
                "name": "on-" + host, "flavorRef": "1", "imageRef": image,
                "networks": boot_bench.NETWORKS,
                "availability_zone": "nova:" + host}})
            assert code == 202, body
            after.append(body["server"]["id"])
            boot_bench.wait_status(client, after[-1])
        servers = _servers(client)
        assert {s["status"] for s in servers.values()} == {"ACTIVE"}, {
            sid: s["status"] for sid, s in servers.items()}
        assert {servers[sid]["OS-EXT-SRV-ATTR:host"] for sid in after[-2:]} \
            == cells["cell2"]
        # Boots land in both cells after the restart: the scheduler reads
        # again the services its view has down (host_state.py).
        assert {servers[sid]["OS-EXT-SRV-ATTR:host"] for sid in after[:8]} \
            & cells["cell2"]
        assert not any(s["OS-EXT-STS:task_state"] for s in servers.values())

        # Still: no cell 2 queue on cell 1's vhost, nor the other way.
        assert not {"compute.%s" % h for h in cells["cell2"]} & _queues(
            vhosts["cell1"])
        assert not {"compute.%s" % h for h in cells["cell1"]} & _queues(
            vhosts["cell2"])

        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            ids = first + during + after
            list(pool.map(lambda sid: client.request(
                "DELETE", "/servers/%s" % sid), ids))
            list(pool.map(lambda sid: boot_bench.wait_gone(client, sid), ids))
        for name in cloud.processes:
            assert "Traceback" not in cloud.log(name), (
                name, cloud.log(name)[-3000:])
