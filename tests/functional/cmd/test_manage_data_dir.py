"""`stratus manage --data-dir DIR ...` works on an all-in-one's data
directory with no configuration file, as an operator runs it."""
import os
import subprocess
import sys

import pytest

from stratus.cmd import main as stratus_main
from stratus.cmd import manage as manage_cmd
from stratus import conf as stratus_conf
from tests.functional.cmd.conftest import table_rows

pytestmark = pytest.mark.slow

STRATUS = os.path.join(os.path.dirname(sys.executable), "stratus")


def _stratus(*argv, cwd):
    done = subprocess.run([STRATUS, *argv], capture_output=True, text=True,
                          cwd=cwd, timeout=120)
    return done.returncode, done.stdout


def _manage(capsys, *argv):
    """`stratus manage argv` in this process, on options read from no
    configuration file (as the command line above, without its start-up
    time)."""
    capsys.readouterr()
    code = manage_cmd.main(stratus_conf.build_conf(config_files=[]),
                           stratus_main.parse_args(["manage", *argv]))
    return code, capsys.readouterr().out


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("aio") / "data"
    code, out = _stratus("all-in-one", "--init-only", "--auth", "noauth",
                         "--cells", "2", "--data-dir", str(path),
                         cwd=str(path.parent))
    assert code == 0, out
    return path


def test_cell_v2_commands_on_a_data_dir(data_dir, tmp_path, capsys):
    # Run from elsewhere, with no stratus.conf anywhere near.
    code, out = _stratus("manage", "--data-dir", str(data_dir), "cell_v2",
                         "list_cells", cwd=str(tmp_path))
    assert code == 0, out
    cells = {row[0]: row for row in table_rows(out)}
    assert sorted(cells) == ["cell0", "cell1", "cell2"]
    for name in cells:
        assert cells[name][3] == "sqlite:///%s" % (data_dir / (name + ".db"))
    assert cells["cell2"][2] == "inproc:///cell2"
    assert _manage(capsys, "--data-dir", str(data_dir), "cell_v2",
                   "map_cell0") == (0, "Cell0 is already setup\n")
    code, out = _manage(capsys, "--data-dir", str(data_dir), "cell_v2",
                        "list_hosts")
    assert (code, table_rows(out)) == (0, [])
    code, out = _manage(capsys, "--data-dir", str(data_dir), "cell_v2",
                        "verify_instance", "--uuid",
                        "8a3e7d53-3f0c-4bd5-a4b5-4f6fd0f6b1a1")
    assert code == 1
    assert "is not mapped to a cell" in out


def test_database_commands_on_a_data_dir(data_dir, capsys):
    for group in ("api_db", "db"):
        code, out = _manage(capsys, "--data-dir", str(data_dir), group,
                            "version")
        assert code == 0
        assert out.strip() not in ("", "None")
        assert _manage(capsys, "--data-dir", str(data_dir), group,
                       "sync") == (0, "")


def test_a_data_dir_that_does_not_exist(tmp_path, capsys):
    missing = tmp_path / "nothing-here"
    assert _manage(capsys, "--data-dir", str(missing), "cell_v2",
                   "list_cells") == (
        1, "The data directory %s does not exist.\n" % missing)
    assert not missing.exists()
