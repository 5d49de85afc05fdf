"""What the cells scale bench does the same in process and distributed
(bench/cells_scale.py, bench/cells_scale_distributed.py): a burst of
boots, servers written straight into the cell databases, the listing's
first and deep pages timed, a cell database closed to connections.

request(method, path, body=None, version=...) is the Compute API, in
process (cells_scale.call on an app) or over REST (a
bench.http_client.Client's request), both answering (status, JSON).
"""
import concurrent.futures
import time
import uuid

import sqlalchemy as sa

from bench import scheduler_scale
from stratus import context as stratus_context
from stratus.image import bootstrap as image_bootstrap
from stratus.objects import fields
from stratus.objects import flavor as flavor_obj
from stratus.objects import instance as instance_obj
from stratus.objects import instance_mapping

PROJECT = "bench"
PAGE_SAMPLES = 20


def boot_many(request, count, threads=10):
    """(seconds until all count are ACTIVE or ERROR, how many ACTIVE)."""
    def boot(index):
        code, body = request("POST", "/servers", {"server": {
            "name": "burst-%d" % index, "flavorRef": "1",
            "imageRef": image_bootstrap.DEFAULT_IMAGE_ID,
            "networks": "none"}})
        if code != 202:
            return False
        server_id = body["server"]["id"]
        while True:
            code, body = request("GET", "/servers/%s" % server_id)
            status = body["server"]["status"] if code == 200 else None
            if status in ("ACTIVE", "ERROR"):
                return status == "ACTIVE"
            time.sleep(0.05)
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        active = sum(pool.map(boot, range(count)))
    return time.perf_counter() - started, active


def fill_cells(request, databases, host_cells, total, project=PROJECT):
    """Servers written straight into the cells, round-robin over
    host_cells ({host: its CellMapping}), until project has total
    servers (each with its instance mapping)."""
    ctx = stratus_context.RequestContext(
        user_id=project, project_id=project, is_admin=True,
        databases=databases)
    flavor = flavor_obj.Flavor.get_by_flavor_id(ctx, "1")
    have = len(server_ids(request))
    hosts = list(host_cells.items())
    for index in range(have, total):
        host, cell = hosts[index % len(hosts)]
        server_id = str(uuid.uuid4())
        with ctx.target_cell(cell.uuid) as cctx:
            instance_obj.Instance(
                uuid=server_id, display_name="filled-%d" % index,
                hostname="filled-%d" % index, project_id=project,
                user_id=project, image_ref=image_bootstrap.DEFAULT_IMAGE_ID,
                vm_state=fields.VMState.ACTIVE, task_state=None,
                power_state=fields.PowerState.RUNNING, host=host,
                node=host, flavor=flavor, instance_type_id=flavor.id,
                memory_mb=flavor.memory_mb, vcpus=flavor.vcpus,
                root_gb=flavor.root_gb, ephemeral_gb=flavor.ephemeral_gb,
                launch_index=0, reservation_id="r-bench").create(cctx)
        instance_mapping.InstanceMapping(
            instance_uuid=server_id, project_id=project, user_id=project,
            cell_uuid=cell.uuid, queued_for_delete=False).create(ctx)


def page_times(request, query, version="2.80"):
    times = []
    for _ in range(PAGE_SAMPLES):
        started = time.perf_counter()
        code, body = request("GET", "/servers/detail" + query,
                             version=version)
        times.append((time.perf_counter() - started) * 1000)
        if code != 200:
            raise RuntimeError("listing gave %s: %s" % (code, body))
    return times, len(body["servers"])


def server_ids(request, version="2.80"):
    """The ids of all servers listed, page by page ([api] max_limit)."""
    ids = []
    marker = None
    while True:
        _, body = request("GET", "/servers?limit=1000" + (
            "&marker=" + marker if marker else ""), version=version)
        page = [server["id"] for server in body["servers"]]
        ids += page
        if len(page) < 1000:
            return ids
        marker = page[-1]


def listing(request, version="2.80"):
    """p50/p99 ms of the first page and of the page 90 % down."""
    ids = server_ids(request, version)
    deep = ids[int(len(ids) * 0.9)]
    first, first_count = page_times(request, "?limit=1000", version)
    later, later_count = page_times(request, "?limit=1000&marker=" + deep,
                                    version)
    pct = scheduler_scale.percentile
    return {"servers_listed": len(ids),
            "first_page_servers": first_count,
            "first_page_p50_ms": round(pct(first, 0.5), 1),
            "first_page_p99_ms": round(pct(first, 0.99), 1),
            "deep_page_servers": later_count,
            "deep_page_p50_ms": round(pct(later, 0.5), 1),
            "deep_page_p99_ms": round(pct(later, 0.99), 1)}


def close_database(url, closed=True):
    """A PostgreSQL database closed to new connections and its sessions
    ended (closed=False: open again)."""
    server, database = url.rsplit("/", 1)
    engine = sa.create_engine(server + "/postgres",
                              isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(
            'ALTER DATABASE "%s" WITH ALLOW_CONNECTIONS %s'
            % (database, "false" if closed else "true")))
        if closed:
            connection.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :name"), {"name": database})
    engine.dispose()
