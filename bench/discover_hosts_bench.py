"""Host discovery at scale: `stratus manage cell_v2 discover_hosts` (and
the scheduler's periodic discovery, the same code) over --cells cells of
--hosts unmapped compute hosts each (--nodes fake nodes per host), half
of the hosts listed in a host aggregate whose placement aggregate their
providers join:

- first run: every host new (mapped, nodes marked, aggregates joined);
- idle run: nothing new, what each periodic run costs afterwards;
- one more host per cell: a run that maps a few.

    python bench/discover_hosts_bench.py                 # 10 cells x 500
    python bench/discover_hosts_bench.py --db postgresql --cells 10 --hosts 5000

Results go to bench/results/discover-hosts-<db>.json.
"""
import argparse
import json
import os
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import cells_scale  # noqa: E402
from stratus import context as stratus_context  # noqa: E402
from stratus.db import migration  # noqa: E402
from stratus.db import setup as db_setup  # noqa: E402
from stratus import objects  # noqa: E402
from stratus.objects import aggregate as aggregate_obj  # noqa: E402
from stratus.objects import compute_node as compute_node_obj  # noqa: E402
from stratus.objects import host_mapping as host_mapping_obj  # noqa: E402
from stratus.placement import providers  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def register(ctx, cell_uuid, host, nodes):
    """A host's nodes in its cell and their providers, with no mapping."""
    stored = compute_node_obj.ComputeNodeList.update_host(
        ctx, cell_uuid, host, None, [compute_node_obj.ComputeNode(
            hypervisor_hostname="%s-%d" % (host, index), vcpus=8,
            memory_mb=16384, local_gb=100, hypervisor_type="fake",
            hypervisor_version=1) for index in range(nodes)])
    providers.ensure_root_providers(ctx, {
        node.uuid: (node.hypervisor_hostname, {}) for node in stored})


def timed(ctx):
    start = time.perf_counter()
    created = host_mapping_obj.discover_hosts(ctx)
    return len(created), round(time.perf_counter() - start, 3)


def run(kind, cells, hosts, nodes):
    with tempfile.TemporaryDirectory(prefix="stratus-discover-") as tmp:
        urls = cells_scale.database_urls(kind, tmp, cells)
        databases = db_setup.setup_cloud_databases(
            urls["api"], urls["cell0"], urls["cell1"])
        for index in range(2, cells + 1):
            migration.upgrade("cell", urls["cell%d" % index])
            db_setup.ensure_cell_mapping(databases, "cell%d" % index,
                                         urls["cell%d" % index])
        ctx = stratus_context.get_admin_context(databases)
        cell_uuids = [cell.uuid for cell in objects.cell_mapping
                      .CellMappingList.get_all(ctx).host_cells()]
        aggregate = aggregate_obj.Aggregate(ctx, uuid=str(uuid.uuid4()),
                                            name="half")
        aggregate.create()
        start = time.perf_counter()
        for cell_index, cell_uuid in enumerate(cell_uuids):
            for host_index in range(hosts):
                host = "c%d-h%d" % (cell_index + 1, host_index)
                register(ctx, cell_uuid, host, nodes)
                if host_index % 2 == 0:
                    aggregate.add_host(host)
        setup_seconds = round(time.perf_counter() - start, 1)
        first = timed(ctx)
        idle = timed(ctx)
        for cell_index, cell_uuid in enumerate(cell_uuids):
            register(ctx, cell_uuid, "c%d-late" % (cell_index + 1), nodes)
        few = timed(ctx)
        databases.dispose()
    return {"db": kind, "cells": cells, "hosts_per_cell": hosts,
            "nodes_per_host": nodes, "setup_s": setup_seconds,
            "first_run": {"mapped": first[0], "seconds": first[1]},
            "idle_run": {"mapped": idle[0], "seconds": idle[1]},
            "few_new_run": {"mapped": few[0], "seconds": few[1]}}


def main():
    objects.register_all()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"],
                        default="sqlite")
    parser.add_argument("--cells", type=int, default=10)
    parser.add_argument("--hosts", type=int, default=500,
                        help="unmapped hosts per cell")
    parser.add_argument("--nodes", type=int, default=1,
                        help="nodes per host")
    args = parser.parse_args()
    result = run(args.db, args.cells, args.hosts, args.nodes)
    result["load_average"] = [round(value, 2) for value in os.getloadavg()]
    print(json.dumps(result, indent=2), flush=True)
    path = os.path.join(ROOT, "bench", "results",
                        "discover-hosts-%s.json" % args.db)
    with open(path, "w") as out:
        json.dump({"machine": "%d cores, shared with other work"
                   % os.cpu_count(), "results": [result]}, out, indent=2)


if __name__ == "__main__":
    main()
