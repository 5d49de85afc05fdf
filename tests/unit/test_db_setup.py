import sqlalchemy as sa

from stratus.db import api_models
from stratus.db import setup as db_setup


def test_cloud_databases_map_cell0_and_cell1(databases):
    with databases.api.reader() as session:
        cells = {c.name: c.uuid for c in session.scalars(sa.select(api_models.CellMapping))}
    assert cells["cell0"] == db_setup.CELL0_UUID
    assert set(cells) == {"cell0", "cell1"}
    # each mapped cell database answers queries through its mapping
    for cell_uuid in cells.values():
        with databases.cell(cell_uuid).reader() as session:
            assert session.execute(sa.text("SELECT COUNT(*) FROM instances")).scalar() == 0


def test_sqlite_writers_queue_instead_of_failing(sqlite_databases):
    import threading
    errors = []

    def add(i):
        try:
            with sqlite_databases.api.writer() as session:
                count = session.scalar(sa.select(sa.func.count()).select_from(api_models.KeyPair))
                session.add(api_models.KeyPair(name="k%d-%d" % (i, count), user_id="u", public_key="x", type="ssh"))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
    threads = [threading.Thread(target=add, args=(i,)) for i in range(20)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert errors == []
    with sqlite_databases.api.reader() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(api_models.KeyPair)) == 20
