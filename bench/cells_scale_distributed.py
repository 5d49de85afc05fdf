"""Cells at scale as real processes (`common.py --mode distributed`):
bench/deploy.py's distributed layout, per cell a PostgreSQL database, a
RabbitMQ virtual host and a cell conductor, computes of many fake nodes
each; the API, super conductor and scheduler on the API-level virtual
host. Everything over REST and RPC from this process:

- registration: the computes' start until GET /os-hypervisors lists all
  their nodes;
- scheduling decision p50/p99: select_destinations called over RPC on the
  scheduler process (so the figure includes one RPC round trip over
  RabbitMQ), each claim deleted through the Placement API after it is
  timed, so that every decision sees the same free capacity;
- a burst of boots from 10 client threads, boots/s;
- GET /servers/detail over the burst's servers and more written straight
  into the cell databases, first page and 90 % down, p50/p99;
- broker connections and channels per virtual host;
- one cell down (its database closed to connections, its virtual host's
  permissions cleared and connections closed): boots in the other cells,
  the listing at 2.69 (minimal records for the down cell); restored after.
"""
import json
import os
import subprocess
import time
import urllib.parse

from bench import cells_scale_common as common
from bench import deploy
from bench import scheduler_scale
from bench.http_client import Client
from stratus import conf as stratus_conf
from stratus import context as stratus_context
from stratus.db import api as db_api
from stratus.objects import cell_mapping
from stratus.objects import flavor as flavor_obj
from stratus import rpc
from stratus.scheduler import rpcapi as scheduler_rpcapi

COMPUTES = 10
PROJECT = "admin"
LIST_CELL_TIMEOUT = 10.0
OUTAGE_BOOTS = 50
CONFIG = {
    # The decision is what is measured: no periodic full report of every
    # node meanwhile.
    "DEFAULT": {"update_resources_interval": 3600},
    "api": {"list_records_cell_timeout": LIST_CELL_TIMEOUT},
    # (bench/deploy.py gives a deployment of many cells small database
    # pools.)
}


def vhost_of(url):
    return urllib.parse.unquote(urllib.parse.urlsplit(url).path[1:]) or "/"


def rabbitmqctl(*args):
    return subprocess.run(["rabbitmqctl", "-q"] + list(args), check=True,
                          capture_output=True, text=True, timeout=120).stdout


def broker_connections(dep):
    """{vhost: {connections, channels}} of the deployment's vhosts."""
    names = {vhost_of(dep.transport_url): "api"}
    names.update((vhost_of(cell["transport_url"]), cell["name"])
                 for cell in dep.cells)
    counts = {name: {"connections": 0, "channels": 0}
              for name in names.values()}
    for line in rabbitmqctl("list_connections", "vhost",
                            "channels").splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and parts[0] in names:
            count = counts[names[parts[0]]]
            count["connections"] += 1
            count["channels"] += int(parts[1])
    return counts


class Decisions:
    """select_destinations on the scheduler process over RPC."""

    def __init__(self, dep, conf):
        self.messaging = rpc.Messaging(conf)
        self.scheduler = scheduler_rpcapi.SchedulerAPI(self.messaging)
        self.placement = Client(dep.placement_url)
        self.ctx = stratus_context.RequestContext(
            user_id=PROJECT, project_id=PROJECT, is_admin=True)
        self.flavor = flavor_obj.Flavor(
            id=1, flavorid="1", name="m1.tiny", vcpus=1, memory_mb=512,
            root_gb=1, ephemeral_gb=0, swap=0, extra_specs={})

    def measure(self, count):
        """Decision times in ms (RPC round trip included)."""
        times = []
        for _ in range(count):
            spec = scheduler_scale.request_spec(self.flavor)
            spec.project_id = spec.user_id = PROJECT
            started = time.perf_counter()
            self.scheduler.select_destinations(
                self.ctx, spec, [spec.instance_uuid])
            times.append((time.perf_counter() - started) * 1000)
            code, body = self.placement.request(
                "DELETE", "/allocations/%s" % spec.instance_uuid)
            if code != 204:
                raise RuntimeError("claim not deleted: %s %s" % (code, body))
        return times

    def close(self):
        self.messaging.cleanup()


def host_cells(dep, databases):
    """{compute host: its CellMapping}."""
    ctx = stratus_context.RequestContext(is_admin=True, databases=databases)
    by_name = {cell.name: cell
               for cell in cell_mapping.CellMappingList.get_all(ctx)}
    if not dep.cells:
        return {name: by_name["cell1"] for name in dep.processes
                if name.startswith("compute")}
    return {host: by_name[cell["name"]] for cell in dep.cells
            for host in cell["computes"]}


def cut_cell(dep, cell, cut=True):
    """The cell's database closed to connections and its virtual host
    closed to the deployment's user, its connections ended (cut=False:
    both opened again)."""
    common.close_database(cell["database"], closed=cut)
    vhost = vhost_of(cell["transport_url"])
    user = urllib.parse.urlsplit(deploy.RABBIT).username or "guest"
    if cut:
        rabbitmqctl("clear_permissions", "-p", vhost, user)
        rabbitmqctl("close_all_connections", "-p", vhost, "cell down")
    else:
        rabbitmqctl("set_permissions", "-p", vhost, user, ".*", ".*", ".*")


def servers_hosts(client, ids):
    hosts = set()
    for server_id in ids:
        code, body = client.request("GET", "/servers/%s" % server_id)
        if code == 200:
            hosts.add(body["server"].get("OS-EXT-SRV-ATTR:host"))
    return hosts


def outage(dep, client, request, cells_by_host):
    """The last cell cut: boots in the others, the listing at 2.69."""
    down = dep.cells[-1]
    before = set(common.server_ids(request))
    cut_cell(dep, down)
    try:
        time.sleep(2)
        started = time.perf_counter()
        seconds, active = common.boot_many(request, OUTAGE_BOOTS)
        new = set(common.server_ids(request, "2.69")) - before
        landed = {cells_by_host[host].name
                  for host in servers_hosts(client, new)
                  if host in cells_by_host}
        result = dict(common.listing(request, version="2.69"),
                      down_cell=down["name"], boots=OUTAGE_BOOTS,
                      boots_active=active, boot_seconds=round(seconds, 1),
                      boots_landed_in=sorted(landed),
                      list_records_cell_timeout_s=LIST_CELL_TIMEOUT,
                      seconds=round(time.perf_counter() - started, 1))
        code, body = request("GET", "/servers/detail?limit=1000",
                             version="2.69")
        result["minimal_records_on_first_page"] = sum(
            1 for server in body["servers"] if "name" not in server)
        return result
    finally:
        cut_cell(dep, down, cut=False)


def progress(phase, result):
    """What is measured so far, printed as each phase ends (a run cut
    short keeps its figures)."""
    print(json.dumps({"phase": phase, "at": time.strftime("%H:%M:%S"),
                      "load_average": os.getloadavg(), "so_far": result}),
          flush=True)


def run_layout(cells, per_cell, args):
    per_cell_computes = max(1, COMPUTES // cells)
    computes = cells * per_cell_computes
    nodes = per_cell // per_cell_computes
    result = {"mode": "distributed", "cells": cells,
              "hosts": computes * nodes, "computes": computes,
              "nodes_per_compute": nodes, "database": "postgresql"}
    started = time.perf_counter()
    with deploy.start("distributed", computes=computes, nodes=nodes,
                      cells=cells, config=CONFIG) as dep:
        result.update(
            deploy_seconds=round(time.perf_counter() - started, 1),
            registration_seconds=round(dep.registration_seconds, 1),
            rss_mib_registered=round(dep.rss_mib()))
        progress("registration", result)
        try:
            measure(dep, result, args)
        except Exception as error:  # what was measured before is kept
            result["error"] = "%s: %s" % (type(error).__name__, error)
        result["rss_mib_end"] = round(dep.rss_mib())
    result["load_average"] = os.getloadavg()
    return result


def measure(dep, result, args):
    """What run_layout measures once the cloud is registered, into
    result."""
    conf = stratus_conf.build_conf(config_files=[
        os.path.join(dep.workdir, "stratus.conf")])
    client = Client(dep.compute_url)
    request = client.request
    decisions = Decisions(dep, conf)
    try:
        decisions.measure(1)
        times = decisions.measure(args.decisions)
    finally:
        decisions.close()
    pct = scheduler_scale.percentile
    result.update(decisions=args.decisions,
                  decision_p50_ms=round(pct(times, 0.5), 2),
                  decision_p99_ms=round(pct(times, 0.99), 2),
                  decision_includes="one RPC round trip")
    progress("decisions", result)
    if args.boots:
        result["load_average_before_burst"] = os.getloadavg()
        seconds, active = common.boot_many(request, args.boots)
        result.update(burst_boots=args.boots, burst_active=active,
                      burst_seconds=round(seconds, 1),
                      boots_per_second=round(args.boots / seconds, 1))
        progress("burst", result)
    result["broker_by_vhost"] = broker_connections(dep)
    progress("broker", result)
    databases = db_api.Databases(dep.database_urls["api"], pool_size=1,
                                 max_overflow=0)
    try:
        by_host = host_cells(dep, databases)
        if args.servers:
            common.fill_cells(request, databases, by_host, args.servers,
                              project=PROJECT)
            result["listing"] = common.listing(request)
            progress("listing", result)
        if not args.no_outage and dep.cells:
            result["one_cell_down"] = outage(dep, client, request, by_host)
            progress("outage", result)
    finally:
        databases.dispose()
