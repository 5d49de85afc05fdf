"""`stratus manage cell_v2 ...`: the cells v2 commands of nova-manage,
with its arguments, messages and exit codes.

    map_cell0 [--database_connection URL]
    create_cell [--name N] [--database_connection URL] [--transport-url URL]
                [--verbose] [--disabled]
    update_cell --cell_uuid U [--name N] [--transport-url URL]
                [--database_connection URL] [--disable] [--enable]
    delete_cell --cell_uuid U [--force]
    list_cells [--verbose]
    discover_hosts [--cell_uuid U] [--verbose] [--strict] [--by-service]
    list_hosts [--cell_uuid U]
    delete_host --cell_uuid U --host H
    map_instances --cell_uuid U [--max-count N] [--reset]
    verify_instance --uuid U [--quiet]
"""
import urllib.parse

from oslo_utils import uuidutils

from stratus.cmd.manage_util import format_table, positive_count, required
from stratus.db import setup as db_setup
from stratus import exception
from stratus.objects import cell_mapping as cell_mapping_obj
from stratus.objects import host_mapping as host_mapping_obj
from stratus.objects import instance as instance_obj
from stratus.objects import instance_mapping as instance_mapping_obj
from stratus.objects import instance_queries

# Servers map_instances maps per batch without --max-count (Nova's).
MAP_BATCH = 50
# Exit code of nova-manage for an argument it cannot use.
INVALID_INPUT = 127


def add_parsers(cells):
    """The cell_v2 commands, on cells (argparse subparsers)."""
    cell0 = cells.add_parser("map_cell0", help="map the cell0 database")
    cell0.add_argument("--database_connection")
    cell0.set_defaults(func=map_cell0)

    create = cells.add_parser("create_cell", help="map a new cell")
    create.add_argument("--name")
    create.add_argument("--database_connection")
    create.add_argument("--transport-url", dest="transport_url")
    create.add_argument("--verbose", action="store_true",
                        help="print the uuid of the new cell")
    create.add_argument("--disabled", action="store_true",
                        help="create the cell disabled (nothing is "
                             "scheduled to it)")
    create.set_defaults(func=create_cell)

    update = cells.add_parser("update_cell", help="change a cell's mapping")
    update.add_argument("--cell_uuid", required=True)
    update.add_argument("--name")
    update.add_argument("--transport-url", dest="transport_url",
                        help="running services see it after a restart")
    update.add_argument("--database_connection",
                        help="running services see it after a restart")
    update.add_argument("--disable", action="store_true")
    update.add_argument("--enable", action="store_true")
    update.set_defaults(func=update_cell)

    delete = cells.add_parser("delete_cell", help="delete an empty cell")
    delete.add_argument("--cell_uuid", required=True)
    delete.add_argument("--force", action="store_true",
                        help="delete its host and instance mappings too "
                             "(only when no server lives in it)")
    delete.set_defaults(func=delete_cell)

    listing = cells.add_parser("list_cells", help="list the cells")
    listing.add_argument("--verbose", action="store_true",
                         help="show passwords in URLs")
    listing.set_defaults(func=list_cells)

    discover = cells.add_parser("discover_hosts",
                                help="map compute hosts that are not mapped")
    discover.add_argument("--cell_uuid")
    discover.add_argument("--verbose", action="store_true")
    discover.add_argument("--strict", action="store_true",
                          help="exit 1 unless a new host was mapped")
    discover.add_argument("--by-service", action="store_true",
                          dest="by_service",
                          help="find hosts by their compute service rather "
                               "than their compute nodes")
    discover.set_defaults(func=discover_hosts)

    hosts = cells.add_parser("list_hosts", help="list the mapped hosts")
    hosts.add_argument("--cell_uuid")
    hosts.set_defaults(func=list_hosts)

    delete_host_parser = cells.add_parser(
        "delete_host", help="unmap a host that runs no server")
    delete_host_parser.add_argument("--cell_uuid", required=True)
    delete_host_parser.add_argument("--host", required=True)
    delete_host_parser.set_defaults(func=delete_host)

    instances = cells.add_parser(
        "map_instances", help="map the cell's servers that have no mapping")
    instances.add_argument("--cell_uuid", required=True)
    instances.add_argument("--max-count", dest="max_count",
                           help="servers to map in this run (default: all, "
                                "%d at a time)" % MAP_BATCH)
    instances.add_argument("--reset", action="store_true",
                           dest="reset_marker",
                           help="start from the first server, not where "
                                "the last run stopped")
    instances.set_defaults(func=map_instances)

    verify = cells.add_parser("verify_instance",
                              help="check a server's mapping to its cell")
    verify.add_argument("--uuid", required=True)
    verify.add_argument("--quiet", action="store_true")
    verify.set_defaults(func=verify_instance)


def _cell(ctx, cell_uuid):
    """The cell mapping, or None after saying it was not found."""
    try:
        return cell_mapping_obj.CellMapping.get_by_uuid(ctx, cell_uuid)
    except exception.CellMappingNotFound:
        print("Cell with uuid %s was not found." % cell_uuid)
        return None


def _config_value(value, argument, option, configured):
    """value, else the configuration file's (saying so); None (after
    saying what is missing) when neither is set."""
    if value:
        return value
    if not configured:
        required(None, argument, option)
        return None
    print("%s not provided in the command line, using the value %s from "
          "the configuration file" % (argument, option))
    return configured


def _transport_url(conf, value):
    return _config_value(value, "--transport-url", "[DEFAULT]/transport_url",
                         conf.transport_url)


def _database_connection(conf, value):
    return _config_value(value, "--database_connection",
                         "[database]/connection", conf.database.connection)


def _taken(ctx, transport_url, database_connection, cell_uuid=None):
    """Whether a cell other than cell_uuid has this transport URL and
    database (after saying which)."""
    for cell in cell_mapping_obj.CellMappingList.get_all(ctx):
        if cell.uuid == cell_uuid:
            continue
        if (cell.transport_url == transport_url
                and cell.database_connection == database_connection):
            print("The specified transport_url and/or database_connection "
                  "combination already exists for another cell with uuid "
                  "%s." % cell.uuid)
            return True
    return False


# Commands ----------------------------------------------------------------

def map_cell0(conf, args):
    ctx = args.admin_context()
    try:
        cell_mapping_obj.CellMapping.get_by_uuid(ctx, db_setup.CELL0_UUID)
        print("Cell0 is already setup")
        return 0
    except exception.CellMappingNotFound:
        pass
    url = args.database_connection or args.cell0_url or _cell0_url(
        conf.database.connection)
    if not required(url, "--database_connection", "[database]/connection"):
        return 1
    cell_mapping_obj.CellMapping(
        ctx, uuid=db_setup.CELL0_UUID, name="cell0", transport_url="none:///",
        database_connection=url).create()
    return 0


def _cell0_url(url):
    """The [database] connection URL with '_cell0' after the database
    name, as Nova derives it."""
    if not url:
        return None
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=parts.path + "_cell0"))


def create_cell(conf, args):
    transport_url = _transport_url(conf, args.transport_url)
    if not transport_url:
        return 1
    url = _database_connection(conf, args.database_connection)
    if not url:
        return 1
    ctx = args.admin_context()
    if _taken(ctx, transport_url, url):
        return 2
    cell = cell_mapping_obj.CellMapping(
        ctx, uuid=uuidutils.generate_uuid(), name=args.name,
        transport_url=transport_url, database_connection=url,
        disabled=args.disabled)
    cell.create()
    if args.verbose:
        print(cell.uuid)
    return 0


def update_cell(conf, args):
    """0; 1 no such cell; 2 the mapping could not be saved; 3 another
    cell has that transport URL and database; 4 --disable with --enable;
    5 cell0 disabled or enabled."""
    ctx = args.admin_context()
    cell = _cell(ctx, args.cell_uuid)
    if cell is None:
        return 1
    if args.name:
        cell.name = args.name
    # Only what the command line gives changes (Nova would take the
    # configuration file's transport URL and database otherwise: renaming
    # a cell would repoint it at the local cell's).
    transport_url = args.transport_url
    url = args.database_connection
    if _taken(ctx, transport_url or cell.transport_url,
              url or cell.database_connection, cell.uuid):
        return 3
    if transport_url:
        cell.transport_url = transport_url
    if url:
        cell.database_connection = url
    if args.disable and args.enable:
        print("Cell cannot be disabled and enabled at the same time.")
        return 4
    if args.disable or args.enable:
        if cell.is_cell0:
            print("Cell0 cannot be disabled.")
            return 5
        if cell.disabled == bool(args.disable):
            print("Cell %s is already %s" % (
                cell.uuid, "disabled" if args.disable else "enabled"))
        else:
            cell.disabled = bool(args.disable)
    try:
        cell.save()
    except Exception as error:  # noqa: BLE001 - Nova's exit 2 for any
        print("Unable to update CellMapping: %s" % error)
        return 2
    return 0


def delete_cell(conf, args):
    """0; 1 no such cell; 2 hosts mapped to it (without --force); 3
    servers live in it; 4 only deleted servers' mappings remain (without
    --force)."""
    ctx = args.admin_context()
    cell = _cell(ctx, args.cell_uuid)
    if cell is None:
        return 1
    hosts = host_mapping_obj.HostMappingList.get_all(ctx, cell.uuid)
    if hosts and not args.force:
        print("There are existing hosts mapped to cell with uuid %s."
              % cell.uuid)
        return 2
    mapped = instance_mapping_obj.InstanceMappingList.count_in_cell(
        ctx, cell.uuid)
    if mapped:
        if instance_queries.count_live(ctx, cell.uuid):
            print("There are existing instances mapped to cell with uuid "
                  "%s." % cell.uuid)
            return 3
        if not args.force:
            print("There are instance mappings to cell with uuid %s, but "
                  "all instances have been deleted in the cell." % cell.uuid)
            print("So execute delete_cell with --force to delete the "
                  "instance mappings as well.")
            return 4
        instance_mapping_obj.InstanceMappingList.destroy_in_cell(
            ctx, cell.uuid)
    if hosts:
        # The nodes can be discovered again, in another cell.
        host_mapping_obj.set_nodes_mapped(ctx, cell.uuid, mapped=False)
        host_mapping_obj.HostMappingList.destroy_in_cell(ctx, cell.uuid)
    cell.destroy()
    return 0


def list_cells(conf, args):
    cells = cell_mapping_obj.CellMappingList.get_all(args.admin_context())
    show = (lambda url: url) if args.verbose else cell_mapping_obj.mask_password
    rows = [[cell.name or "", cell.uuid, show(cell.transport_url),
             show(cell.database_connection), cell.disabled]
            for cell in sorted(cells, key=lambda cell: cell.name or "")]
    print(format_table(["Name", "UUID", "Transport URL",
                        "Database Connection", "Disabled"], rows))
    return 0


def discover_hosts(conf, args):
    """0; 1 with --strict when no new host was mapped, or no such cell;
    2 when another discovery mapped a host at the same time."""
    ctx = args.admin_context()
    try:
        created = host_mapping_obj.discover_hosts(
            ctx, args.cell_uuid, print if args.verbose else None,
            by_service=args.by_service)
    except exception.CellMappingNotFound:
        print("Cell with uuid %s was not found." % args.cell_uuid)
        return 1
    except exception.HostMappingExists as error:
        print("ERROR: Duplicate host mapping was encountered. This command "
              "should be run once after all compute hosts have been "
              "deployed and should not be run in parallel. When run in "
              "parallel, the commands will collide with each other trying "
              "to map the same hosts in the database at the same time. "
              "Error: %s" % error)
        return 2
    if args.strict:
        return 0 if created else 1
    return 0


def list_hosts(conf, args):
    ctx = args.admin_context()
    if args.cell_uuid and _cell(ctx, args.cell_uuid) is None:
        return 1
    mappings = host_mapping_obj.HostMappingList.get_all(ctx, args.cell_uuid)
    rows = [[m.cell_mapping.name or "", m.cell_mapping.uuid, m.host]
            for m in mappings]
    print(format_table(["Cell Name", "Cell UUID", "Hostname"], rows))
    return 0


def delete_host(conf, args):
    """0; 1 no such cell; 2 the host is not mapped; 3 it is mapped to
    another cell; 4 servers live on it."""
    ctx = args.admin_context()
    cell = _cell(ctx, args.cell_uuid)
    if cell is None:
        return 1
    try:
        mapping = host_mapping_obj.HostMapping.get_by_host(ctx, args.host)
    except exception.HostMappingNotFound:
        print("The host %s was not found." % args.host)
        return 2
    if mapping.cell_mapping.uuid != cell.uuid:
        print("The host %s was not found in the cell %s."
              % (args.host, cell.uuid))
        return 3
    if instance_queries.count_live(ctx, cell.uuid, host=args.host):
        print("There are instances on the host %s." % args.host)
        return 4
    # Its nodes can be discovered again (in this cell or another).
    host_mapping_obj.set_nodes_mapped(ctx, cell.uuid, mapped=False,
                                      host=args.host)
    mapping.destroy()
    return 0


def map_instances(conf, args):
    """0 when every server of the cell is mapped; 1 while some remain
    (with --max-count: run it again, it resumes); 127 bad --max-count."""
    if args.max_count is not None:
        max_count = positive_count(
            args.max_count, "Must supply a positive value for max-count")
        if max_count is None:
            return INVALID_INPUT
    ctx = args.admin_context()
    cell = _cell(ctx, args.cell_uuid)
    if cell is None:
        return 1
    if args.max_count is not None:
        return int(instance_mapping_obj.map_cell_instances(
            ctx, cell.uuid, max_count, reset=args.reset_marker))
    reset = args.reset_marker
    while instance_mapping_obj.map_cell_instances(ctx, cell.uuid, MAP_BATCH,
                                                  reset=reset):
        reset = False
    return 0


def verify_instance(conf, args):
    """0 mapped to a cell where it lives; 1 no mapping; 2 mapped to no
    cell (yet); 3 deleted (its mapping awaits archiving); 4 archived, its
    mapping left behind."""
    def say(text):
        if not args.quiet:
            print(text)

    ctx = args.admin_context()
    uuid = args.uuid
    try:
        mapping = instance_mapping_obj.InstanceMapping.get_by_instance_uuid(
            ctx, uuid)
    except exception.InstanceMappingNotFound:
        say("Instance %s is not mapped to a cell (upgrade is incomplete) or "
            "instance does not exist" % uuid)
        return 1
    if mapping.cell_uuid is None:
        say("Instance %s is not mapped to a cell" % uuid)
        return 2
    cell = cell_mapping_obj.CellMapping.get_by_uuid(ctx, mapping.cell_uuid)
    with ctx.target_cell(cell.uuid) as cctx:
        try:
            instance_obj.Instance.get_by_uuid(cctx, uuid)
        except exception.InstanceNotFound:
            try:
                instance_obj.Instance.get_by_uuid(cctx, uuid,
                                                  read_deleted=True)
            except exception.InstanceNotFound:
                say("The instance with uuid %s has been archived." % uuid)
                say("However its instance_mapping remains.")
                return 4
            say("The instance with uuid %s has been deleted." % uuid)
            say("Its instance_mapping remains until the deleted instance "
                "is archived.")
            return 3
    say("Instance %s is in cell: %s (%s)" % (uuid, cell.name, cell.uuid))
    return 0
