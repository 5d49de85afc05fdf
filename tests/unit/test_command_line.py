"""`stratus` command-line parsing: --config-file and --debug before or
after the subcommand."""
import pytest

from stratus.cmd import main


@pytest.mark.parametrize("argv,files", [
    (["all-in-one"], []),
    (["--config-file", "a.conf", "all-in-one"], ["a.conf"]),
    (["all-in-one", "--config-file", "a.conf", "--config-file", "b.conf"],
     ["a.conf", "b.conf"]),
    (["--config-file", "a.conf", "api", "--config-file", "b.conf"],
     ["a.conf", "b.conf"]),
    (["conductor", "--config-file", "c.conf"], ["c.conf"]),
    (["manage", "--config-file", "a.conf", "db", "sync", "--config-file",
      "b.conf"], ["a.conf", "b.conf"]),
])
def test_config_files_before_and_after_the_subcommand(argv, files):
    assert main.parse_args(argv).config_file == files


def test_debug_after_the_subcommand():
    assert main.parse_args(["scheduler", "--debug"]).debug is True
    assert main.parse_args(["scheduler"]).debug is False


def test_all_in_one_options_still_parse():
    args = main.parse_args(["all-in-one", "--data-dir", "/d", "--config-file",
                            "x.conf", "--compute-port", "1234"])
    assert (args.data_dir, args.compute_port, args.config_file) == (
        "/d", 1234, ["x.conf"])


def test_all_in_one_runs_cells():
    args = main.parse_args(["all-in-one", "--cells", "3", "--hosts", "6"])
    assert (args.cells, args.hosts) == (3, 6)
    assert main.parse_args(["all-in-one"]).cells is None
