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

    python bench/cells_scale.py --mode distributed --layouts 3x300,1x900

--mode distributed runs the same against real processes (see
bench/cells_scale_distributed.py). Results go to
bench/results/cells-scale-<db>.json (distributed:
cells-scale-distributed-postgresql.json), a layout's replacing an
earlier one of the same layout.
"""
import argparse
import functools
import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import sqlalchemy as sa  # noqa: E402
import webob  # noqa: E402

from bench import cells_scale_common as common  # noqa: E402
from bench import cells_scale_distributed  # noqa: E402
from bench import scheduler_scale  # noqa: E402
from stratus.cmd import all_in_one  # noqa: E402
from stratus import conf as stratus_conf  # noqa: E402
from stratus import objects  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POSTGRES = scheduler_scale.POSTGRES
COMPUTE_HOSTS = 10
PROJECT = common.PROJECT


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


def stop_cell(cloud, urls, cell):
    """Its database closed to connections (PostgreSQL) and its conductor
    and computes stopped."""
    common.close_database(urls[cell.name])
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
            request = functools.partial(call, cloud.apps["compute"])
            if boots:
                seconds, active = common.boot_many(request, boots)
                result.update(burst_boots=boots, burst_active=active,
                              burst_seconds=round(seconds, 1),
                              boots_per_second=round(boots / seconds, 1))
            if servers:
                common.fill_cells(request, cloud.databases, cloud.host_cells,
                           servers)
                result["listing"] = common.listing(request)
            if outage and kind == "postgresql" and cells > 1:
                down = cloud.cells[-1]
                stop_cell(cloud, urls, down)
                seconds, active = common.boot_many(request, 50)
                result["one_cell_down"] = dict(
                    common.listing(request, version="2.69"), boots=50,
                    boots_active=active, boot_seconds=round(seconds, 1))
            return result
        finally:
            cloud.stop()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def save(path, result):
    """result in the JSON file at path, replacing an earlier one of the
    same layout (cells and hosts)."""
    results = []
    if os.path.exists(path):
        with open(path) as handle:
            results = json.load(handle)["results"]
    results = [earlier for earlier in results
               if (earlier["cells"], earlier["hosts"])
               != (result["cells"], result["hosts"])] + [result]
    with open(path, "w") as out:
        json.dump({"machine": "%d cores, shared with other work"
                   % os.cpu_count(), "results": results}, out, indent=2)


def main():
    objects.register_all()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["inprocess", "distributed"],
                        default="inprocess",
                        help="distributed: bench/deploy.py's processes, "
                             "a database, virtual host and conductor a "
                             "cell (PostgreSQL and RabbitMQ only)")
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
    name = ("distributed-postgresql" if args.mode == "distributed"
            else args.db)
    path = os.path.join(ROOT, "bench", "results",
                        "cells-scale-%s.json" % name)
    for layout in args.layouts.split(","):
        cells, per_cell = (int(part) for part in layout.split("x"))
        if args.mode == "distributed":
            result = cells_scale_distributed.run_layout(cells, per_cell,
                                                        args)
        else:
            nodes = cells * per_cell // COMPUTE_HOSTS
            result = run_layout(cells, nodes, args.db, args.decisions,
                                args.boots, args.servers,
                                not args.no_outage)
            result["load_average"] = os.getloadavg()
        print(json.dumps(result), flush=True)
        save(path, result)
    print("written to", path)


if __name__ == "__main__":
    main()
