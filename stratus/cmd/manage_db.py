"""`stratus manage db archive_deleted_rows` and `db purge`: nova-manage's,
with its options, messages and exit codes (the SQL is in
stratus/db/archive.py).

    archive_deleted_rows [--max_rows N] [--before DATE] [--verbose]
                         [--until-complete] [--all-cells] [--task-log]
        0 nothing archived, 1 rows archived, 2 bad --max_rows,
        3 no API database, 4 bad --before
    purge [--before DATE | --all] [--all-cells] [--verbose]
        0 rows purged, 1 neither --before nor --all, 2 bad --before,
        3 nothing purged, 4 no cell list (no API database)

Without --all-cells both work on the [database] connection database (the
cell it names, or cell1 of an all-in-one's data dir).
"""
import sys

from dateutil import parser as dateutil_parser

from stratus.cmd.manage_util import format_table
from stratus.db import archive
from stratus.objects import cell_mapping as cell_mapping_obj

# The largest --max_rows (a signed 32-bit integer, as Nova's MAX_INT).
MAX_INT = 0x7FFFFFFF


def add_parsers(db):
    """The archive and purge commands, on db (argparse subparsers)."""
    archive_parser = db.add_parser(
        "archive_deleted_rows",
        help="move deleted rows from production tables to shadow tables")
    archive_parser.add_argument(
        "--max_rows", type=int, default=1000, dest="max_rows",
        metavar="<number>",
        help="most deleted rows to archive (default 1000), not counting "
             "the rows of an archived server's actions, metadata and the "
             "like, nor its API database rows")
    archive_parser.add_argument(
        "--before", metavar="<date>",
        help="archive rows deleted before this date (the format of "
             "`date`, or YYYY-MM-DD [HH:mm:ss])")
    archive_parser.add_argument("--verbose", action="store_true",
                                help="print the rows archived per table")
    archive_parser.add_argument(
        "--until-complete", action="store_true", dest="until_complete",
        help="archive in batches of --max_rows until nothing is left")
    archive_parser.add_argument("--all-cells", action="store_true",
                                dest="all_cells",
                                help="archive in every cell database")
    archive_parser.add_argument(
        "--task-log", action="store_true", dest="task_log",
        help="also archive task_log records (Stratus keeps none: "
             "accepted for nova-manage's scripts)")
    archive_parser.set_defaults(func=archive_deleted_rows)

    purge = db.add_parser("purge", help="delete rows from shadow tables")
    purge.add_argument("--before", metavar="<before>",
                       help="purge rows older than this date")
    purge.add_argument("--all", action="store_true", dest="purge_all",
                       help="purge every row of the shadow tables")
    purge.add_argument("--all-cells", action="store_true",
                       dest="all_cells",
                       help="purge in every cell database")
    purge.add_argument("--verbose", action="store_true",
                       help="print what was purged")
    purge.set_defaults(func=purge_shadow_tables)


def _parse_date(text):
    """(datetime or None, error message or None)."""
    if not text:
        return None, None
    try:
        return dateutil_parser.parse(text, fuzzy=True), None
    except (ValueError, OverflowError) as exc:
        return None, "Invalid value for --before: %s" % exc


def _cell_databases(ctx, conf, all_cells):
    """[(cell name or None, Database)] to work on."""
    if all_cells:
        return [(cell.name, ctx.cell_db_for(cell.uuid)) for cell in
                sorted(cell_mapping_obj.CellMappingList.get_all(ctx),
                       key=lambda cell: cell.name or "")]
    for cell in cell_mapping_obj.CellMappingList.get_all(ctx):
        if cell.database_connection == conf.database.connection:
            return [(None, ctx.cell_db_for(cell.uuid))]
    if not conf.database.connection:
        raise LookupError("[database]/connection is not set")
    return [(None, ctx.databases.cell_by_url(
        "local", conf.database.connection))]


def archive_deleted_rows(conf, args):
    if args.max_rows < 0:
        print("Must supply a positive value for max_rows")
        return 2
    if args.max_rows > MAX_INT:
        print("max rows must be <= %d" % MAX_INT)
        return 2
    if not conf.api_database.connection:
        return _no_api_database()
    ctx = args.admin_context()
    try:
        cells = _cell_databases(ctx, conf, args.all_cells)
    except Exception:  # noqa: BLE001 - any failure to reach it says the same
        return _no_api_database()
    before, error = _parse_date(args.before)
    if error:
        print(error)
        return 4
    archived = {}
    if args.until_complete and args.verbose:
        sys.stdout.write("Archiving..")
    total = 0
    for cell_name, db in cells:
        if args.until_complete:
            limit = args.max_rows
        elif args.max_rows > total:
            limit = args.max_rows - total
        else:
            break
        total += _archive_cell(ctx, db, cell_name, limit, before, args,
                               archived)
    if args.until_complete and args.verbose:
        print(".complete")
    if args.verbose:
        if archived:
            print(format_table(
                ["Table", "Number of Rows Archived"],
                [[name, archived[name]] for name in sorted(archived)],
                align="l"))
        else:
            print("Nothing was archived.")
    return int(bool(archived))


def _no_api_database():
    print("Failed to connect to API DB so aborting this archival attempt. "
          "Please check your config file to make sure that "
          "[api_database]/connection is set and run this command again.")
    return 3


def _archive_cell(ctx, db, cell_name, limit, before, args, archived):
    """Archive one cell's database (batches until none is left with
    --until-complete); the rows counted against --max_rows."""
    prefix = cell_name + "." if cell_name else ""
    total = 0
    while True:
        batch = archive.archive_deleted_rows(db, limit, before)
        for table, rows in batch.rows.items():
            archived[prefix + table] = archived.get(prefix + table, 0) + rows
        if batch.instance_uuids:
            deleted = archive.delete_api_records(ctx.api_db,
                                                 batch.instance_uuids)
            for table, rows in deleted.items():
                name = "API_DB." + table
                archived[name] = archived.get(name, 0) + rows
        total += batch.total
        if not args.until_complete or not batch.total:
            return total
        if args.verbose:
            sys.stdout.write(".")


def purge_shadow_tables(conf, args):
    if args.before is None and not args.purge_all:
        print("Either --before or --all is required")
        return 1
    before, error = _parse_date(args.before)
    if error:
        print(error)
        return 2
    ctx = args.admin_context()
    try:
        cells = _cell_databases(ctx, conf, args.all_cells)
    except Exception:  # noqa: BLE001 - any failure to reach it says the same
        print("Unable to get cell list from API DB. Is it configured?")
        return 4
    deleted = 0
    for cell_name, db in cells:
        identity = "Cell %s" % cell_name if cell_name else "DB"

        def status(message, identity=identity):
            if args.verbose:
                print("%s: %s" % (identity, message))
        deleted += archive.purge_shadow_tables(db, before, status)
    return 0 if deleted else 3

