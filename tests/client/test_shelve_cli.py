"""shelve and unshelve driven by the real `openstack` CLI (its --wait
follows the statuses Stratus shows)."""
import pytest

pytestmark = pytest.mark.slow


def test_shelve_and_unshelve(cli):
    image = cli.json("image", "list")[0]["Name"]
    cli.json("server", "create", "--flavor", "m1.tiny", "--image", image,
             "--wait", "shelf")
    cli.run("server", "shelve", "--wait", "shelf")
    assert cli.json("server", "show", "shelf")["status"] == (
        "SHELVED_OFFLOADED")
    cli.run("server", "unshelve", "--wait", "shelf")
    assert cli.json("server", "show", "shelf")["status"] == "ACTIVE"
