"""The volume commands of the real `openstack` CLI against an all-in-one
on its defaults: the built-in block storage service found through the
catalog (block-storage / volumev3), its volumes, snapshots and types
(docs/volumes.md, "The built-in block storage service")."""
import time

import pytest

pytestmark = pytest.mark.slow


def _settled(cli, kind, name, busy=("creating", "deleting", "extending",
                                   "downloading")):
    """`openstack <kind> show name` once its status is not a busy one;
    None once it is gone (waits for the service, asserting no time)."""
    for _ in range(3000):
        result = cli.run(*kind.split(), "show", name, "-f", "json",
                         check=False)
        if result.returncode != 0:
            return None
        import json
        shown = json.loads(result.stdout)
        if shown["status"] not in busy:
            return shown
        time.sleep(0.1)
    raise AssertionError("%s %s stays busy" % (kind, name))


def test_volume_create_list_show_set_delete(cli):
    created = cli.json("volume", "create", "--size", "1", "--description",
                       "first", "--property", "purpose=test", "cli-vol")
    assert created["name"] == "cli-vol"
    assert created["size"] == 1
    shown = _settled(cli, "volume", "cli-vol")
    assert shown["status"] == "available"
    assert shown["type"] == "__DEFAULT__"
    assert shown["description"] == "first"
    assert "purpose" in str(shown["properties"])
    listed = {volume["Name"]: volume for volume in cli.json("volume",
                                                            "list")}
    assert listed["cli-vol"]["Size"] == 1
    assert listed["cli-vol"]["Status"] == "available"
    cli.run("volume", "set", "--name", "cli-vol2", "--description",
            "renamed", "--size", "2", "cli-vol")
    shown = _settled(cli, "volume", "cli-vol2")
    assert (shown["id"], shown["description"], shown["size"]) == (
        created["id"], "renamed", 2)
    cli.run("volume", "delete", "cli-vol2")
    assert _settled(cli, "volume", created["id"]) is None
    assert "cli-vol2" not in {volume["Name"]
                              for volume in cli.json("volume", "list")}


def test_volume_snapshots(cli):
    cli.json("volume", "create", "--size", "1", "snap-source")
    _settled(cli, "volume", "snap-source")
    snapshot = cli.json("volume", "snapshot", "create", "--volume",
                        "snap-source", "cli-snap")
    assert snapshot["name"] == "cli-snap"
    shown = _settled(cli, "volume snapshot", "cli-snap")
    assert shown["status"] == "available"
    assert shown["size"] == 1
    assert "cli-snap" in {item["Name"] for item in cli.json(
        "volume", "snapshot", "list")}
    cli.json("volume", "create", "--snapshot", "cli-snap", "from-snap")
    assert _settled(cli, "volume", "from-snap")["status"] == "available"
    cli.run("volume", "snapshot", "delete", "cli-snap")
    assert _settled(cli, "volume snapshot", snapshot["id"]) is None
    assert cli.json("volume", "snapshot", "list") == []


def test_volume_types(cli):
    types = {item["Name"] for item in cli.json("volume", "type", "list")}
    assert types == {"__DEFAULT__", "multiattach"}


def test_volume_from_an_image(cli):
    image = cli.json("image", "list")[0]
    cli.json("volume", "create", "--size", "1", "--image", image["ID"],
             "boot-vol")
    shown = _settled(cli, "volume", "boot-vol")
    assert shown["status"] == "available", shown
    assert shown["bootable"] is True
    assert shown["volume_image_metadata"]["image_id"] == image["ID"]


def test_a_member_sees_only_its_own_volumes(cli):
    demo = cli.as_cloud("stratus-demo")
    demo.json("volume", "create", "--size", "1", "demo-vol")
    assert _settled(demo, "volume", "demo-vol")["status"] == "available"
    assert "demo-vol" not in {volume["Name"]
                              for volume in cli.json("volume", "list")}
    assert {volume["Name"] for volume in demo.json("volume", "list")} == {
        "demo-vol"}
