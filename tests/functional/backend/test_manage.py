import argparse

import pytest

from stratus.cmd import manage
from stratus.cmd import manage_util
from stratus import context
from stratus.db import api as db_api
from stratus.db import migration
from stratus.db import setup as db_setup
from stratus.objects import cell_mapping
from tests import dbs

pytestmark = pytest.mark.slow


def _run(conf, *argv):
    parser = argparse.ArgumentParser()
    manage.add_parsers(parser.add_subparsers(dest="manage_command",
                                             required=True))
    return manage.main(conf, parser.parse_args(argv))


def test_set_up_a_cloud_like_nova_manage(conf, db_backend, tmp_path, capsys):
    urls = {role: dbs.create_database(db_backend, dbs.database_name(
        db_backend, role), str(tmp_path)) for role in ("api", "cell0", "cell1")}
    conf.set_override("connection", urls["api"], group="api_database")
    conf.set_override("connection", urls["cell1"], group="database")
    conf.set_override("transport_url", "rabbit://stratus:secret@mq:5672/")
    assert _run(conf, "api_db", "sync") == 0
    assert _run(conf, "cell_v2", "map_cell0", "--database_connection",
                urls["cell0"]) == 0
    assert _run(conf, "cell_v2", "map_cell0") == 0
    assert "Cell0 is already setup" in capsys.readouterr().out
    assert _run(conf, "cell_v2", "create_cell", "--name", "cell1",
                "--verbose") == 0
    cell1_uuid = capsys.readouterr().out.strip().splitlines()[-1]
    assert _run(conf, "cell_v2", "create_cell", "--name", "again") == 2
    assert "already exists" in capsys.readouterr().out
    assert _run(conf, "db", "sync") == 0
    for url in (urls["cell0"], urls["cell1"]):
        assert migration.current("cell", url) == migration.head("cell")

    assert _run(conf, "cell_v2", "list_cells") == 0
    table = capsys.readouterr().out
    assert "rabbit://stratus:****@mq:5672/" in table
    assert "secret" not in table
    lines = table.splitlines()
    assert [cell.strip() for cell in lines[1].split("|")[1:-1]] == [
        "Name", "UUID", "Transport URL", "Database Connection", "Disabled"]
    assert [line.split("|")[1].strip() for line in lines[3:5]] == [
        "cell0", "cell1"]
    assert _run(conf, "cell_v2", "list_cells", "--verbose") == 0
    assert "rabbit://stratus:secret@mq:5672/" in capsys.readouterr().out

    databases = db_api.Databases.from_conf(conf)
    try:
        ctx = context.get_admin_context(databases)
        _register_unmapped_host(ctx, cell1_uuid)
        assert _run(conf, "cell_v2", "discover_hosts", "--verbose") == 0
        out = capsys.readouterr().out
        assert "Skipping cell0 since it does not contain hosts." in out
        assert "Creating host mapping for compute host 'late'" in out
        assert _run(conf, "cell_v2", "discover_hosts", "--strict") == 1
        assert _run(conf, "cell_v2", "list_hosts") == 0
        rows = capsys.readouterr().out.splitlines()
        assert [cell.strip() for cell in rows[3].split("|")[1:-1]] == [
            "cell1", cell1_uuid, "late"]
        assert _run(conf, "cell_v2", "list_hosts", "--cell_uuid",
                    db_setup.CELL0_UUID) == 0
        assert _run(conf, "cell_v2", "list_hosts", "--cell_uuid",
                    "no-such-cell") == 1
    finally:
        databases.dispose()


def _register_unmapped_host(ctx, cell_uuid):
    """A compute node that registered before host mappings existed."""
    from stratus.objects import compute_node
    cell = cell_mapping.CellMapping.get_by_uuid(ctx, cell_uuid)
    compute_node.ComputeNodeList.update_host(
        ctx, cell.uuid, "late", None, [compute_node.ComputeNode(
            hypervisor_hostname="late-node", vcpus=1, memory_mb=1,
            local_gb=1, hypervisor_type="fake", hypervisor_version=1)])


def test_missing_options_are_reported(conf, capsys):
    assert _run(conf, "api_db", "sync") == 1
    assert "[api_database]/connection" in capsys.readouterr().out


def test_table_is_drawn_like_prettytable():
    assert manage_util.format_table(["Name", "UUID"], [["cell0", "ab"]]) == (
        "+-------+------+\n"
        "|  Name | UUID |\n"
        "+-------+------+\n"
        "| cell0 |  ab  |\n"
        "+-------+------+")
