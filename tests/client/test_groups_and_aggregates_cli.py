"""`openstack aggregate ...` and `openstack server group ...` against the
running all-in-one, as an operator and a user would type them."""
import pytest

pytestmark = pytest.mark.slow


def test_aggregates(cli):
    created = cli.json("aggregate", "create", "--zone", "az-cli", "agg-cli")
    assert (created["name"], created["availability_zone"]) == (
        "agg-cli", "az-cli")
    cli.run("aggregate", "add", "host", "agg-cli", "stratus-test")
    cli.run("aggregate", "set", "--property", "ssd=true", "agg-cli")
    shown = cli.json("aggregate", "show", "agg-cli")
    assert shown["hosts"] == ["stratus-test"]
    assert shown["properties"] == {"ssd": "true"}
    assert shown["availability_zone"] == "az-cli"
    zones = {zone["Zone Name"] for zone in cli.json(
        "availability", "zone", "list", "--compute")}
    assert "az-cli" in zones
    listed = [aggregate["Name"] for aggregate in cli.json("aggregate",
                                                          "list")]
    assert listed == ["agg-cli"]
    failed = cli.run("aggregate", "delete", "agg-cli", check=False)
    assert failed.returncode != 0
    cli.run("aggregate", "remove", "host", "agg-cli", "stratus-test")
    cli.run("aggregate", "delete", "agg-cli")
    assert cli.json("aggregate", "list") == []


def test_server_groups(cli):
    created = cli.json("server", "group", "create", "--policy",
                       "anti-affinity", "--rule", "max_server_per_host=2",
                       "spread")
    assert created["name"] == "spread"
    assert created["policy"] == "anti-affinity"
    image = cli.json("image", "list")[0]["Name"]
    server = cli.json("server", "create", "--flavor", "m1.tiny", "--image",
                      image, "--hint", "group=%s" % created["id"],
                      "--wait", "member")
    assert server["status"] == "ACTIVE"
    shown = cli.json("server", "group", "show", "spread")
    assert shown["members"] == [server["id"]] or shown["members"] == \
        server["id"]
    assert [group["Name"] for group in cli.json("server", "group",
                                                "list")] == ["spread"]
    cli.run("server", "delete", "--wait", "member")
    cli.run("server", "group", "delete", "spread")
    assert cli.json("server", "group", "list") == []
