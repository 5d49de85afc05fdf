"""`stratus status upgrade check` (nova-status) on a running cloud and on
an all-in-one's data dir: each check's result in one table, exit 0
success / 1 warning / 2 failure / 255 error."""
import os
import subprocess
import sys

import pytest
import sqlalchemy as sa

from stratus.cmd import main as stratus_main
from stratus.cmd import manage as manage_cmd
from stratus import conf as stratus_conf
from stratus import constants
from stratus.db import archive
from stratus.db import cell_models
from stratus.objects import cell_mapping as cell_mapping_obj
from stratus.objects import host_mapping as host_mapping_obj

pytestmark = pytest.mark.slow

CHECK = ("status", "upgrade", "check")
STRATUS = os.path.join(os.path.dirname(sys.executable), "stratus")


def results(out):
    """{check name: (result, details)} of the table printed."""
    found = {}
    name = None
    for line in out.splitlines():
        text = line.strip("| ").rstrip()
        if text.startswith("Check: "):
            name = text[len("Check: "):]
            found[name] = [None, ""]
        elif text.startswith("Result: "):
            found[name][0] = text[len("Result: "):]
        elif text.startswith("Details: "):
            found[name][1] = text[len("Details: "):]
        elif name and text and not text.startswith("+"):
            found[name][1] += " " + text
    return {key: tuple(value) for key, value in found.items()}


def test_a_healthy_cloud_passes_every_check(cloud_manage):
    cloud_manage.boot()
    code, out = cloud_manage.run(*CHECK)
    assert code == 0, out
    assert out.startswith("+---")
    assert out.splitlines()[1].startswith("| Upgrade Check Results ")
    assert results(out) == {
        name: ("Success", "None") for name in (
            "Cells v2", "Database Schemas", "Online Data Migrations",
            "Placement API", "Instance Mappings", "Request Specs", "Service Versions")}


def test_missing_records_fail_and_old_computes_warn(cloud_manage):
    ctx = cloud_manage.ctx
    server = cloud_manage.boot()
    cell1 = next(cell for cell in
                 cell_mapping_obj.CellMappingList.get_all(ctx)
                 if cell.name == "cell1")
    with ctx.cell_db_for(cell1.uuid).writer() as session:
        table = cell_models.Service.__table__
        session.execute(sa.update(table).where(
            table.c.binary == constants.COMPUTE_BINARY).values(version=0))
    code, out = cloud_manage.run(*CHECK)
    assert code == 1, out
    result, details = results(out)["Service Versions"]
    assert result == "Warning"
    assert "stratus-test (version 0)" in details

    # A server whose API records were lost.
    archive.delete_api_records(ctx.api_db, [server["id"]])
    code, out = cloud_manage.run(*CHECK)
    assert code == 2, out
    checks = results(out)
    for name in ("Instance Mappings", "Request Specs"):
        assert checks[name][0] == "Failure"
        assert "1 in cell cell1 (%s)" % cell1.uuid in checks[name][1]
    assert checks["Cells v2"] == ("Success", "None")

    for mapping in host_mapping_obj.HostMappingList.get_all(ctx):
        mapping.destroy()
    checks = results(cloud_manage.run(*CHECK)[1])
    assert checks["Cells v2"] == (
        "Failure", "No host mappings found but there are compute nodes. Run "
        "command 'stratus manage cell_v2 discover_hosts' and then retry.")


def test_an_unreachable_database_is_an_error(tmp_path, capsys):
    conf = stratus_conf.build_conf(config_files=[])
    conf.set_override("connection", "sqlite:///%s/no/such/api.db" % tmp_path,
                      group="api_database")
    capsys.readouterr()
    code = manage_cmd.main(conf, stratus_main.parse_args(list(CHECK)))
    assert code == 255
    assert capsys.readouterr().out.startswith("Error:\n")


def _in_process(capsys, *argv):
    """`stratus argv` in this process, on options read from no
    configuration file (as the command line, without its start-up
    time)."""
    capsys.readouterr()
    code = manage_cmd.main(stratus_conf.build_conf(config_files=[]),
                           stratus_main.parse_args(list(argv)))
    return code, capsys.readouterr().out


def test_commands_on_a_data_dir(tmp_path, capsys):
    data_dir = tmp_path / "data"
    done = subprocess.run([STRATUS, "all-in-one", "--init-only", "--auth",
                           "noauth", "--data-dir", str(data_dir)],
                          capture_output=True, text=True, cwd=str(tmp_path),
                          timeout=120)
    assert done.returncode == 0, done.stdout
    code, out = _in_process(capsys, "status", "--data-dir", str(data_dir),
                            *CHECK[1:])
    assert code == 0, out
    assert results(out)["Cells v2"][0] == "Success"
    manage = ("manage", "--data-dir", str(data_dir))
    assert _in_process(capsys, *manage, "db", "archive_deleted_rows",
                       "--verbose") == (0, "Nothing was archived.\n")
    assert _in_process(capsys, *manage, "db", "purge", "--all")[0] == 3
    assert _in_process(capsys, *manage, "placement",
                       "heal_allocations")[0] == 4
    assert _in_process(capsys, *manage, "placement", "audit") == (0, "")
    assert _in_process(capsys, *manage, "placement",
                       "sync_aggregates") == (0, "")
    missing = tmp_path / "none"
    assert _in_process(capsys, "status", "--data-dir", str(missing),
                       *CHECK[1:]) == (
        1, "The data directory %s does not exist.\n" % missing)
