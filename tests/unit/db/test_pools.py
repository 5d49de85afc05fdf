"""Connection pools: the API database's can be sized apart from the
cells' ([api_database] max_pool_size and max_overflow, as Nova's), and
follows [database] when it is not."""
from stratus.db import api as db_api


def _sizes(database):
    pool = database.engine.pool
    return pool.size(), pool._max_overflow


def test_the_api_database_pool_follows_the_cells_unless_set(conf, tmp_path):
    conf.set_override("connection", "sqlite:///%s" % (tmp_path / "api.db"),
                      group="api_database")
    conf.set_override("max_pool_size", 1, group="database")
    conf.set_override("max_overflow", 4, group="database")
    databases = db_api.Databases.from_conf(conf)
    try:
        assert _sizes(databases.api) == (1, 4)
        cell = databases.cell_by_url("c1", "sqlite:///%s" % (
            tmp_path / "c1.db"))
        assert _sizes(cell) == (1, 4)
    finally:
        databases.dispose()
    conf.set_override("max_pool_size", 5, group="api_database")
    conf.set_override("max_overflow", 10, group="api_database")
    databases = db_api.Databases.from_conf(conf)
    try:
        assert _sizes(databases.api) == (5, 10)
        cell = databases.cell_by_url("c1", "sqlite:///%s" % (
            tmp_path / "c1.db"))
        assert _sizes(cell) == (1, 4)
    finally:
        databases.dispose()
