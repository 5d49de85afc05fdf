"""Schema migrations: one Alembic history per database kind (api, cell).

Migrations follow expand/contract: a release only adds; removals come a
release later, once no running code reads the old shape.
"""
import os

from alembic import command
from alembic import config as alembic_config
from alembic import migration as alembic_migration
from alembic import script as alembic_script
import sqlalchemy as sa

from stratus.db import api as db_api

KINDS = ("api", "cell")
_HERE = os.path.dirname(os.path.abspath(__file__))


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
