"""Boot benchmark: the figures of ../shared/nova-baseline.md, for Stratus.

(a) one server create -> ACTIVE, median of 20;
(b) 200 creates from 10 client threads, time until all ACTIVE;
(c) GET /servers/detail and GET /servers with those 200, median of 20;
(d) delete all 200, time until gone;
plus the resident memory (RSS) and CPU time of the control plane.

    python bench/boot_bench.py --mode all-in-one
    python bench/boot_bench.py --mode distributed   # RabbitMQ + PostgreSQL
    python bench/boot_bench.py --ports              # each server a port

--ports gives each server a port of the built-in network service
([network] provider = neutron): created and bound by its compute,
reported plugged by the fake driver as an agent, network-vif-plugged
sent to the compute API; otherwise servers have no network.

It starts the cloud itself (real processes, real HTTP on loopback), prints
a table and writes bench/results/boot-<mode>.json.
"""
import argparse
import concurrent.futures
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import deploy  # noqa: E402
from bench.http_client import Client  # noqa: E402

# One server is polled every 5 ms, so the figure is not rounded up to the
# poll interval. A burst is polled every 50 ms: by one list of the servers
# still building (--burst-poll list), or per server as the Nova baseline
# was measured (--burst-poll each): 10 threads polling at 5 ms would spend
# more of the machine on polling than on booting.
POLL = 0.005
BURST_POLL = 0.05


def wait_status(client, server_id, status="ACTIVE", timeout=120, poll=POLL):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code, body = client.request("GET", "/servers/%s" % server_id)
        if code == 200 and body["server"]["status"] == status:
            return
        if code == 200 and body["server"]["status"] == "ERROR":
            raise RuntimeError("server %s went to ERROR: %s" % (server_id, body))
        time.sleep(poll)
    raise RuntimeError("server %s not %s in time" % (server_id, status))


def wait_gone(client, server_id, timeout=120, poll=POLL):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code, _ = client.request("GET", "/servers/%s" % server_id)
        if code == 404:
            return
        time.sleep(poll)
    raise RuntimeError("server %s not gone in time" % server_id)


def wait_all_active(client, server_ids, timeout=300, poll=BURST_POLL):
    """Wait until none of server_ids is building, by one list of the
    servers still building per poll (GET /servers?status=BUILD, build
    requests included) instead of a GET per server: at 50 ms a server,
    ten threads polling 200 servers cost the API more than the boots did
    with ten cells (each GET reads the server's mapping, then its cell).
    Any that ended in ERROR is an error."""
    wanted = set(server_ids)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code, body = client.request("GET", "/servers?status=BUILD")
        if code != 200:
            raise RuntimeError("list failed: %s %s" % (code, body))
        if not wanted & {server["id"] for server in body["servers"]}:
            break
        time.sleep(poll)
    else:
        raise RuntimeError("servers not ACTIVE in time")
    code, body = client.request("GET", "/servers?status=ERROR")
    failed = wanted & {server["id"] for server in body.get("servers", ())}
    if code != 200 or failed:
        raise RuntimeError("servers went to ERROR: %s" % sorted(failed))


NETWORKS = "none"


def create(client, name, image):
    code, body = client.request("POST", "/servers", {"server": {
        "name": name, "flavorRef": "1", "imageRef": image,
        "networks": NETWORKS}})
    if code != 202:
        raise RuntimeError("create failed: %s %s" % (code, body))
    return body["server"]["id"]


def one_boot(client, image, i):
    start = time.perf_counter()
    server_id = create(client, "single-%d" % i, image)
    wait_status(client, server_id)
    elapsed = time.perf_counter() - start
    client.request("DELETE", "/servers/%s" % server_id)
    wait_gone(client, server_id)
    return elapsed


def private_network(cloud):
    """A network with a /16 subnet in the built-in network service (room
    for the burst's ports); its id."""
    network = Client(cloud.network_url)
    code, body = network.request("POST", "/v2.0/networks",
                                 {"network": {"name": "bench"}})
    assert code == 201, (code, body)
    network_id = body["network"]["id"]
    code, body = network.request("POST", "/v2.0/subnets", {"subnet": {
        "network_id": network_id, "cidr": "10.64.0.0/16", "ip_version": 4}})
    assert code == 201, (code, body)
    code, body = network.request("PUT", "/v2.0/quotas/admin", {"quota": {
        "port": -1}})
    assert code == 200, (code, body)
    return network_id


class Profiler:
    """py-spy (a dev tool: `pip install py-spy`, not a dependency)
    sampling the named services during the burst, each writing
    collapsed stacks to DIR/<name>.txt (flame graph input; see
    docs/benchmarks.md for reading them)."""

    def __init__(self, cloud, directory, names, rate=100):
        self.cloud = cloud
        self.directory = directory
        self.names = names
        self.rate = rate
        self.samplers = []

    def __enter__(self):
        if not self.directory:
            return self
        if self.cloud.profile_dir:
            self._yappi_toggle()
            return self
        os.makedirs(self.directory, exist_ok=True)
        spy = shutil.which("py-spy") or os.path.join(
            os.path.dirname(sys.executable), "py-spy")
        for name in self.names:
            process = self.cloud.processes.get(name)
            if process is None:
                continue
            self.samplers.append(subprocess.Popen(
                [spy, "record", "--pid", str(process.pid), "--rate",
                 str(self.rate), "--format", "raw", "--nonblocking",
                 "--output", os.path.join(self.directory, name + ".txt")],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        time.sleep(1)
        return self

    def _yappi_toggle(self):
        for name in self.names:
            process = self.cloud.processes.get(name)
            if process is not None:
                os.kill(process.pid, signal.SIGUSR2)

    def __exit__(self, *exc):
        if self.cloud.profile_dir:
            self._yappi_toggle()
            for name in self.names:
                process = self.cloud.processes.get(name)
                if process is None:
                    continue
                written = os.path.join(self.cloud.profile_dir,
                                       "%d.statements.json" % process.pid)
                deadline = time.monotonic() + 120
                while (not os.path.exists(written)
                       and time.monotonic() < deadline):
                    time.sleep(0.5)
                for suffix in (".statements.json", ".pstats"):
                    path = os.path.join(self.cloud.profile_dir,
                                        "%d%s" % (process.pid, suffix))
                    if os.path.exists(path):
                        os.replace(path, os.path.join(
                            self.directory, name + suffix))
            return
        for sampler in self.samplers:
            sampler.send_signal(signal.SIGINT)
        for sampler in self.samplers:
            sampler.wait(timeout=60)


def run(cloud, count, threads, singles, ports=False, profile=None,
        profile_names=(), burst_poll="list"):
    global NETWORKS
    if ports:
        NETWORKS = [{"uuid": private_network(cloud)}]
    client = Client(cloud.compute_url)
    code, body = client.request("GET", "/images", version="2.35")
    image = body["images"][0]["id"]
    results = {}

    one_boot(client, image, -1)  # warm-up
    singles_s = [one_boot(client, image, i) for i in range(singles)]
    results["one_boot_median_s"] = statistics.median(singles_s)
    results["one_boot_p90_s"] = sorted(singles_s)[int(len(singles_s) * 0.9) - 1]

    with Profiler(cloud, profile, profile_names):
        cpu_before = cloud.cpu_seconds()
        snapshot_before = cloud.cpu_snapshot()
        results["loadavg_before_burst"] = os.getloadavg()[0]
        start = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(threads) as pool:
            ids = list(pool.map(
                lambda i: create(client, "burst-%d" % i, image),
                range(count)))
            if burst_poll == "each":
                list(pool.map(
                    lambda sid: wait_status(client, sid, poll=BURST_POLL),
                    ids))
            else:
                wait_all_active(client, ids)
        burst = time.perf_counter() - start
        cpu_used = cloud.cpu_seconds() - cpu_before
        by_group = cloud.cpu_by_group(snapshot_before, cloud.cpu_snapshot())
    results["burst_cpu_core_s_per_boot_by_process"] = {
        group: seconds / count for group, seconds in sorted(by_group.items())}
    results["burst_cpu_core_s_per_boot_with_db_broker"] = sum(
        by_group.values()) / count
    results["burst_count"] = count
    results["burst_all_active_s"] = burst
    results["burst_boots_per_s"] = count / burst
    results["burst_cpu_core_s_per_boot"] = cpu_used / count

    for path, key in (("/servers/detail", "list_detail_median_s"),
                      ("/servers", "list_median_s")):
        timings = []
        for _ in range(20):
            t0 = time.perf_counter()
            code, body = client.request("GET", path)
            timings.append(time.perf_counter() - t0)
            assert code == 200 and len(body["servers"]) == count, (code, len(body["servers"]))
        results[key] = statistics.median(timings)

    results["rss_mib_with_servers"] = cloud.rss_mib()
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda sid: client.request("DELETE", "/servers/%s" % sid), ids))
        list(pool.map(lambda sid: wait_gone(client, sid, poll=BURST_POLL), ids))
    results["delete_all_gone_s"] = time.perf_counter() - start
    time.sleep(1)
    results["rss_mib_idle"] = cloud.rss_mib()
    return results


ROWS = [
    ("(a) one boot -> ACTIVE, median", "one_boot_median_s", "%.3f s"),
    ("(b) %(burst_count)d boots -> all ACTIVE", "burst_all_active_s", "%.2f s"),
    ("(b) burst rate", "burst_boots_per_s", "%.1f boots/s"),
    ("(b) CPU per boot (control plane)", "burst_cpu_core_s_per_boot", "%.4f core-s"),
    ("(c) GET /servers/detail, median", "list_detail_median_s", "%.4f s"),
    ("(c) GET /servers, median", "list_median_s", "%.4f s"),
    ("(d) delete all -> gone", "delete_all_gone_s", "%.2f s"),
    ("control-plane RSS, idle", "rss_mib_idle", "%.0f MiB"),
    ("control-plane RSS, with servers", "rss_mib_with_servers", "%.0f MiB"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=["all-in-one", "distributed"],
                        default="all-in-one")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--threads", type=int, default=10)
    parser.add_argument("--singles", type=int, default=20)
    parser.add_argument("--computes", type=int, default=1,
                        help="compute processes (distributed mode)")
    parser.add_argument("--nodes", type=int, default=10,
                        help="fake hypervisor nodes per compute")
    parser.add_argument("--cells", type=int, default=1,
                        help="cells (distributed mode): each its own "
                             "database, virtual host and conductor")
    parser.add_argument("--ports", action="store_true",
                        help="each server gets a port of the built-in "
                             "network service")
    parser.add_argument("--profile", metavar="DIR",
                        help="sample the services named by --profile-names "
                             "with py-spy during the burst (collapsed "
                             "stacks in DIR/<name>.txt)")
    parser.add_argument("--yappi", action="store_true",
                        help="with --profile: profile inside the services "
                             "(STRATUS_PROFILE_DIR: yappi's CPU clock in "
                             "DIR/<name>.pstats, SQL statements counted in "
                             "DIR/<name>.statements.json) instead of py-spy")
    parser.add_argument("--profile-names", default="conductor,scheduler,api",
                        help="comma-separated services to profile")
    parser.add_argument("--burst-poll", choices=["list", "each"],
                        default="list",
                        help="how the burst waits for ACTIVE: one list of "
                             "the servers still building per 50 ms "
                             "(default), or each thread a GET per server "
                             "per 50 ms (the method of the figures before "
                             "2026-12-07's 'Ten cells, leaner')")
    parser.add_argument("--output", help="JSON file (default bench/results/boot-<mode>.json)")
    args = parser.parse_args()
    config = {"network": {"provider": "neutron"}} if args.ports else None
    profile_dir = (os.path.abspath(args.profile)
                   if args.profile and args.yappi else None)
    with deploy.start(args.mode, computes=args.computes, nodes=args.nodes,
                      config=config, profile_dir=profile_dir,
                      cells=args.cells) as cloud:
        results = run(cloud, args.count, args.threads, args.singles,
                      ports=args.ports, profile=args.profile,
                      profile_names=args.profile_names.split(","),
                      burst_poll=args.burst_poll)
    results.update(burst_poll=args.burst_poll, mode=args.mode, computes=args.computes, nodes=args.nodes,
                   cells=args.cells,
                   ports=args.ports,
                   threads=args.threads, poll_interval_s=POLL,
                   burst_poll_interval_s=BURST_POLL,
                   date=time.strftime("%Y-%m-%d %H:%M"), cpus=os.cpu_count(),
                   loadavg=" ".join(open("/proc/loadavg").read().split()[:3]))
    print("Stratus boot benchmark, %s (%d compute process(es), %d fake "
          "nodes each, %d cell(s)%s)" % (
              args.mode, args.computes, args.nodes, args.cells,
              ", a port per server" if args.ports else ""))
    for label, key, fmt in ROWS:
        print("  %-40s %s" % (label % results, fmt % results[key]))
    print("  %-40s %.4f core-s" % ("(b) CPU per boot, with database, broker",
                                   results["burst_cpu_core_s_per_boot_with_db_broker"]))
    for group, seconds in results["burst_cpu_core_s_per_boot_by_process"].items():
        print("    %-38s %.4f core-s" % (group, seconds))
    print("  %-40s %s" % ("load average at the end", results["loadavg"]))
    output = args.output or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "results",
        "boot-%s.json" % args.mode)
    os.makedirs(os.path.dirname(output), exist_ok=True)
    with open(output, "w") as handle:
        json.dump(results, handle, indent=2, sort_keys=True)
    print("  written to %s" % output)


if __name__ == "__main__":
    main()
