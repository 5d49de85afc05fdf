"""Idle and burst costs of a many-cell distributed deployment, in one
deployment: CPU per process group and SQL statements per process while
idle, then per boot for a burst polled with a GET per server per thread
and for one polled with a list of the servers still building (the two
methods of boot_bench.py --burst-poll).

    python bench/cells_idle_burst.py --cells 10 --count 100 --idle 30
    python bench/cells_idle_burst.py --cells 1 --names all --no-yappi \
        --polls list

Statements and the messages published to RabbitMQ are counted inside
the services (STRATUS_PROFILE_DIR, see stratus/cmd/profiling.py; with
yappi installed a CPU profile is taken too, unless --no-yappi, which
slows the profiled services: compare runs of this script with each
other, not with boot_bench.py). --names all counts in every service
(the computes and cell conductors too), and adds the messages of all of
them by kind, topic and method ("messages_by_label"). Writes
bench/results/cells-idle-burst.json.
"""
import argparse
import collections
import concurrent.futures
import json
import os
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import boot_bench  # noqa: E402
from bench import deploy  # noqa: E402
from bench.http_client import Client  # noqa: E402
from stratus.cmd import profiling  # noqa: E402

PROFILED = ("api", "conductor", "scheduler", "cell1-conductor")


def _toggle(cloud, names):
    for name in names:
        os.kill(cloud.processes[name].pid, signal.SIGUSR2)


def _statements(cloud, names, directory, divisor, labels=None,
                raw=None):
    """{process: {"api": statements, "cells": statements, "checkouts": n,
    "messages": published}} divided by divisor, from the counts the
    services wrote; labels: a Counter the messages are added to by label
    (undivided); raw: a dict given each process's counts as written
    (database and first word), divided by divisor."""
    found = {}
    for name in names:
        path = os.path.join(directory,
                            "%d.statements.json" % cloud.processes[name].pid)
        deadline = time.monotonic() + 60
        while not os.path.exists(path) and time.monotonic() < deadline:
            time.sleep(0.5)
        with open(path) as handle:
            counts = json.load(handle)
        os.remove(path)
        if raw is not None:
            raw[name] = {key: round(number / divisor, 3)
                         for key, number in sorted(counts.items())}
        by_kind = collections.Counter()
        for key, number in counts.items():
            if key == "pool checkouts":
                by_kind["checkouts"] += number
            elif key.startswith(profiling.MESSAGES):
                by_kind["messages"] += number
                if labels is not None:
                    labels[key[len(profiling.MESSAGES):]] += number
            else:
                database = key.split(" ")[0]
                by_kind["api" if "_api_" in database else "cells"] += number
        found[name] = {kind: round(number / divisor, 2)
                       for kind, number in by_kind.items()}
    return found


def _burst(cloud, client, image, count, method):
    """(boots/s, {group: core-s per boot}) of count boots polled by
    method ("each" or "list"); the servers deleted after."""
    before = cloud.cpu_snapshot()
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        ids = list(pool.map(lambda i: boot_bench.create(
            client, "burst-%s-%d" % (method, i), image), range(count)))
        if method == "each":
            list(pool.map(lambda sid: boot_bench.wait_status(
                client, sid, poll=boot_bench.BURST_POLL), ids))
        else:
            boot_bench.wait_all_active(client, ids)
    elapsed = time.perf_counter() - start
    spent = cloud.cpu_by_group(before, cloud.cpu_snapshot())
    return ids, count / elapsed, {group: round(seconds / count, 4)
                                  for group, seconds in sorted(spent.items())}


def main():
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cells", type=int, default=10)
    parser.add_argument("--computes", type=int, default=10)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--idle", type=int, default=30,
                        help="seconds measured idle")
    parser.add_argument("--names", default=",".join(PROFILED),
                        help="comma-separated services to count in (and "
                             "profile), or 'all'")
    parser.add_argument("--no-yappi", action="store_true",
                        help="count only, no CPU profile")
    parser.add_argument("--polls", default="each,list",
                        help="the bursts, by how they wait (each, list)")
    parser.add_argument("--output", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "results",
        "cells-idle-burst.json"))
    args = parser.parse_args()
    if args.no_yappi:
        os.environ[profiling.CPU_ENV] = "0"
    directory = tempfile.mkdtemp(prefix="stratus-profile-")
    results = {"cells": args.cells, "computes": args.computes,
               "count": args.count, "loadavg_start": os.getloadavg()}
    with deploy.start("distributed", computes=args.computes, nodes=1,
                      cells=args.cells, profile_dir=directory) as cloud:
        names = ([name for name in args.names.split(",")
                  if name in cloud.processes] if args.names != "all"
                 else sorted(cloud.processes))
        client = Client(cloud.compute_url)
        _, body = client.request("GET", "/images", version="2.35")
        image = body["images"][0]["id"]
        boot_bench.one_boot(client, image, -1)
        _toggle(cloud, names)
        before = cloud.cpu_snapshot()
        time.sleep(args.idle)
        spent = cloud.cpu_by_group(before, cloud.cpu_snapshot())
        _toggle(cloud, names)
        results["idle_core_s_per_s"] = {
            group: round(seconds / args.idle, 4)
            for group, seconds in sorted(spent.items())}
        labels = collections.Counter()
        results["idle_statements_per_s"] = _statements(
            cloud, names, directory, args.idle, labels)
        results["idle_messages_by_label_per_s"] = {
            label: round(number / args.idle, 3)
            for label, number in sorted(labels.items())}
        for method in args.polls.split(","):
            results["loadavg_" + method] = os.getloadavg()
            _toggle(cloud, names)
            ids, rate, per_boot = _burst(cloud, client, image, args.count,
                                         method)
            _toggle(cloud, names)
            labels = collections.Counter()
            raw = results["burst_%s_statements_by_word" % method] = {}
            results["burst_" + method] = {
                "boots_per_s": round(rate, 2), "core_s_per_boot": per_boot,
                "core_s_per_boot_all": round(sum(per_boot.values()), 4),
                "statements_per_boot": _statements(cloud, names, directory,
                                                   args.count, labels, raw),
                "messages_by_label_per_boot": {
                    label: round(number / args.count, 3)
                    for label, number in sorted(labels.items())}}
            with concurrent.futures.ThreadPoolExecutor(10) as pool:
                list(pool.map(lambda sid: client.request(
                    "DELETE", "/servers/%s" % sid), ids))
                list(pool.map(lambda sid: boot_bench.wait_gone(
                    client, sid, poll=0.2), ids))
    os.makedirs(os.path.dirname(args.output), exist_ok=True)
    with open(args.output, "w") as handle:
        json.dump(results, handle, indent=1, sort_keys=True)
    print(json.dumps(results, indent=1, sort_keys=True))
    print("written to %s" % args.output)


if __name__ == "__main__":
    main()
