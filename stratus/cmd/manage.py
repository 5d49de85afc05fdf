"""`stratus manage`: database and cell set-up, as Nova's nova-manage.

    stratus manage api_db sync | version
    stratus manage db sync [--local_cell] | version
    stratus manage cell_v2 map_cell0 [--database_connection URL]
    stratus manage cell_v2 create_cell [--name N] [--database_connection URL]
                                       [--transport-url URL] [--verbose]
                                       [--disabled]
    stratus manage cell_v2 discover_hosts [--cell_uuid U] [--verbose]
                                          [--strict]
    stratus manage cell_v2 list_cells [--verbose]
    stratus manage cell_v2 list_hosts [--cell_uuid U]

Every command returns Nova's exit codes.
"""
import urllib.parse

from oslo_utils import uuidutils

from stratus import context as stratus_context
from stratus.db import api as db_api
from stratus.db import migration
from stratus.db import setup as db_setup
from stratus import exception
from stratus.objects import cell_mapping as cell_mapping_obj
from stratus.objects import host_mapping as host_mapping_obj


def add_parsers(subparsers):
    api_db = subparsers.add_parser(
        "api_db", help="the API database").add_subparsers(
            dest="action", required=True)
    api_db.add_parser("sync", help="upgrade the API database schema"
                      ).set_defaults(func=api_db_sync)
    api_db.add_parser("version", help="print the API database version"
                      ).set_defaults(func=api_db_version)

    db = subparsers.add_parser(
        "db", help="the cell databases").add_subparsers(
            dest="action", required=True)
    sync = db.add_parser("sync", help="upgrade the [database] connection "
                         "database and, unless --local_cell, cell0")
    sync.add_argument("--local_cell", action="store_true")
    sync.set_defaults(func=db_sync)
    db.add_parser("version", help="print the [database] connection "
                  "database version").set_defaults(func=db_version)

    cells = subparsers.add_parser(
        "cell_v2", help="cells v2 mappings").add_subparsers(
            dest="action", required=True)
    cell0 = cells.add_parser("map_cell0", help="map the cell0 database")
    cell0.add_argument("--database_connection")
    cell0.set_defaults(func=map_cell0)
    create = cells.add_parser("create_cell", help="map a new cell")
    create.add_argument("--name")
    create.add_argument("--database_connection")
    create.add_argument("--transport-url", dest="transport_url")
    create.add_argument("--verbose", action="store_true",
                        help="print the uuid of the new cell")
    create.add_argument("--disabled", action="store_true")
    create.set_defaults(func=create_cell)
    discover = cells.add_parser("discover_hosts",
                                help="map compute hosts that are not mapped")
    discover.add_argument("--cell_uuid")
    discover.add_argument("--verbose", action="store_true")
    discover.add_argument("--strict", action="store_true",
                          help="exit 1 unless a new host was mapped")
    discover.set_defaults(func=discover_hosts)
    list_cells_parser = cells.add_parser("list_cells", help="list the cells")
    list_cells_parser.add_argument("--verbose", action="store_true",
                                   help="show passwords in URLs")
    list_cells_parser.set_defaults(func=list_cells)
    hosts = cells.add_parser("list_hosts", help="list the mapped hosts")
    hosts.add_argument("--cell_uuid")
    hosts.set_defaults(func=list_hosts)


def main(conf, args):
    return args.func(conf, args) or 0


def _admin_context(conf):
    return stratus_context.get_admin_context(db_api.Databases.from_conf(conf))


def _required(value, argument, option):
    if not value:
        print("Must specify %s if %s is not set in the configuration file."
              % (argument, option))
    return value


# api_db / db -----------------------------------------------------------

def api_db_sync(conf, args):
    url = _required(conf.api_database.connection, "--config-file",
                    "[api_database]/connection")
    if not url:
        return 1
    migration.upgrade("api", url)
    return 0


def api_db_version(conf, args):
    print(migration.current("api", conf.api_database.connection))
    return 0


def db_sync(conf, args):
    url = _required(conf.database.connection, "--config-file",
                    "[database]/connection")
    if not url:
        return 1
    if not args.local_cell and conf.api_database.connection:
        try:
            cell0 = cell_mapping_obj.CellMapping.get_by_uuid(
                _admin_context(conf), db_setup.CELL0_UUID)
        except exception.CellMappingNotFound:
            cell0 = None
        if cell0 is not None and cell0.database_connection != url:
            migration.upgrade("cell", cell0.database_connection)
    migration.upgrade("cell", url)
    return 0


def db_version(conf, args):
    print(migration.current("cell", conf.database.connection))
    return 0


# cell_v2 -----------------------------------------------------------------

def map_cell0(conf, args):
    ctx = _admin_context(conf)
    try:
        cell_mapping_obj.CellMapping.get_by_uuid(ctx, db_setup.CELL0_UUID)
        print("Cell0 is already setup")
        return 0
    except exception.CellMappingNotFound:
        pass
    url = args.database_connection or _cell0_url(conf.database.connection)
    if not _required(url, "--database_connection",
                     "[database]/connection"):
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
    transport_url = _required(args.transport_url or conf.transport_url,
                              "--transport-url", "[DEFAULT]/transport_url")
    if not transport_url:
        return 1
    url = _required(args.database_connection or conf.database.connection,
                    "--database_connection", "[database]/connection")
    if not url:
        return 1
    ctx = _admin_context(conf)
    for cell in cell_mapping_obj.CellMappingList.get_all(ctx):
        if (cell.transport_url == transport_url
                and cell.database_connection == url):
            print("The specified transport_url and/or database_connection "
                  "combination already exists for another cell with uuid "
                  "%s." % cell.uuid)
            return 2
    cell = cell_mapping_obj.CellMapping(
        ctx, uuid=uuidutils.generate_uuid(), name=args.name,
        transport_url=transport_url, database_connection=url,
        disabled=args.disabled)
    cell.create()
    if args.verbose:
        print(cell.uuid)
    return 0


def discover_hosts(conf, args):
    ctx = _admin_context(conf)
    try:
        created = host_mapping_obj.discover_hosts(
            ctx, args.cell_uuid, print if args.verbose else None)
    except exception.CellMappingNotFound:
        print("Cell with uuid %s was not found." % args.cell_uuid)
        return 1
    if args.strict:
        return 0 if created else 1
    return 0


def list_cells(conf, args):
    cells = cell_mapping_obj.CellMappingList.get_all(_admin_context(conf))
    show = (lambda url: url) if args.verbose else cell_mapping_obj.mask_password
    rows = [[cell.name or "", cell.uuid, show(cell.transport_url),
             show(cell.database_connection), cell.disabled]
            for cell in sorted(cells, key=lambda cell: cell.name or "")]
    print(format_table(["Name", "UUID", "Transport URL",
                        "Database Connection", "Disabled"], rows))
    return 0


def list_hosts(conf, args):
    ctx = _admin_context(conf)
    if args.cell_uuid:
        try:
            cell_mapping_obj.CellMapping.get_by_uuid(ctx, args.cell_uuid)
        except exception.CellMappingNotFound:
            print("Cell with uuid %s was not found." % args.cell_uuid)
            return 1
    mappings = host_mapping_obj.HostMappingList.get_all(ctx, args.cell_uuid)
    rows = [[m.cell_mapping.name or "", m.cell_mapping.uuid, m.host]
            for m in mappings]
    print(format_table(["Cell Name", "Cell UUID", "Hostname"], rows))
    return 0


def format_table(headers, rows):
    """A table drawn like nova-manage's (prettytable, centred cells)."""
    cells = [[str(value) for value in row] for row in [headers] + rows]
    widths = [max(len(row[col]) for row in cells)
              for col in range(len(headers))]
    rule = "+" + "+".join("-" * (width + 2) for width in widths) + "+"

    def line(row):
        return "|" + "|".join(" %s " % _centre(text, width)
                              for text, width in zip(row, widths)) + "|"
    body = [line(row) for row in cells[1:]]
    return "\n".join([rule, line(cells[0]), rule] + body + [rule])


def _centre(text, width):
    excess = width - len(text)
    left = excess // 2
    if excess % 2 and not len(text) % 2:
        left += 1
    return " " * left + text + " " * (excess - left)
