"""The real clients' usage reports: `openstack usage list` and `usage
show`, and the deprecated `nova usage-list`, against a server booted
and one deleted."""
import os
import subprocess
import sys

import pytest
import yaml

pytestmark = pytest.mark.slow


def _nova(http_cloud, *args):
    """The `nova` command, configured by environment as it expects."""
    with open(http_cloud.clouds_yaml) as handle:
        auth = yaml.safe_load(handle)["clouds"]["stratus"]["auth"]
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("OS_")}
    env.update({"OS_" + key.upper(): str(value)
                for key, value in auth.items()})
    result = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "nova")] + list(args),
        env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_usage_list_and_show(cli, http_cloud):
    image = cli.json("image", "list")[0]["Name"]
    for name in ("kept", "gone"):
        cli.run("server", "create", "--flavor", "m1.tiny", "--image", image,
                "--wait", name)
    cli.run("server", "delete", "--wait", "gone")
    project = cli.json("token", "issue")["project_id"]

    listed = cli.json("usage", "list", "--start", "2020-01-01")
    assert [row["Project"] for row in listed] in (["admin"], [project])
    (row,) = listed
    # The client asks detailed=True; Nova lists the servers only for
    # detailed=1, so its Servers column stays empty (as against Nova).
    assert row["Servers"] is None
    assert float(row["RAM MB-Hours"]) >= 0
    assert set(row) == {"Project", "Servers", "RAM MB-Hours",
                        "CPU Hours", "Disk GB-Hours"}

    shown = cli.json("usage", "show", "--project", project,
                     "--start", "2020-01-01")
    # -f json shows the server usages themselves
    assert sorted(s["name"] for s in shown["Servers"]) == ["gone", "kept"]
    assert {s["state"] for s in shown["Servers"]} == {"active", "terminated"}
    assert float(shown["CPU Hours"]) > 0
    table = cli.run("usage", "show", "--project", project,
                    "--start", "2020-01-01").stdout
    assert "| Servers       | 2 " in table

    empty = cli.json("usage", "show", "--project", project,
                     "--start", "2020-01-01", "--end", "2020-02-01")
    assert not empty.get("Servers")

    table = _nova(http_cloud, "usage-list", "--start", "2020-01-01")
    assert project in table and "Servers" in table
    shown_table = _nova(http_cloud, "usage", "--start", "2020-01-01")
    assert "Servers" in shown_table and "| 2 " in shown_table
