"""Listing servers across many cells: N cell databases (SQLite files, or
databases on the PostgreSQL / MariaDB server given) with S servers each,
one project's, then GET /servers/detail through the Compute API in
process: the first page, and a page deep in the list (marker at about
90% of the default order, newest first), p50 and p99 over the runs.

    python bench/cells_list_bench.py --cells 10 --servers 1000 \\
        [--db postgresql+psycopg2://postgres@127.0.0.1] [--limit 1000]

Prints a table and writes
bench/results/cells-list-<N>x<S>-<database>.json.
"""
import argparse
import datetime
import json
import os
import statistics
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import sqlalchemy as sa  # noqa: E402
import webob  # noqa: E402

from bench import medians  # noqa: E402
from stratus.api.compute import app as compute_app  # noqa: E402
from stratus.api.image import app as image_app  # noqa: E402
from stratus import conf as stratus_conf  # noqa: E402
from stratus import context as stratus_context  # noqa: E402
from stratus.db import api_models  # noqa: E402
from stratus.db import cell_models  # noqa: E402
from stratus.db import migration  # noqa: E402
from stratus.db import setup as db_setup  # noqa: E402
from stratus.image import bootstrap as image_bootstrap  # noqa: E402
from stratus.image import client as image_client  # noqa: E402
from stratus.objects import fields  # noqa: E402
from stratus.objects import flavor as flavor_obj  # noqa: E402
from stratus.objects import instance as instance_obj  # noqa: E402
from stratus import rpc  # noqa: E402

START = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
# The rows a server has in its cell, copied from one made the usual way.
COPIED = (cell_models.Instance.__table__,
          cell_models.InstanceExtra.__table__,
          cell_models.InstanceInfoCache.__table__)
MAPPINGS = api_models.InstanceMapping.__table__


def database_url(server, tmp, name):
    """A new empty database named name: a SQLite file in tmp, or on the
    server (an admin URL without a database)."""
    if server is None:
        return "sqlite:///%s/%s.db" % (tmp, name)
    if server.startswith("postgresql"):
        engine = sa.create_engine(server + "/postgres",
                                  isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql('DROP DATABASE IF EXISTS "%s" WITH (FORCE)'
                                 % name)
            conn.exec_driver_sql('CREATE DATABASE "%s"' % name)
        engine.dispose()
        return "%s/%s" % (server, name)
    engine = sa.create_engine(server)
    with engine.connect() as conn:
        conn.exec_driver_sql("DROP DATABASE IF EXISTS `%s`" % name)
        conn.exec_driver_sql("CREATE DATABASE `%s` CHARACTER SET utf8mb4 "
                             "COLLATE utf8mb4_bin" % name)
    engine.dispose()
    return "%s/%s?charset=utf8mb4" % (server, name)


def populate(ctx, databases, cells, per_cell):
    """per_cell servers of project demo in each cell, created one second
    apart round-robin over the cells; their uuids, oldest first."""
    flavor = flavor_obj.Flavor.get_by_flavor_id(ctx, "1")
    total = per_cell * len(cells)
    uuids = [str(uuid.uuid4()) for _ in range(total)]
    for position, (cell_id, cell_uuid) in enumerate(cells):
        with ctx.target_cell(cell_uuid) as cctx:
            template = instance_obj.Instance(
                uuid=str(uuid.uuid4()), display_name="template",
                hostname="template", project_id="bench-template",
                user_id="demo",
                image_ref=image_bootstrap.DEFAULT_IMAGE_ID,
                vm_state=fields.VMState.ACTIVE,
                power_state=fields.PowerState.RUNNING, host="compute1",
                node="compute1", flavor=flavor, instance_type_id=flavor.id,
                memory_mb=flavor.memory_mb, vcpus=flavor.vcpus,
                root_gb=flavor.root_gb, ephemeral_gb=flavor.ephemeral_gb,
                launch_index=0, reservation_id="r-bench")
            template.create(cctx)
        mine = list(range(position, total, len(cells)))
        database = databases.cell(cell_uuid)
        with database.writer() as session:
            for table in COPIED:
                key = (table.c.uuid if table.name == "instances"
                       else table.c.instance_uuid)
                row = dict(session.execute(sa.select(table).where(
                    key == template.uuid)).mappings().one())
                row.pop("id", None)
                rows = []
                for index in mine:
                    copy = dict(row)
                    if table.name == "instances":
                        copy.update(uuid=uuids[index], project_id="demo",
                                    display_name="vm-%05d" % index,
                                    hostname="vm-%05d" % index,
                                    created_at=START + datetime.timedelta(
                                        seconds=index),
                                    updated_at=START + datetime.timedelta(
                                        seconds=index))
                    else:
                        copy["instance_uuid"] = uuids[index]
                    rows.append(copy)
                for start in range(0, len(rows), 1000):
                    session.execute(table.insert(), rows[start:start + 1000])
        with databases.api.writer() as session:
            rows = [{"instance_uuid": uuids[index], "cell_id": cell_id,
                     "project_id": "demo", "user_id": "demo",
                     "queued_for_delete": False} for index in mine]
            for start in range(0, len(rows), 1000):
                session.execute(MAPPINGS.insert(), rows[start:start + 1000])
    return uuids


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction
                                                    * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cells", type=int, default=10)
    parser.add_argument("--servers", type=int, default=1000,
                        help="servers per cell")
    parser.add_argument("--db", help="database server admin URL, e.g. "
                        "postgresql+psycopg2://postgres@127.0.0.1 "
                        "(default: SQLite files)")
    parser.add_argument("--limit", type=int, default=1000,
                        help="page size (Nova's default [api] max_limit)")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="stratus-bench-")
    prefix = "stratus_bench_cells_"
    url = lambda name: database_url(args.db, tmp, prefix + name)  # noqa: E731
    cell_urls = [url("cell%d" % k) for k in range(1, args.cells + 1)]
    databases = db_setup.setup_cloud_databases(url("api"), url("cell0"),
                                               cell_urls[0])
    for k, cell_url in enumerate(cell_urls[1:], start=2):
        migration.upgrade("cell", cell_url)
        db_setup.ensure_cell_mapping(databases, "cell%d" % k, cell_url)
    conf = stratus_conf.build_conf(overrides={
        ("api", "auth_strategy"): "noauth",
        ("glance", "store_dir"): os.path.join(tmp, "images")})
    ctx = stratus_context.get_admin_context(databases)
    flavor_obj.Flavor.ensure_defaults(ctx)
    image_bootstrap.ensure_default_images(conf, databases)
    with databases.api.reader() as session:
        cells = [tuple(row) for row in session.execute(sa.select(
            api_models.CellMapping.id, api_models.CellMapping.uuid).where(
            api_models.CellMapping.name != "cell0").order_by(
            api_models.CellMapping.id))]
    began = time.perf_counter()
    uuids = populate(ctx, databases, cells, args.servers)
    print("placed %d servers in %d cells in %.1f s" % (
        len(uuids), len(cells), time.perf_counter() - began))
    for database in [databases.api] + [databases.cell(c) for _, c in cells]:
        if database.engine.dialect.name == "postgresql":
            # What autovacuum does soon after a bulk load in a real cloud.
            with database.engine.connect() as connection:
                connection.exec_driver_sql("ANALYZE")
                connection.commit()
    messaging = rpc.Messaging(conf, url=rpc.IN_PROCESS_URL)
    app = compute_app.ComputeApp(
        conf, databases, messaging, image_api=image_client.ImageAPI(
            direct_app=image_app.make_app(conf, databases)))
    # Newest first: the server at 90% of the list is the one created at
    # 10% of the way.
    position = int(len(uuids) * 0.9)
    deep = uuids[len(uuids) - 1 - position]
    after_deep = len(uuids) - 1 - position
    cases = {
        "first page": ("/v2.1/servers/detail?limit=%d" % args.limit,
                       min(args.limit, len(uuids))),
        "deep page (90%)": ("/v2.1/servers/detail?limit=%d&marker=%s"
                            % (args.limit, deep), min(args.limit, after_deep)),
        "first page, 100": ("/v2.1/servers/detail?limit=100", 100),
        "deep page, 100": ("/v2.1/servers/detail?limit=100&marker=%s"
                           % deep, min(100, after_deep)),
    }
    figures = {}
    for name, (path, expected) in cases.items():
        times = []
        for run in range(args.runs + 2):   # the first two warm up
            request = webob.Request.blank(path, headers={
                "X-Auth-Token": "demo:demo",
                "OpenStack-API-Version": "compute 2.100"})
            started = time.perf_counter()
            response = request.get_response(app)
            if run >= 2:
                times.append(time.perf_counter() - started)
            assert response.status_int == 200, response.text
            assert len(response.json["servers"]) == expected, (
                name, len(response.json["servers"]))
        figures[name] = {
            "p50_ms": round(statistics.median(times) * 1000, 1),
            "p99_ms": round(percentile(times, 0.99) * 1000, 1),
            "min_ms": round(min(times) * 1000, 1),
            "max_ms": round(max(times) * 1000, 1),
            "servers_shown": expected}
    backend = databases.api.engine.dialect.name
    print("GET /servers/detail, %d cells x %d servers (%s), %d runs" % (
        len(cells), args.servers, backend, args.runs))
    print("%-20s %9s %9s %9s %7s" % ("case", "p50 ms", "p99 ms", "max ms",
                                      "shown"))
    for name, figure in figures.items():
        print("%-20s %9.1f %9.1f %9.1f %7d" % (
            name, figure["p50_ms"], figure["p99_ms"], figure["max_ms"],
            figure["servers_shown"]))
    os.makedirs(medians.RESULTS, exist_ok=True)
    out = os.path.join(medians.RESULTS, "cells-list-%dx%d-%s.json" % (
        len(cells), args.servers, backend))
    with open(out, "w") as handle:
        json.dump({"cells": len(cells), "servers_per_cell": args.servers,
                   "database": backend, "runs": args.runs,
                   "load_average": os.getloadavg(), "figures": figures},
                  handle, indent=2, sort_keys=True)
        handle.write("\n")
    print("wrote", out)
    messaging.cleanup()
    databases.dispose()


if __name__ == "__main__":
    main()
