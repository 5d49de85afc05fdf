"""The schema upgrade in two steps, as an operator runs it on databases
that the previous release left: `db expand`, `db online_data_migrations`,
`db contract` (its refusals) and `db sync --expand`, on every backend."""
import dataclasses
import os
import subprocess
import sys
import uuid

import pytest
import sqlalchemy as sa

from stratus.cmd import main as stratus_main
from stratus.cmd import manage as manage_cmd
from stratus import conf as stratus_conf
from stratus import context
from stratus.db import api as db_api
from stratus.db import api_models
from stratus.db import cell_models
from stratus.db import migration
from stratus.objects import online_migrations
from stratus.objects import block_device_mapping as bdm_obj
from stratus.objects import build_request as build_request_obj
from stratus.objects import cell_mapping as cell_mapping_obj
from stratus.objects import instance as instance_obj
from stratus.objects import instance_mapping as instance_mapping_obj
from tests import dbs
from tests.functional.cmd.conftest import table_rows
from tests.functional.hosts import fixtures as host_fixtures

pytestmark = pytest.mark.slow

STRATUS = os.path.join(os.path.dirname(sys.executable), "stratus")
# This release's last expand revision of the API, and its contract one.
EXPANDED, CONTRACTED = "0010", "0008"
_MAPPINGS = api_models.InstanceMapping.__table__
_SERVICES = cell_models.Service.__table__


@dataclasses.dataclass
class Cloud:
    """Fresh databases (API, cell0, cell1) expanded and mapped, and the
    rows the previous release wrote."""
    conf: object
    urls: dict
    capsys: object
    databases: object

    @property
    def ctx(self):
        return context.get_admin_context(self.databases)

    def run(self, *argv):
        self.capsys.readouterr()
        code = manage_cmd.main(self.conf,
                               stratus_main.parse_args(["manage", *argv]))
        return code, self.capsys.readouterr().out

    def cell1(self):
        return next(cell.uuid for cell in
                    cell_mapping_obj.CellMappingList.get_all(self.ctx)
                    if cell.name == "cell1")

    def old_mapping(self, instance_uuid, cell_uuid=None):
        """A mapping as release 0.1.0 could write it: no user_id."""
        cell_id = None
        with self.databases.api.writer() as session:
            if cell_uuid is not None:
                cell_id = session.scalar(sa.select(
                    api_models.CellMapping.id).where(
                    api_models.CellMapping.uuid == cell_uuid))
            session.execute(_MAPPINGS.insert().values(
                instance_uuid=instance_uuid, cell_id=cell_id,
                project_id="demo", user_id=None, queued_for_delete=False))

    def server(self, cell_uuid, user_id, deleted=False):
        """A server in the cell; its uuid."""
        flavor = host_fixtures.small_flavor()
        with self.ctx.target_cell(cell_uuid) as cctx:
            instance = instance_obj.Instance(
                cctx, uuid=str(uuid.uuid4()), display_name="vm",
                hostname="vm", project_id="demo", user_id=user_id,
                vm_state="active", power_state=1, flavor=flavor, vcpus=1,
                memory_mb=512, root_gb=1, ephemeral_gb=0,
                instance_type_id=flavor.id)
            instance.create()
            if deleted:
                instance.destroy()
        return instance.uuid

    def owners(self):
        with self.databases.api.reader() as session:
            return dict(session.execute(sa.select(
                _MAPPINGS.c.instance_uuid, _MAPPINGS.c.user_id)).all())

    def service(self, cell_uuid, host, version):
        with self.ctx.cell_db_for(cell_uuid).writer() as session:
            session.execute(_SERVICES.insert().values(
                uuid=str(uuid.uuid4()), host=host, binary="stratus-compute",
                topic="compute", report_count=1, version=version, deleted=0))

    def set_service_versions(self, cell_uuid, version):
        with self.ctx.cell_db_for(cell_uuid).writer() as session:
            session.execute(_SERVICES.update().values(version=version))


@pytest.fixture
def cloud(conf, db_backend, tmp_path, capsys):
    urls = {role: dbs.create_database(db_backend, dbs.database_name(
        db_backend, role), str(tmp_path)) for role in ("api", "cell0",
                                                        "cell1")}
    conf.set_override("connection", urls["api"], group="api_database")
    conf.set_override("connection", urls["cell1"], group="database")
    conf.set_override("transport_url", "rabbit://stratus:secret@mq:5672/")
    made = Cloud(conf, urls, capsys, None)
    # What an operator does on a new install, with expand for sync.
    code, out = made.run("db", "expand")
    assert code == 0, out
    assert out.splitlines() == [
        "API database: expanded to %s; contract revisions pending: %s"
        % (EXPANDED, CONTRACTED),
        "[database] connection: expanded to %s" % migration.head("cell")]
    assert made.run("cell_v2", "map_cell0", "--database_connection",
                    urls["cell0"])[0] == 0
    assert made.run("cell_v2", "create_cell", "--name", "cell1")[0] == 0
    made.databases = db_api.Databases.from_conf(conf)
    try:
        yield made
    finally:
        made.databases.dispose()


def test_expand_stops_before_the_contract_and_contract_finishes(cloud):
    urls = cloud.urls
    assert migration.current("api", urls["api"]) == EXPANDED
    # The cell mapped after the first expand is expanded by the next.
    code, out = cloud.run("db", "sync", "--expand")
    assert code == 0
    assert out.splitlines() == [
        "API database: nothing to expand; contract revisions pending: %s"
        % CONTRACTED,
        "Cell cell0: expanded to %s" % migration.head("cell"),
        "Cell cell1: nothing to expand"]
    # The previous release's columns are still as it wrote them.
    assert _user_id_nullable(urls["api"])
    assert cloud.run("db", "contract") == (
        0, "API database: contracted to %s\n" % CONTRACTED)
    assert not _user_id_nullable(urls["api"])
    for url in (urls["cell0"], urls["cell1"]):
        assert migration.current("cell", url) == migration.head("cell")
    assert cloud.run("db", "contract") == (
        0, "Nothing to contract: every database is at its latest "
        "revision.\n")


def _user_id_nullable(url):
    engine = sa.create_engine(url)
    try:
        columns = sa.inspect(engine).get_columns("instance_mappings")
    finally:
        engine.dispose()
    return next(column for column in columns
                if column["name"] == "user_id")["nullable"]


def test_old_rows_migrate_online_and_then_contract_is_allowed(cloud):
    cell1 = cloud.cell1()
    owned = [cloud.server(cell1, "alice") for _ in range(3)]
    deleted = cloud.server(cell1, "bob", deleted=True)
    for instance_uuid in owned + [deleted]:
        cloud.old_mapping(instance_uuid, cell1)
    archived = str(uuid.uuid4())  # mapped, its server archived since
    cloud.old_mapping(archived, cell1)
    building = str(uuid.uuid4())  # accepted, not yet in a cell
    cloud.old_mapping(building)
    _build_request(cloud.ctx, building, "carol")
    # The new code reads a row of the old shape.
    assert instance_mapping_obj.InstanceMapping.get_by_instance_uuid(
        cloud.ctx, owned[0]).user_id is None

    code, out = cloud.run("db", "contract")
    assert code == 1
    assert out == (
        "Refusing to contract: online data migrations are not complete "
        "(populate_user_id: 6 rows). Run `stratus manage db "
        "online_data_migrations` until it exits 0.\n")
    assert migration.current("api", cloud.urls["api"]) == EXPANDED

    code, out = cloud.run("db", "online_data_migrations", "--max-count", "4")
    assert code == 1, out
    assert "4 rows matched query populate_user_id, 4 migrated\n" in out
    assert out.endswith(
        "+------------------+--------------+-----------+\n"
        "|    Migration     | Total Needed | Completed |\n"
        "+------------------+--------------+-----------+\n"
        "| populate_user_id |      4       |     4     |\n"
        "+------------------+--------------+-----------+\n")
    code, out = cloud.run("db", "online_data_migrations")
    assert code == 0, out
    assert out.startswith("Running batches of 50 until complete\n")
    assert table_rows(out) == [["populate_user_id", "2", "2"]]
    assert cloud.owners() == dict(
        {instance_uuid: "alice" for instance_uuid in owned},
        **{deleted: "bob", archived: "", building: "carol"})
    code, out = cloud.run("db", "online_data_migrations")
    assert (code, table_rows(out)) == (0, [["populate_user_id", "0", "0"]])

    assert cloud.run("db", "contract")[0] == 0
    assert migration.current("api", cloud.urls["api"]) == CONTRACTED


def _build_request(ctx, instance_uuid, user_id):
    instance = instance_obj.Instance(
        ctx, uuid=instance_uuid, project_id="demo", user_id=user_id,
        display_name="building", vm_state="building")
    build_request_obj.BuildRequest(
        ctx, instance_uuid=instance_uuid, project_id="demo",
        instance=instance, tags=[],
        block_device_mappings=bdm_obj.BlockDeviceMappingList(
            objects=[])).create()


def test_contract_waits_for_every_service_to_be_new(cloud):
    cell1 = cloud.cell1()
    cloud.service(cell1, "old-host", 1)
    cloud.service(cell1, "new-host", 2)
    code, out = cloud.run("db", "contract")
    assert code == 1
    assert out == (
        "Refusing to contract: it needs every service at version 2 or "
        "later; still older: stratus-compute on old-host in cell1 "
        "(version 1). Upgrade them (or delete the records of services "
        "that are gone) and run it again.\n")
    assert migration.current("api", cloud.urls["api"]) == EXPANDED
    cloud.set_service_versions(cell1, 2)
    assert cloud.run("db", "contract")[0] == 0


def test_sync_alone_refuses_the_contract_while_rows_are_left(cloud):
    cloud.old_mapping(str(uuid.uuid4()), cloud.cell1())
    code, out = cloud.run("api_db", "sync")
    assert code == 1
    assert "Online data migrations are not complete (populate_user_id: " \
        "1 rows)" in out
    assert migration.current("api", cloud.urls["api"]) == EXPANDED


def test_online_data_migrations_exit_codes(cloud, monkeypatch):
    for text in ("0", "-1", "many"):
        assert cloud.run("db", "online_data_migrations", "--max-count",
                         text) == (
            127, "Must supply a positive value for max_number\n")
    cloud.old_mapping(cloud.server(cloud.cell1(), "alice"), cloud.cell1())

    def broken(ctx, max_count):
        raise RuntimeError("cannot")
    monkeypatch.setattr(online_migrations, "MIGRATIONS", [
        online_migrations.OnlineMigration("broken", broken, lambda _: 1),
        *online_migrations.MIGRATIONS])
    code, out = cloud.run("db", "online_data_migrations")
    assert code == 2
    assert "Error attempting to run broken\n" in out
    # The others ran all the same.
    assert table_rows(out) == [["broken", "0", "0"],
                               ["populate_user_id", "1", "1"]]
    assert out.endswith("Some migrations failed unexpectedly. Check log "
                        "for details.\n")
    # With --max-count a failure counts only when nothing else moved.
    assert cloud.run("db", "online_data_migrations", "--max-count",
                     "5")[0] == 2
    cloud.conf.set_override("connection", "", group="api_database")
    assert cloud.run("db", "online_data_migrations") == (
        127, "Must specify --config-file if [api_database]/connection is "
        "not set in the configuration file.\n")


@dbs.SQLITE_ONLY
def test_on_an_all_in_one_data_dir(db_backend, tmp_path, capsys):
    data_dir = tmp_path / "data"
    done = subprocess.run(
        [STRATUS, "all-in-one", "--init-only", "--auth", "noauth",
         "--data-dir", str(data_dir)], capture_output=True, text=True,
        cwd=str(tmp_path), timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr

    def manage(*argv):
        capsys.readouterr()
        code = manage_cmd.main(stratus_conf.build_conf(config_files=[]),
                               stratus_main.parse_args(
                                   ["manage", "--data-dir", str(data_dir),
                                    *argv]))
        return code, capsys.readouterr().out
    # The all-in-one's sync applied everything.
    code, out = manage("db", "expand")
    assert code == 0
    assert out.splitlines()[0] == "API database: nothing to expand"
    code, out = manage("db", "online_data_migrations", "--max-count", "10")
    assert (code, table_rows(out)) == (0, [["populate_user_id", "0", "0"]])
    assert manage("db", "contract")[0] == 0


def test_the_all_in_one_upgrades_in_one_go_at_start(cloud):
    """Down for its upgrade, the all-in-one expands, runs the online data
    migrations to completion, then contracts (no manual step)."""
    from stratus.db import setup as db_setup
    from stratus.cmd import all_in_one
    cell1 = cloud.cell1()
    servers = [cloud.server(cell1, "alice") for _ in range(3)]
    for instance_uuid in servers:
        cloud.old_mapping(instance_uuid, cell1)
    databases = db_setup.setup_cloud_databases(
        cloud.urls["api"], cloud.urls["cell0"], cloud.urls["cell1"],
        migrate_data=all_in_one._migrate_data)
    try:
        assert migration.current("api", cloud.urls["api"]) == CONTRACTED
        assert not _user_id_nullable(cloud.urls["api"])
        assert {uuid_: owner for uuid_, owner in cloud.owners().items()
                if uuid_ in servers} == dict.fromkeys(servers, "alice")
    finally:
        databases.dispose()


def test_upgrade_check_tells_expand_contract_and_data_migrations(cloud):
    from tests.functional.cmd.test_status import results

    def checks():
        cloud.capsys.readouterr()
        manage_cmd.main(cloud.conf, stratus_main.parse_args(
            ["status", "upgrade", "check"]))
        out = cloud.capsys.readouterr().out
        found = results(out)
        assert "Database Schemas" in found, out
        return found["Database Schemas"], found["Online Data Migrations"]

    assert cloud.run("db", "expand")[0] == 0  # cell0, mapped after
    cell1 = cloud.cell1()
    cloud.old_mapping(cloud.server(cell1, "alice"), cell1)
    schemas, data = checks()
    assert schemas[0] == "Warning"
    assert "Contract revisions pending on the API database" in schemas[1]
    assert data == ("Warning", "Online data migrations have rows left: "
                    "populate_user_id (1). Run 'stratus manage db "
                    "online_data_migrations' until it exits 0.")
    assert cloud.run("db", "online_data_migrations")[0] == 0
    assert cloud.run("db", "contract")[0] == 0
    assert checks() == (("Success", "None"), ("Success", "None"))
    # A database without the release's expand revisions: it must not go
    # on (the new code needs them).
    engine = sa.create_engine(cloud.urls["cell0"])
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "UPDATE alembic_version SET version_num = '0002'")
    finally:
        engine.dispose()
    schemas, _ = checks()
    assert schemas[0] == "Failure"
    assert "cell cell0" in schemas[1] and "db expand" in schemas[1]
