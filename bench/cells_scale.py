"""Cells at scale: the same 50,000 simulated hypervisors as 10 cells x
5,000 or as 1 cell x 50,000 (10 compute hosts of 5,000 fake nodes each,
in-process: the all-in-one Cloud with --cells), side by side:

- registration: compute start until every node is in placement;
- scheduling decision p50/p99 (SchedulerManager.select_destinations
  in-process, each claim removed after it is timed);
- a burst of boots through the Compute API (10 client threads), boots/s;
- `GET /servers/detail` with --servers servers spread over the cells
  (the burst's, the rest written straight into the cells): the first
  page and a page deep in the list (the marker 90 % down), p50/p99;
- with --db postgresql, one cell's database closed to connections and
  its conductor and computes stopped (its "broker" gone): boots go on in
  the other cells and the listing still answers (2.69 minimal records
  for the down cell's servers).

    python bench/cells_scale.py                          # 10x5000 vs 1x50000
    python bench/cells_scale.py --layouts 3x100,1x300 --servers 600 --boots 50

Results go to bench/results/cells-scale-<db>.json.
"""
import argparse
import concurrent.futures
import json
import os
import shutil
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import sqlalchemy as sa  # noqa: E402
import webob  # noqa: E402

from bench import scheduler_scale  # noqa: E402
from stratus.cmd import all_in_one  # noqa: E402
from stratus import conf as stratus_conf  # noqa: E402
from stratus import context as stratus_context  # noqa: E402
from stratus.image import bootstrap as image_bootstrap  # noqa: E402
from stratus import objects  # noqa: E402
from stratus.objects import fields  # noqa: E402
from stratus.objects import flavor as flavor_obj  # noqa: E402
from stratus.objects import instance as instance_obj  # noqa: E402
from stratus.objects import instance_mapping  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POSTGRES = scheduler_scale.POSTGRES
COMPUTE_HOSTS = 10
PROJECT = "bench"
PAGE_SAMPLES = 20


def database_urls(kind, data_dir, cells):
    names = ["api", "cell0"] + ["cell%d" % k for k in range(1, cells + 1)]
    if kind == "sqlite":
        return {name: "sqlite:///" + os.path.join(data_dir, name + ".db")
                for name in names}
    engine = sa.create_engine(POSTGRES + "postgres",
                              isolation_level="AUTOCOMMIT")
    urls = {}
    with engine.connect() as connection:
        for name in names:
            database = "stratus_cells_%s" % name
            connection.execute(sa.text(
                'DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % database))
            connection.execute(sa.text('CREATE DATABASE "%s"' % database))
            urls[name] = POSTGRES + database
    engine.dispose()
    return urls


def start_cloud(cells, nodes, kind, data_dir):
    conf = stratus_conf.build_conf()
    urls = database_urls(kind, data_dir, cells)
    conf.set_override("connection", urls["api"], group="api_database")
    conf.set_override("connection", urls["cell1"], group="database")
    all_in_one.configure(conf, data_dir, auth="noauth", nodes=nodes,
                         hosts=COMPUTE_HOSTS, cells=cells)
    conf.set_override("update_resources_interval", 3600)
    conf.set_override("provider", "simulated", group="network")
    for name in ("instances", "cores", "ram"):
        conf.set_override(name, -1, group="quota")
    cloud = all_in_one.Cloud(
        conf, data_dir, serve_http=False, cell0_url=urls["cell0"],
        cell_urls={name: url for name, url in urls.items()
                   if name not in ("api", "cell0", "cell1")})
    cloud.bootstrap()
    return cloud, urls


def call(app, method, path, body=None, version="2.80"):
    req = webob.Request.blank("/v2.1" + path, method=method, headers={
        "X-Auth-Token": "admin:" + PROJECT,
        "OpenStack-API-Version": "compute " + version})
    if body is not None:
        req.body = json.dumps(body).encode()
        req.content_type = "application/json"
    response = req.get_response(app)
    return response.status_int, response.json if response.body else None


def boot_many(app, count, threads=10):
    """(seconds until all count are ACTIVE or ERROR, how many ACTIVE)."""
    def boot(index):
        code, body = call(app, "POST", "/servers", {"server": {
            "name": "burst-%d" % index, "flavorRef": "1",
            "imageRef": image_bootstrap.DEFAULT_IMAGE_ID,
            "networks": "none"}})
        if code != 202:
            return False
        server_id = body["server"]["id"]
        while True:
            code, body = call(app, "GET", "/servers/%s" % server_id)
            status = body["server"]["status"] if code == 200 else None
            if status in ("ACTIVE", "ERROR"):
                return status == "ACTIVE"
            time.sleep(0.05)
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        active = sum(pool.map(boot, range(count)))
    return time.perf_counter() - started, active


def fill_cells(cloud, total):
    """Servers written straight into the cells, round-robin, until
    PROJECT has total servers (each with its instance mapping)."""
    ctx = stratus_context.RequestContext(
        user_id=PROJECT, project_id=PROJECT, is_admin=True,
        databases=cloud.databases)
    flavor = flavor_obj.Flavor.get_by_flavor_id(ctx, "1")
    have = instance_mapping.InstanceMappingList.count_by_project(
        ctx, PROJECT) if hasattr(instance_mapping.InstanceMappingList,
                                 "count_by_project") else None
    _, listed = call(cloud.apps["compute"], "GET",
                     "/servers?limit=1000000")
    have = len(listed["servers"]) if have is None else have
    hosts = list(cloud.host_cells.items())
    for index in range(have, total):
        host, cell = hosts[index % len(hosts)]
        server_id = str(uuid.uuid4())
        with ctx.target_cell(cell.uuid) as cctx:
            instance_obj.Instance(
                uuid=server_id, display_name="filled-%d" % index,
                hostname="filled-%d" % index, project_id=PROJECT,
                user_id=PROJECT, image_ref=image_bootstrap.DEFAULT_IMAGE_ID,
                vm_state=fields.VMState.ACTIVE, task_state=None,
                power_state=fields.PowerState.RUNNING, host=host,
                node=host, flavor=flavor, instance_type_id=flavor.id,
                memory_mb=flavor.memory_mb, vcpus=flavor.vcpus,
                root_gb=flavor.root_gb, ephemeral_gb=flavor.ephemeral_gb,
                launch_index=0, reservation_id="r-bench").create(cctx)
        instance_mapping.InstanceMapping(
            instance_uuid=server_id, project_id=PROJECT, user_id=PROJECT,
            cell_uuid=cell.uuid, queued_for_delete=False).create(ctx)


def page_times(app, query, version="2.80"):
    times = []
    for _ in range(PAGE_SAMPLES):
        started = time.perf_counter()
        code, body = call(app, "GET", "/servers/detail" + query,
                          version=version)
        times.append((time.perf_counter() - started) * 1000)
        if code != 200:
            raise RuntimeError("listing gave %s: %s" % (code, body))
    return times, len(body["servers"])


def listing(app, version="2.80"):
    """p50/p99 ms of the first page and of the page 90 % down."""
    ids = []
    marker = None
    while True:
        _, body = call(app, "GET", "/servers?limit=1000" + (
            "&marker=" + marker if marker else ""), version=version)
        page = [server["id"] for server in body["servers"]]
        ids += page
        if len(page) < 1000:
            break
        marker = page[-1]
    deep = ids[int(len(ids) * 0.9)]
    first, first_count = page_times(app, "?limit=1000", version)
    later, later_count = page_times(app, "?limit=1000&marker=" + deep,
                                    version)
    pct = scheduler_scale.percentile
    return {"servers_listed": len(ids),
            "first_page_servers": first_count,
            "first_page_p50_ms": round(pct(first, 0.5), 1),
            "first_page_p99_ms": round(pct(first, 0.99), 1),
            "deep_page_servers": later_count,
            "deep_page_p50_ms": round(pct(later, 0.5), 1),
            "deep_page_p99_ms": round(pct(later, 0.99), 1)}


def stop_cell(cloud, urls, cell):
    """Its database closed to connections (PostgreSQL) and its conductor
    and computes stopped."""
    database = urls[cell.name].rsplit("/", 1)[1]
    engine = sa.create_engine(POSTGRES + "postgres",
                              isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(
            'ALTER DATABASE "%s" WITH ALLOW_CONNECTIONS false' % database))
        connection.execute(sa.text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = :name"), {"name": database})
    engine.dispose()
    cloud.databases.cell(cell.uuid).dispose()
    for svc in list(cloud.services):
        if getattr(svc.manager, "_cell_uuid", None) == cell.uuid or (
                svc.binary == "nova-compute"
                and cloud.host_cells[svc.host].uuid == cell.uuid):
            svc.stop()
            cloud.services.remove(svc)


def run_layout(cells, nodes, kind, decisions, boots, servers, outage):
    data_dir = tempfile.mkdtemp(prefix="stratus-cells-")
    try:
        cloud, urls = start_cloud(cells, nodes, kind, data_dir)
        started = time.perf_counter()
        cloud.start()
        result = {"cells": cells, "hosts": COMPUTE_HOSTS * nodes,
                  "nodes_per_compute": nodes, "database": kind,
                  "registration_seconds":
                      round(time.perf_counter() - started, 1)}
        try:
            scheduler_scale.measure_decisions(cloud, 1)
            time.sleep(12)
            times = scheduler_scale.measure_decisions(cloud, decisions)
            pct = scheduler_scale.percentile
            result.update(decision_p50_ms=round(pct(times, 0.5), 2),
                          decision_p99_ms=round(pct(times, 0.99), 2))
            app = cloud.apps["compute"]
            if boots:
                seconds, active = boot_many(app, boots)
                result.update(burst_boots=boots, burst_active=active,
                              burst_seconds=round(seconds, 1),
                              boots_per_second=round(boots / seconds, 1))
            if servers:
                fill_cells(cloud, servers)
                result["listing"] = listing(app)
            if outage and kind == "postgresql" and cells > 1:
                down = cloud.cells[-1]
                stop_cell(cloud, urls, down)
                seconds, active = boot_many(app, 50)
                result["one_cell_down"] = dict(
                    listing(app, version="2.69"), boots=50,
                    boots_active=active, boot_seconds=round(seconds, 1))
            return result
        finally:
            cloud.stop()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def main():
    objects.register_all()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layouts", default="10x5000,1x50000",
                        help="cells x hosts per cell, comma separated "
                             "(the hosts are 10 computes' fake nodes)")
    parser.add_argument("--db", choices=["sqlite", "postgresql"],
                        default="postgresql")
    parser.add_argument("--decisions", type=int, default=200)
    parser.add_argument("--boots", type=int, default=1000)
    parser.add_argument("--servers", type=int, default=10000)
    parser.add_argument("--no-outage", action="store_true")
    args = parser.parse_args()
    results = []
    for layout in args.layouts.split(","):
        cells, per_cell = (int(part) for part in layout.split("x"))
        nodes = cells * per_cell // COMPUTE_HOSTS
        result = run_layout(cells, nodes, args.db, args.decisions,
                            args.boots, args.servers, not args.no_outage)
        result["load_average"] = os.getloadavg()
        print(json.dumps(result), flush=True)
        results.append(result)
    path = os.path.join(ROOT, "bench", "results",
                        "cells-scale-%s.json" % args.db)
    with open(path, "w") as out:
        json.dump({"machine": "%d cores, shared with other work"
                   % os.cpu_count(), "results": results}, out, indent=2)
    print("written to", path)


if __name__ == "__main__":
    main()
