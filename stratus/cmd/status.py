"""`stratus status [--data-dir DIR] upgrade check`: nova-status's readiness
check before services are restarted on new code.

Each check prints its result (Success, Warning, Failure) and details in
one table; the exit code is the worst result: 0 success, 1 warning (the
upgrade may be fine), 2 failure (it must not go on), 255 an unexpected
error (a database that cannot be reached).

Checks: Cells v2 (cell0 and a cell mapped, compute hosts mapped),
Database Schemas (API and cell databases at the code's migration: a
failure while an expand revision is missing, a warning while contract
revisions wait), Online Data Migrations (a warning while rows are left),
Placement API (the microversion computes need is served, every compute
node has its provider), Instance Mappings and Request Specs (every live
server has both), Service Versions (services older than this release).
"""
import enum
import textwrap

from stratus.api.placement import root as placement_root
from stratus.conductor import placement_client
from stratus import constants
from stratus.db import consistency
from stratus.db import migration
from stratus.objects import cell_mapping as cell_mapping_obj
from stratus.objects import compute_node as compute_node_obj
from stratus.objects import host_mapping as host_mapping_obj
from stratus.objects import online_migrations
from stratus.objects import service as service_obj
from stratus.placement import providers

UNEXPECTED_ERROR = 255
_WIDTH = 60


class Code(enum.IntEnum):
    SUCCESS = 0
    WARNING = 1
    FAILURE = 2


class Result:
    def __init__(self, code, details=None):
        self.code = code
        self.details = details


def add_options(status):
    status.add_argument("--data-dir", dest="data_dir",
                        help="check the all-in-one with this data "
                             "directory (no config file needed)")


def add_parsers(subparsers):
    upgrade = subparsers.add_parser(
        "upgrade", help="upgrade readiness").add_subparsers(
            dest="action", required=True)
    upgrade.add_parser("check", help="check the deployment is ready for "
                       "new code").set_defaults(func=upgrade_check)


def upgrade_check(conf, args):
    ctx = args.admin_context()
    results = []
    try:
        for name, check in CHECKS:
            results.append((name, check(ctx, conf)))
    except Exception as exc:  # noqa: BLE001 - nova-status's 255
        print("Error:\n%s" % exc)
        return UNEXPECTED_ERROR
    print(_table(results))
    return max(result.code for _name, result in results)


def _table(results):
    sections = [["Upgrade Check Results"]]
    for name, result in results:
        sections.append(["Check: %s" % name,
                         "Result: %s" % result.code.name.title()]
                        + textwrap.wrap("Details: %s" % result.details,
                                        _WIDTH))
    width = max(len(line) for section in sections for line in section)
    rule = "+" + "-" * (width + 2) + "+"
    lines = [rule]
    for section in sections:
        lines.extend("| %s |" % line.ljust(width) for line in section)
        lines.append(rule)
    return "\n".join(lines)


# The checks ------------------------------------------------------------

def check_cells(ctx, conf):
    cells = cell_mapping_obj.CellMappingList.get_all(ctx)
    if not any(cell.is_cell0 for cell in cells):
        return Result(Code.FAILURE, "No cell0 mapping found. Run command "
                      "'stratus manage cell_v2 map_cell0' and then retry.")
    host_cells = cells.host_cells()
    if not host_cells:
        return Result(Code.FAILURE, "No cell mapped besides cell0. Run "
                      "command 'stratus manage cell_v2 create_cell' and "
                      "then retry.")
    hosts = set()
    for cell in host_cells:
        hosts |= consistency.compute_hosts(ctx.cell_db_for(cell.uuid))
    mapped = {mapping.host for mapping in
              host_mapping_obj.HostMappingList.get_all(ctx)}
    if not mapped:
        if hosts:
            return Result(Code.FAILURE, "No host mappings found but there "
                          "are compute nodes. Run command 'stratus manage "
                          "cell_v2 discover_hosts' and then retry.")
        return Result(Code.SUCCESS, "No host mappings or compute nodes "
                      "were found. Remember to run command 'stratus manage "
                      "cell_v2 discover_hosts' when new compute hosts are "
                      "deployed.")
    if hosts - mapped:
        return Result(Code.WARNING, "Compute hosts not mapped to a cell (no "
                      "server is scheduled to them): %s. Run command "
                      "'stratus manage cell_v2 discover_hosts'."
                      % ", ".join(sorted(hosts - mapped)))
    return Result(Code.SUCCESS)


def check_schemas(ctx, conf):
    """Failure while a database lacks an expand revision (the new code
    needs it); a warning while only contract revisions are left (they
    wait for the new services and the online data migrations)."""
    behind, contract = [], []
    schemas = [("api", "the API database", conf.api_database.connection)] + [
        ("cell", "cell %s" % cell.name, cell.database_connection)
        for cell in cell_mapping_obj.CellMappingList.get_all(ctx)]
    for kind, label, url in schemas:
        pending = migration.pending(kind, url)
        if migration.expand_target(pending) is not None:
            behind.append(label)
        elif pending:
            contract.append(label)
    if behind:
        return Result(Code.FAILURE, "Database schemas older than this "
                      "release's: %s. Run 'stratus manage db expand' (or "
                      "'db sync')." % ", ".join(behind))
    if contract:
        return Result(Code.WARNING, "Contract revisions pending on %s: run "
                      "'stratus manage db contract' once every service "
                      "runs this release and 'stratus manage db "
                      "online_data_migrations' has finished."
                      % ", ".join(contract))
    return Result(Code.SUCCESS)


def check_online_migrations(ctx, conf):
    left = online_migrations.remaining(ctx)
    if left:
        return Result(Code.WARNING, "Online data migrations have rows "
                      "left: %s. Run 'stratus manage db "
                      "online_data_migrations' until it exits 0." % ", ".join(
                          "%s (%d)" % item for item in sorted(left.items())))
    return Result(Code.SUCCESS)


def check_placement(ctx, conf):
    served = placement_root.MAX_VERSION
    needed = tuple(int(part) for part in
                   placement_client.MICROVERSION.split("."))
    if served < needed:
        return Result(Code.FAILURE, "Placement API version %s needed, %s "
                      "served." % (placement_client.MICROVERSION,
                                   "%d.%d" % served))
    known = {provider.uuid for provider in providers.list_providers(ctx)}
    missing = sorted(node.hypervisor_hostname for node in
                     compute_node_obj.ComputeNodeList.get_all(ctx)
                     if node.uuid not in known)
    if missing:
        return Result(Code.WARNING, "Compute nodes without a resource "
                      "provider (their compute service has not reported "
                      "since it started, or is down): %s."
                      % ", ".join(missing))
    return Result(Code.SUCCESS)


def _unmapped_servers(ctx, which):
    """Details of the live servers missing an instance mapping (which 0)
    or a request spec (which 1), per cell; None when none is."""
    found = []
    for cell in cell_mapping_obj.CellMappingList.get_all(ctx):
        uuids = consistency.live_instance_uuids(ctx.cell_db_for(cell.uuid))
        missing = consistency.unmapped(ctx.api_db, uuids)[which]
        if missing:
            found.append("%d in cell %s (%s)" % (len(missing), cell.name,
                                                 cell.uuid))
    return ", ".join(found) or None


def check_instance_mappings(ctx, conf):
    missing = _unmapped_servers(ctx, 0)
    if missing:
        return Result(Code.FAILURE, "Servers without an instance mapping: "
                      "%s. Run command 'stratus manage cell_v2 "
                      "map_instances --cell_uuid <uuid>' for each cell."
                      % missing)
    return Result(Code.SUCCESS)


def check_request_specs(ctx, conf):
    missing = _unmapped_servers(ctx, 1)
    if missing:
        return Result(Code.FAILURE, "Servers without a request spec: %s. "
                      "They cannot be moved or rebuilt." % missing)
    return Result(Code.SUCCESS)


def check_service_versions(ctx, conf):
    older = []
    for cell in cell_mapping_obj.CellMappingList.get_all(ctx).host_cells():
        for host, version in consistency.service_versions(
                ctx.cell_db_for(cell.uuid), constants.COMPUTE_BINARY):
            if (version or 0) < service_obj.SERVICE_VERSION:
                older.append("%s (version %s)" % (host, version))
    if older:
        return Result(Code.WARNING, "Compute services older than this "
                      "release (version %d): %s. Upgrade them after the "
                      "control plane." % (service_obj.SERVICE_VERSION,
                                          ", ".join(sorted(older))))
    return Result(Code.SUCCESS)


CHECKS = [
    ("Cells v2", check_cells),
    ("Database Schemas", check_schemas),
    ("Online Data Migrations", check_online_migrations),
    ("Placement API", check_placement),
    ("Instance Mappings", check_instance_mappings),
    ("Request Specs", check_request_specs),
    ("Service Versions", check_service_versions),
]
