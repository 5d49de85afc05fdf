"""`stratus manage`: database and cell set-up, as Nova's nova-manage.

    stratus manage [--data-dir DIR] api_db sync | version
    stratus manage [--data-dir DIR] db sync [--local_cell] [--expand] | version
    stratus manage [--data-dir DIR] db archive_deleted_rows | purge |
                   expand | contract | online_data_migrations ...
                                                  (stratus/cmd/manage_db.py)
    stratus manage [--data-dir DIR] cell_v2 ...   (stratus/cmd/manage_cells.py)
    stratus manage [--data-dir DIR] placement heal_allocations | audit |
                   sync_aggregates ...       (stratus/cmd/manage_placement.py)

--data-dir points every command at an all-in-one's data directory (its
databases) without a configuration file. Every command returns Nova's
exit codes.
"""
import os

from stratus.cmd import manage_cells
from stratus.cmd import manage_db
from stratus.cmd import manage_placement
from stratus.cmd.manage_util import required as _required
from stratus.db import api as db_api
from stratus.db import migration
from stratus.db import setup as db_setup
from stratus import context as stratus_context
from stratus import exception
from stratus.objects import cell_mapping as cell_mapping_obj


def add_options(manage):
    """The options of `stratus manage` itself (before the command group)."""
    manage.add_argument("--data-dir", dest="data_dir",
                        help="work on the databases of the all-in-one "
                             "with this data directory (no config file "
                             "needed)")


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
    sync.add_argument("--expand", action="store_true",
                      help="`db expand`: the API database and every cell, "
                           "up to the first contract revision")
    sync.set_defaults(func=db_sync)
    db.add_parser("version", help="print the [database] connection "
                  "database version").set_defaults(func=db_version)
    manage_db.add_parsers(db)

    manage_cells.add_parsers(subparsers.add_parser(
        "cell_v2", help="cells v2 mappings").add_subparsers(
            dest="action", required=True))
    manage_placement.add_parsers(subparsers.add_parser(
        "placement", help="placement allocations and aggregates"
    ).add_subparsers(dest="action", required=True))


def main(conf, args):
    """Run the command args names; its exit code. The databases it opened
    are closed after it."""
    args.cell0_url = None
    if getattr(args, "data_dir", None):
        if not os.path.isdir(args.data_dir):
            print("The data directory %s does not exist." % args.data_dir)
            return 1
        from stratus.cmd import all_in_one
        data_dir = all_in_one.configure(conf, args.data_dir)
        args.cell0_url = all_in_one.cell0_url(data_dir)
    opened = []

    def admin_context():
        if not opened:
            opened.append(db_api.Databases.from_conf(conf))
        return stratus_context.get_admin_context(opened[0])
    args.admin_context = admin_context
    try:
        return args.func(conf, args) or 0
    finally:
        for databases in opened:
            databases.dispose()


# api_db / db -----------------------------------------------------------

def api_db_sync(conf, args):
    url = _required(conf.api_database.connection, "--config-file",
                    "[api_database]/connection")
    if not url:
        return 1
    return 0 if manage_db.upgrade_or_refuse("api", url) else 1


def api_db_version(conf, args):
    print(migration.current("api", conf.api_database.connection))
    return 0


def db_sync(conf, args):
    if args.expand and not args.local_cell:
        return manage_db.db_expand(conf, args)
    url = _required(conf.database.connection, "--config-file",
                    "[database]/connection")
    if not url:
        return 1
    if args.expand:
        # A cell conductor's host (no API database): its cell only.
        manage_db.expand_schema("cell", "[database] connection", url)
        return 0
    if not args.local_cell and conf.api_database.connection:
        try:
            cell0 = cell_mapping_obj.CellMapping.get_by_uuid(
                args.admin_context(), db_setup.CELL0_UUID)
        except exception.CellMappingNotFound:
            cell0 = None
        if cell0 is not None and cell0.database_connection != url:
            migration.upgrade("cell", cell0.database_connection)
    migration.upgrade("cell", url)
    return 0


def db_version(conf, args):
    print(migration.current("cell", conf.database.connection))
    return 0
