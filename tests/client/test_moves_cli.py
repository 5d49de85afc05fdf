"""The real `openstack` CLI drives a resize, its confirm and revert, and
lists the migrations (one compute host of three nodes, resizes allowed to
stay on it)."""
import pytest

from tests.client.conftest import Cli

pytestmark = pytest.mark.slow


@pytest.fixture
def same_host_cli(conf, request):
    conf.set_override("allow_resize_to_same_host", True)
    return Cli(request.getfixturevalue("http_cloud").clouds_yaml)


def test_resize_confirm_revert_and_migration_list(same_host_cli):
    cli = same_host_cli
    image = cli.json("image", "list")[0]["Name"]
    server = cli.json("server", "create", "--flavor", "m1.tiny", "--image",
                      image, "--wait", "vm")
    cli.run("server", "resize", "--flavor", "m1.small", "--wait", "vm")
    shown = cli.json("server", "show", "vm")
    assert shown["status"] == "VERIFY_RESIZE"
    cli.run("server", "resize", "confirm", "vm")
    cli.run("server", "resize", "--flavor", "m1.medium", "--wait", "vm")
    cli.run("server", "resize", "revert", "vm")
    migrations = cli.json("server", "migration", "list", "--server",
                          server["id"], "--os-compute-api-version", "2.80")
    confirmed, reverted = sorted(m["Status"] for m in migrations)
    # The revert runs on after the CLI returns.
    assert (confirmed, reverted in ("reverting", "reverted")) == (
        "confirmed", True)
    assert {m["Type"] for m in migrations} == {"resize"}
