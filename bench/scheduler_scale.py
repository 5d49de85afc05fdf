"""Scheduler at scale: one fake compute simulating N hypervisor nodes.

For each size: the time to register the nodes (compute start until every
node is a compute node with its resource provider), the scheduling
decision time (SchedulerManager.select_destinations called in-process
with a RequestSpec, p50 and p99; the first decision right after the
registration, the others once it has settled, --settle seconds later),
the process's memory (RSS) after
registration and after the decisions, and at 10,000 hosts (or the largest
size below) a burst of boots through the Compute API (in-process WSGI).

    python bench/scheduler_scale.py                       # 100,1000,10000
    python bench/scheduler_scale.py --sizes 50000 --boots 0
    python bench/scheduler_scale.py --db postgresql        # 127.0.0.1

Everything runs in this process (the all-in-one Cloud, in-process RPC),
so the RSS is the whole control plane's. Results are merged by size into
bench/results/scheduler-scale.json; docs/scheduler-scale.png is drawn
from that file (the SQLite series).
"""
import argparse
import concurrent.futures
import gc
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import psutil  # noqa: E402
import sqlalchemy as sa  # noqa: E402
import webob  # noqa: E402

from bench import png_chart  # noqa: E402
from stratus.cmd import all_in_one  # noqa: E402
from stratus import conf as stratus_conf  # noqa: E402
from stratus.image import bootstrap as image_bootstrap  # noqa: E402
from stratus import objects  # noqa: E402
from stratus.objects import flavor as flavor_obj  # noqa: E402
from stratus.objects import request_spec as request_spec_obj  # noqa: E402
from stratus.placement import allocations  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "bench", "results", "scheduler-scale.json")
CHART = os.path.join(ROOT, "docs", "scheduler-scale.png")
POSTGRES = "postgresql+psycopg2://postgres@127.0.0.1:5432/"
BURST_THREADS = 10


def rss_mib():
    return psutil.Process().memory_info().rss / 2**20


def database_urls(kind, data_dir):
    if kind == "sqlite":
        return {name: "sqlite:///" + os.path.join(data_dir, name + ".db")
                for name in ("api", "cell0", "cell1")}
    engine = sa.create_engine(POSTGRES + "postgres",
                              isolation_level="AUTOCOMMIT")
    urls = {}
    with engine.connect() as connection:
        for name in ("api", "cell0", "cell1"):
            database = "stratus_scale_%s" % name
            connection.execute(sa.text("DROP DATABASE IF EXISTS %s"
                                       % database))
            connection.execute(sa.text("CREATE DATABASE %s" % database))
            urls[name] = POSTGRES + database
    engine.dispose()
    return urls


def start_cloud(size, kind, data_dir, placement_results=None):
    conf = stratus_conf.build_conf()
    if placement_results:
        conf.set_override("max_placement_results", placement_results,
                          group="scheduler")
        conf.set_override("randomize_allocation_candidates", True,
                          group="placement")
    urls = database_urls(kind, data_dir)
    conf.set_override("connection", urls["api"], group="api_database")
    conf.set_override("connection", urls["cell1"], group="database")
    all_in_one.configure(conf, data_dir, auth="noauth", nodes=size, hosts=1)
    # The decision is what is measured: no periodic full report meanwhile.
    conf.set_override("update_resources_interval", 3600)
    for name in ("instances", "cores", "ram"):
        conf.set_override(name, -1, group="quota")
    cloud = all_in_one.Cloud(conf, data_dir, serve_http=False,
                             cell0_url=urls["cell0"])
    cloud.bootstrap()
    return conf, cloud


def request_spec(flavor):
    return request_spec_obj.RequestSpec(
        flavor=flavor, image=None, project_id="bench", user_id="bench",
        scheduler_hints={}, instance_uuid=str(uuid.uuid4()))


def measure_decisions(cloud, count):
    """Decision times in ms; each claim is removed after it is timed, so
    every decision sees the same free capacity."""
    service = next(s for s in cloud.services
                   if s.binary == "nova-scheduler")
    scheduler = service.manager
    ctx = service.context()
    flavor = flavor_obj.Flavor(
        id=1, flavorid="1", name="m1.tiny", vcpus=1, memory_mb=512,
        root_gb=1, ephemeral_gb=0, swap=0, extra_specs={})
    times = []
    for _ in range(count):
        spec = request_spec(flavor)
        started = time.perf_counter()
        scheduler.select_destinations(ctx, spec, [spec.instance_uuid])
        times.append((time.perf_counter() - started) * 1000)
        allocations.remove_consumer(ctx, spec.instance_uuid)
    return times


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def boot_burst(cloud, count):
    """Seconds from the first create until all count servers are ACTIVE,
    created by BURST_THREADS clients through the Compute API."""
    app = cloud.apps["compute"]

    def call(method, path, body=None):
        req = webob.Request.blank("/v2.1" + path, method=method, headers={
            "X-Auth-Token": "admin:admin",
            "OpenStack-API-Version": "compute 2.80"})
        if body is not None:
            req.body = json.dumps(body).encode()
            req.content_type = "application/json"
        response = req.get_response(app)
        return response.status_int, (response.json if response.body
                                     else None)

    def boot(index):
        code, body = call("POST", "/servers", {"server": {
            "name": "burst-%d" % index, "flavorRef": "1",
            "imageRef": image_bootstrap.DEFAULT_IMAGE_ID,
            "networks": "none"}})
        if code != 202:
            raise RuntimeError("create gave %s: %s" % (code, body))
        server_id = body["server"]["id"]
        while True:
            code, body = call("GET", "/servers/%s" % server_id)
            status = body["server"]["status"]
            if status == "ACTIVE":
                return server_id
            if status == "ERROR":
                raise RuntimeError("server went to ERROR: %s" % body)
            time.sleep(0.05)

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(BURST_THREADS) as pool:
        list(pool.map(boot, range(count)))
    return time.perf_counter() - started


def run_size(size, kind, decisions, boots, placement_results=None,
             settle=0.0):
    data_dir = tempfile.mkdtemp(prefix="stratus-scale-")
    try:
        conf, cloud = start_cloud(size, kind, data_dir, placement_results)
        gc.collect()
        rss_before = rss_mib()
        started = time.perf_counter()
        cloud.start()
        registration = time.perf_counter() - started
        try:
            gc.collect()
            rss_registered = rss_mib()
            first = measure_decisions(cloud, 1)[0]
            # The scheduler's host cache re-reads the nodes written within
            # its in-flight margin (10 s) of the latest change: right after
            # registering thousands of nodes, each refresh reads them all.
            time.sleep(settle)
            times = measure_decisions(cloud, decisions)
            gc.collect()
            result = {
                "hosts": size, "database": kind,
                "registration_seconds": round(registration, 2),
                "first_decision_ms": round(first, 1),
                "decision_p50_ms": round(percentile(times, 0.50), 2),
                "decision_p99_ms": round(percentile(times, 0.99), 2),
                "decision_mean_ms": round(statistics.mean(times), 2),
                "decisions": len(times),
                "settle_seconds": settle,
                "max_placement_results":
                    conf.scheduler.max_placement_results,
                "randomize_allocation_candidates":
                    conf.placement.randomize_allocation_candidates,
                "rss_mib_before_start": round(rss_before),
                "rss_mib_registered": round(rss_registered),
                "rss_mib_after_decisions": round(rss_mib()),
            }
            if boots:
                seconds = boot_burst(cloud, boots)
                result.update(burst_boots=boots,
                              burst_seconds=round(seconds, 2),
                              boots_per_second=round(boots / seconds, 1))
            return result
        finally:
            cloud.stop()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


ROWS = (("hosts", "%d"), ("registration_seconds", "%.1f s"),
        ("first_decision_ms", "%.0f ms"), ("decision_p50_ms", "%.1f ms"),
        ("decision_p99_ms", "%.1f ms"), ("rss_mib_registered", "%d MiB"),
        ("rss_mib_after_decisions", "%d MiB"),
        ("boots_per_second", "%.1f /s"))


def _key(result):
    return (result["database"], result["max_placement_results"],
            result["hosts"])


def _series(result):
    return "%s, %d candidates" % (result["database"],
                                  result["max_placement_results"])


def print_table(results):
    print("%-24s" % "series" + "".join(
        "%12s" % ("%s/%d" % (r["database"][:2], r["max_placement_results"]))
        for r in results))
    print("  ".join("%-24s" % name for name, _ in ROWS[:1]) + "".join(
        "%12d" % r["hosts"] for r in results))
    for name, fmt in ROWS[1:]:
        print("%-24s" % name + "".join(
            "%12s" % (fmt % r[name] if name in r else "-")
            for r in results))


COLORS = ((31, 119, 180), (214, 39, 40), (44, 160, 44), (148, 103, 189))


def draw(results, path):
    """p50 (solid) and p99 lines of each series (database, candidates)."""
    series = []
    names = sorted({_series(r) for r in results})
    for index, name in enumerate(names):
        points = [r for r in results if _series(r) == name]
        color = COLORS[index % len(COLORS)]
        short = "%d" % points[0]["max_placement_results"]
        series.append(("p50 " + short, color, [
            (r["hosts"], r["decision_p50_ms"]) for r in points]))
        series.append(("p99 " + short, tuple(
            (c + 255) // 2 for c in color), [
            (r["hosts"], r["decision_p99_ms"]) for r in points]))
    png_chart.line_chart(
        path, series, x_ticks=[100, 1000, 10000, 50000],
        y_label="decision (ms)", x_label="hosts (log)",
        title="scheduler decision time, by candidates asked of placement")


def main():
    objects.register_all()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000",
                        help="host counts, comma separated (up to 50000)")
    parser.add_argument("--db", choices=["sqlite", "postgresql"],
                        default="sqlite")
    parser.add_argument("--decisions", type=int, default=200)
    parser.add_argument("--max-placement-results", type=int,
                        help="[scheduler] max_placement_results, with "
                             "randomize_allocation_candidates (default: "
                             "the option's default, 1000, not randomized)")
    parser.add_argument("--boots", type=int, default=200,
                        help="burst of boots at the size nearest 10,000 "
                             "(0: none)")
    parser.add_argument("--settle", type=float, default=12.0,
                        help="seconds between the first decision and the "
                             "measured ones (the host cache's in-flight "
                             "margin is 10 s)")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    burst_size = min(sizes, key=lambda size: abs(size - 10000))
    results = []
    for size in sizes:
        result = run_size(size, args.db, args.decisions,
                          args.boots if size == burst_size else 0,
                          args.max_placement_results, args.settle)
        print(json.dumps(result), flush=True)
        results.append(result)
    stored = {}
    if os.path.exists(RESULTS):
        with open(RESULTS) as existing:
            stored = {_key(r): r for r in json.load(existing)["results"]}
    for result in results:
        stored[_key(result)] = result
    merged = sorted(stored.values(), key=_key)
    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    with open(RESULTS, "w") as out:
        json.dump({"machine": "%d cores, shared with other work"
                   % os.cpu_count(), "results": merged}, out, indent=2)
    print_table(merged)
    # The chart shows one database: SQLite, the all-in-one's, if measured.
    database = ("sqlite" if any(r["database"] == "sqlite" for r in merged)
                else merged[0]["database"])
    draw([r for r in merged if r["database"] == database], CHART)


if __name__ == "__main__":
    main()
