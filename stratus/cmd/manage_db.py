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

The upgrade of the schemas in two steps (docs/upgrades.md), on the API
database and every cell database (the mapped ones and [database]
connection):

    expand                      (also: db sync --expand)
        every pending revision up to the first contract one;
        0 done, 1 no API database configured
    online_data_migrations [--max-count N]
        0 nothing left to migrate, 1 --max-count given and rows remain
        (run it again), 2 a migration failed (the others ran), 127 bad
        --max-count or no API database configured
    contract
        the remaining revisions; 0 done (or nothing to do), 1 refused:
        online data migrations pending, services older than the contract
        revisions need, or no API database configured
"""
import logging
import sys

from dateutil import parser as dateutil_parser

from stratus.cmd.manage_util import format_table
from stratus.cmd.manage_util import positive_count
from stratus.cmd.manage_util import required
from stratus.db import archive
from stratus.db import migration
from stratus.objects import online_migrations
from stratus.objects import cell_mapping as cell_mapping_obj

LOG = logging.getLogger(__name__)

# The largest --max_rows (a signed 32-bit integer, as Nova's MAX_INT).
MAX_INT = 0x7FFFFFFF
# Rows online_data_migrations moves per batch without --max-count (Nova's).
MIGRATION_BATCH = 50
INVALID_INPUT = 127


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

    db.add_parser(
        "expand", help="apply the pending schema revisions that are safe "
        "while the previous release runs (up to the first contract one), "
        "on the API database and every cell").set_defaults(func=db_expand)
    db.add_parser(
        "contract", help="apply the remaining schema revisions, once the "
        "online data migrations are done and every service is new"
    ).set_defaults(func=db_contract)
    online = db.add_parser(
        "online_data_migrations",
        help="move data into the shape this release wants, in batches")
    online.add_argument(
        "--max-count", dest="max_count", metavar="<number>",
        help="most rows to migrate in this run (default: batches of %d "
             "until complete)" % MIGRATION_BATCH)
    online.set_defaults(func=online_data_migrations)


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



# expand / contract / online_data_migrations ----------------------------

def _schemas(conf, args):
    """[(kind, label, url)]: the API database, then every cell database
    (the mapped ones by name, then [database] connection if unmapped)."""
    schemas = [("api", "API database", conf.api_database.connection)]
    cells = sorted(cell_mapping_obj.CellMappingList.get_all(
        args.admin_context()), key=lambda cell: cell.name or "")
    urls = [cell.database_connection for cell in cells]
    schemas += [("cell", "Cell %s" % (cell.name or cell.uuid),
                 cell.database_connection) for cell in cells]
    local = conf.database.connection
    if local and local not in urls:
        schemas.append(("cell", "[database] connection", local))
    return schemas


def _api_url(conf):
    return required(conf.api_database.connection, "--config-file",
                    "[api_database]/connection")


def db_expand(conf, args):
    url = _api_url(conf)
    if not url:
        return 1
    # The API database first: the cell list is read from it.
    expand_schema("api", "API database", url)
    for kind, label, url in _schemas(conf, args)[1:]:
        expand_schema(kind, label, url)
    return 0


def expand_schema(kind, label, url):
    target, held = migration.expand(kind, url)
    print("%s: %s%s" % (
        label, "expanded to %s" % target if target else "nothing to expand",
        "; contract revisions pending: %s" % ", ".join(held) if held else ""))


def db_contract(conf, args):
    if not _api_url(conf):
        return 1
    schemas = _schemas(conf, args)
    pending = {schema: migration.pending(schema[0], schema[2])
               for schema in schemas}
    scripts = [script for found in pending.values() for script in found]
    if not scripts:
        print("Nothing to contract: every database is at its latest "
              "revision.")
        return 0
    ctx = args.admin_context()
    left = online_migrations.remaining(ctx)
    if left:
        print("Refusing to contract: online data migrations are not "
              "complete (%s). Run `stratus manage db "
              "online_data_migrations` until it exits 0." % ", ".join(
                  "%s: %d rows" % item for item in sorted(left.items())))
        return 1
    minimum = migration.required_service_version(scripts)
    old = _services_older_than(ctx, minimum) if minimum else []
    if old:
        print("Refusing to contract: it needs every service at version %d "
              "or later; still older: %s. Upgrade them (or delete the "
              "records of services that are gone) and run it again."
              % (minimum, ", ".join("%s on %s in %s (version %s)" % row
                                    for row in old)))
        return 1
    for (kind, label, url), found in pending.items():
        if found:
            # An old service may have written an old-shape row since the
            # check: the contract revision refuses it.
            if not upgrade_or_refuse(kind, url):
                return 1
            print("%s: contracted to %s" % (label, found[-1].revision))
    return 0


def upgrade_or_refuse(kind, url):
    """Apply every pending revision; False after saying why when a
    contract revision found rows an online data migration must move
    first."""
    try:
        migration.upgrade(kind, url)
    except migration.DataMigrationsPending as refused:
        print(refused)
        return False
    return True


def _services_older_than(ctx, version):
    """[(binary, host, cell name, version)] of the services of every cell
    older than version."""
    old = []
    for cell in cell_mapping_obj.CellMappingList.get_all(ctx):
        for binary, host, found in migration.services_older_than(
                ctx.cell_db_for(cell.uuid), version):
            old.append((binary, host, cell.name, found))
    return old


def online_data_migrations(conf, args):
    if args.max_count is not None:
        max_count = positive_count(
            args.max_count, "Must supply a positive value for max_number")
        if max_count is None:
            return INVALID_INPUT
    else:
        max_count = MIGRATION_BATCH
    if not _api_url(conf):
        return INVALID_INPUT
    if args.max_count is None:
        print("Running batches of %d until complete" % max_count)
    ctx = args.admin_context()
    totals = {}
    while True:
        batch, failed = _migration_batch(ctx, max_count)
        ran = 0
        for name, (found, done) in batch.items():
            total = totals.get(name, (0, 0))
            totals[name] = (total[0] + found, total[1] + done)
            ran += done
        if args.max_count is not None or not ran:
            break
    print(format_table(["Migration", "Total Needed", "Completed"],
                       [[name, *totals[name]] for name in sorted(totals)]))
    # Without --max-count the loop ends only when a batch moved nothing:
    # a failure then needs a look. With it, a failure matters only when
    # nothing else moved (the others' rows may unblock it next time).
    if failed and (args.max_count is None or not ran):
        print("Some migrations failed unexpectedly. Check log for details.")
        return 2
    return int(bool(ran and online_migrations.remaining(ctx)))


def _migration_batch(ctx, max_count):
    """Run each migration on up to what is left of max_count rows;
    ({name: (found, done)}, whether one raised)."""
    ran, failed, results = 0, False, {}
    for online in online_migrations.MIGRATIONS:
        try:
            found, done = online.migrate(ctx, max_count - ran)
        except Exception:  # noqa: BLE001 - reported; the others still run
            print("Error attempting to run %s" % online.name)
            LOG.exception("Error attempting to run %s", online.name)
            failed, found, done = True, 0, 0
        if found:
            print("%d rows matched query %s, %d migrated"
                  % (found, online.name, done))
        results[online.name] = (found, done)
        ran += done
        if ran >= max_count:
            break
    return results, failed
