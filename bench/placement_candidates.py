"""Allocation candidates at scale: N compute-node providers (VCPU,
MEMORY_MB, DISK_GB, a few traits, one aggregate in ten), then the time of
find_candidates for a plain request, with limit=50, with a required and a
forbidden trait, and through GET /allocation_candidates.

    python bench/placement_candidates.py --providers 50000 [--db URL]

Prints a table and writes
bench/results/placement-candidates-<N>-<database>.json.
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import webob  # noqa: E402

from stratus.api.placement import app as placement_app  # noqa: E402
from stratus import conf as stratus_conf  # noqa: E402
from stratus import context as stratus_context  # noqa: E402
from stratus.db import api_models  # noqa: E402
from stratus.db import setup as db_setup  # noqa: E402
from stratus.placement import candidates  # noqa: E402
from stratus.placement import resource_classes  # noqa: E402
from stratus.placement import traits  # noqa: E402

P = api_models.ResourceProvider.__table__
INV = api_models.Inventory.__table__
RPT = api_models.ResourceProviderTrait.__table__
AGG = api_models.PlacementAggregate.__table__
RPA = api_models.ResourceProviderAggregate.__table__


def populate(ctx, count):
    traits.ensure_standard_traits(ctx)
    aggregate = str(uuid.uuid4())
    with ctx.api_db.writer() as session:
        trait_ids = traits.ids_of(session, [
            "HW_CPU_X86_AVX2", "HW_CPU_X86_SSE", "COMPUTE_STATUS_DISABLED"])
        class_ids = resource_classes.ids_of(
            session, ["VCPU", "MEMORY_MB", "DISK_GB"])
        aggregate_id = session.execute(AGG.insert().values(
            uuid=aggregate)).inserted_primary_key[0]
        for start in range(0, count, 5000):
            ids = range(start + 1, min(count, start + 5000) + 1)
            session.execute(P.insert(), [
                {"id": i, "uuid": str(uuid.uuid4()), "name": "node-%d" % i,
                 "generation": 1, "root_provider_id": i} for i in ids])
            session.execute(INV.insert(), [
                {"resource_provider_id": i, "resource_class_id": class_ids[c],
                 "total": total, "reserved": 0, "min_unit": 1,
                 "max_unit": total, "step_size": 1, "allocation_ratio": ratio}
                for i in ids for c, total, ratio in (
                    ("VCPU", 64, 4.0), ("MEMORY_MB", 262144, 1.0),
                    ("DISK_GB", 2000, 1.0))])
            session.execute(RPT.insert(), [
                {"resource_provider_id": i, "trait_id": trait_ids[name]}
                for i in ids for name in (
                    ["HW_CPU_X86_SSE"] + (["HW_CPU_X86_AVX2"] if i % 2 else [])
                    + (["COMPUTE_STATUS_DISABLED"] if i % 100 == 0 else []))])
            session.execute(RPA.insert(), [
                {"resource_provider_id": i, "aggregate_id": aggregate_id}
                for i in ids if i % 10 == 0])
    return aggregate


def timed(func, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--providers", type=int, default=10000)
    parser.add_argument("--db", help="API database URL (default: SQLite)")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="stratus-bench-")
    api_url = args.db or "sqlite:///%s/api.db" % tmp
    databases = db_setup.setup_cloud_databases(
        api_url, "sqlite:///%s/cell0.db" % tmp, "sqlite:///%s/cell1.db" % tmp)
    ctx = stratus_context.get_admin_context(databases)
    aggregate = populate(ctx, args.providers)
    if databases.api.engine.dialect.name == "postgresql":
        # What autovacuum does soon after a bulk load in a real cloud.
        with databases.api.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
    group = candidates.RequestGroup
    cases = {
        "plain": candidates.CandidateQuery([group(resources={
            "VCPU": 2, "MEMORY_MB": 4096, "DISK_GB": 20})]),
        "limit 50": candidates.CandidateQuery([group(resources={
            "VCPU": 2, "MEMORY_MB": 4096, "DISK_GB": 20})], limit=50),
        "traits, limit 50": candidates.CandidateQuery([group(
            resources={"VCPU": 2, "MEMORY_MB": 4096},
            required=[{"HW_CPU_X86_AVX2"}])], limit=50,
            root_forbidden={"COMPUTE_STATUS_DISABLED"}),
        "member_of, limit 50": candidates.CandidateQuery([group(
            resources={"VCPU": 2}, member_of=[{aggregate}])], limit=50),
    }
    figures = {}
    for name, request in cases.items():
        seconds, found = timed(lambda: candidates.find_candidates(ctx, request))
        figures[name] = {"median_ms": round(seconds * 1000, 1),
                         "candidates": len(found.allocation_requests)}
    conf = stratus_conf.build_conf(overrides={("api", "auth_strategy"):
                                              "noauth"})
    app = placement_app.make_app(conf, databases)

    def http():
        return webob.Request.blank(
            "/allocation_candidates?resources=VCPU:2,MEMORY_MB:4096&limit=50",
            headers={"X-Auth-Token": "admin:admin",
                     "OpenStack-API-Version": "placement 1.39"}
        ).get_response(app)
    seconds, response = timed(http)
    figures["GET limit 50"] = {"median_ms": round(seconds * 1000, 1),
                               "candidates": len(response.json[
                                   "allocation_requests"])}
    backend = api_url.split(":")[0].split("+")[0]
    print("%d providers (%s)" % (args.providers, backend))
    for name, figure in figures.items():
        print("  %-22s %8.1f ms  %6d candidates" % (
            name, figure["median_ms"], figure["candidates"]))
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results",
                       "placement-candidates-%d-%s.json" % (args.providers,
                                                             backend))
    with open(out, "w") as handle:
        json.dump({"providers": args.providers, "database": backend,
                   "figures": figures}, handle, indent=2)
    databases.dispose()


if __name__ == "__main__":
    main()
