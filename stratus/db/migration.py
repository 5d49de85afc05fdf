"""Schema migrations: one Alembic history per database kind (api, cell).

Migrations follow expand/contract. Every revision module declares
``phase``: "expand" revisions only add (old code keeps running against
them), "contract" revisions remove or tighten and run only once every
service is new (``requires_service_version``) and the online data
migrations are done. Within a release the contract revisions come after
all its expand ones, so `stratus manage db expand` (every revision up to
the first pending contract one) never skips an expand revision.
tests/unit/db/test_migration_phases.py checks all of this.
"""
import ast
import os
import re

from alembic import command
from alembic import config as alembic_config
from alembic import migration as alembic_migration
from alembic import script as alembic_script
import sqlalchemy as sa

from stratus.db import api as db_api
from stratus.db import cell_models

KINDS = ("api", "cell")
EXPAND, CONTRACT = PHASES = ("expand", "contract")
_HERE = os.path.dirname(os.path.abspath(__file__))

# The last revision of each history that a release shipped: the
# revisions after one release's last and up to the next's are that next
# release's (the ones after every entry: the release being made).
RELEASED = {"0.1.0": {"api": "0006", "cell": "0003"}}


def _config(kind, url=None, connection=None):
    cfg = alembic_config.Config()
    cfg.set_main_option("script_location",
                        os.path.join(_HERE, "migrations", kind))
    cfg.set_main_option("version_locations",
                        os.path.join(_HERE, "migrations", kind, "versions"))
    if url:
        cfg.set_main_option("sqlalchemy.url", str(url).replace("%", "%%"))
    cfg.attributes["connection"] = connection
    cfg.attributes["kind"] = kind
    return cfg


def upgrade(kind, url, revision="head"):
    """Bring the database at url up to revision (the latest by default)."""
    assert kind in KINDS, kind
    engine = db_api.create_engine(url)
    try:
        with engine.begin() as connection:
            command.upgrade(_config(kind, url, connection), revision)
    finally:
        engine.dispose()


class DataMigrationsPending(Exception):
    """A contract revision found rows an online data migration has still
    to move."""

    def __init__(self, left):
        self.left = left
        super().__init__(
            "Online data migrations are not complete (%s): run `stratus "
            "manage db online_data_migrations` until it exits 0, then "
            "`stratus manage db contract`." % ", ".join(
                "%s: %d rows" % item for item in sorted(left.items())))


def revisions(kind):
    """The revision scripts of a history, oldest first (each one's
    .module has its phase)."""
    script = alembic_script.ScriptDirectory.from_config(_config(kind))
    return list(reversed(list(script.walk_revisions())))


def pending(kind, url):
    """The revisions the database at url has still to apply, oldest
    first."""
    done = current(kind, url)
    scripts = revisions(kind)
    ids = [script.revision for script in scripts]
    return scripts[ids.index(done) + 1:] if done in ids else scripts


def expand_target(scripts):
    """The last of these pending revisions before the first contract one;
    None when there is none."""
    target = None
    for script in scripts:
        if phase(script) == CONTRACT:
            break
        target = script.revision
    return target


def expand(kind, url):
    """Apply the pending revisions of the database at url up to the first
    contract one; (the revision reached or None, the contract revisions
    left)."""
    scripts = pending(kind, url)
    target = expand_target(scripts)
    if target is not None:
        upgrade(kind, url, target)
    return target, [script.revision for script in scripts
                    if phase(script) == CONTRACT]


def phase(script):
    return getattr(script.module, "phase", None)


def required_service_version(scripts):
    """The oldest service version these revisions allow still running."""
    return max((getattr(script.module, "requires_service_version", 0)
                for script in scripts if phase(script) == CONTRACT),
               default=0)


def release_of(kind, scripts):
    """{revision: the release it belongs to (None: the coming one)}."""
    releases, upcoming = {}, sorted(RELEASED)
    for script in scripts:
        releases[script.revision] = upcoming[0] if upcoming else None
        if upcoming and RELEASED[upcoming[0]][kind] == script.revision:
            upcoming.pop(0)
    return releases


# What an expand revision must never do: it runs while the previous
# release's code reads and writes the tables.
DESTRUCTIVE_OPS = frozenset((
    "drop_table", "drop_column", "drop_index", "drop_constraint",
    "drop_table_comment", "drop_column_comment", "rename_table"))
# op.alter_column keywords that break old code (relaxing to nullable=True
# or changing a default does not).
_DESTRUCTIVE_ALTERS = ("type_", "new_column_name")
_DESTRUCTIVE_SQL = re.compile(
    r"\b(DROP|DELETE|TRUNCATE|RENAME|ALTER\s+TABLE\s+\S+\s+"
    r"(DROP|RENAME|MODIFY|CHANGE|ALTER))\b", re.IGNORECASE)


def destructive_ops(source):
    """[(line, what)] of the schema changes in the upgrade() of this
    revision source that an expand revision may not make: calls on
    ``op`` or on a batch_alter_table's ``batch_op``, found in the syntax
    tree."""
    tree = ast.parse(source)
    upgrade_fn = next((node for node in tree.body
                       if isinstance(node, ast.FunctionDef)
                       and node.name == "upgrade"), None)
    if upgrade_fn is None:
        return []
    receivers = {"op"}
    for node in ast.walk(upgrade_fn):
        if isinstance(node, ast.withitem) and isinstance(
                node.optional_vars, ast.Name):
            receivers.add(node.optional_vars.id)
    found = []
    for node in ast.walk(upgrade_fn):
        if not (isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in receivers):
            continue
        what = _destructive(node.func.attr, node)
        if what:
            found.append((node.lineno, what))
    return found


def _destructive(name, call):
    if name in DESTRUCTIVE_OPS:
        return name
    if name == "alter_column":
        for keyword in call.keywords:
            if keyword.arg in _DESTRUCTIVE_ALTERS or (
                    keyword.arg == "nullable" and not _true(keyword.value)):
                return "alter_column(%s=...)" % keyword.arg
        return None
    if name == "execute":
        texts = [node.value for node in ast.walk(call)
                 if isinstance(node, ast.Constant)
                 and isinstance(node.value, str)]
        if any(_DESTRUCTIVE_SQL.search(text) for text in texts):
            return "execute(destructive SQL)"
    return None


def _true(node):
    return isinstance(node, ast.Constant) and node.value is True


def services_older_than(database, version):
    """[(binary, host, version)] of the service records (not deleted) of
    this cell database older than version, oldest first (none in a
    database not yet migrated)."""
    service = cell_models.Service.__table__
    with database.reader() as session:
        if not sa.inspect(session.connection).has_table(service.name):
            return []
        rows = session.execute(sa.select(
            service.c.binary, service.c.host, service.c.version).where(
            service.c.deleted == 0,
            sa.func.coalesce(service.c.version, 0) < version).order_by(
            service.c.version, service.c.binary, service.c.host)).all()
    return [tuple(row) for row in rows]


def current(kind, url):
    engine = db_api.create_engine(url)
    try:
        with engine.connect() as connection:
            ctx = alembic_migration.MigrationContext.configure(connection)
            return ctx.get_current_revision()
    finally:
        engine.dispose()


def head(kind):
    return alembic_script.ScriptDirectory.from_config(_config(kind)).get_current_head()


def metadata(kind):
    if kind == "api":
        from stratus.db import api_models
        from stratus.db import network_models  # noqa: F401 - its tables
        from stratus.db import volume_models  # noqa: F401 - its tables
        return api_models.Base.metadata
    from stratus.db import cell_models
    return cell_models.Base.metadata


def drop_all(url):
    """Remove every table (tests use this to reset a server database)."""
    engine = sa.create_engine(str(url))
    try:
        with engine.begin() as connection:
            meta = sa.MetaData()
            meta.reflect(bind=connection)
            if connection.dialect.name == "mysql":
                connection.exec_driver_sql("SET FOREIGN_KEY_CHECKS=0")
            meta.drop_all(bind=connection)
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    finally:
        engine.dispose()
