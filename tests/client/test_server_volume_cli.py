"""Volumes on servers with the real `openstack` CLI against an all-in-one
on its defaults: `server add volume`, `server volume list`, `server
remove volume` (os-volume_attachments, docs/volumes.md "Attaching
volumes to servers")."""
import pytest

from tests.client.test_volume_cli import _settled

pytestmark = pytest.mark.slow


def test_server_add_list_remove_volume(cli):
    image = cli.json("image", "list")[0]["Name"]
    cli.run("server", "create", "--flavor", "m1.tiny", "--image", image,
            "--wait", "vol-server")
    cli.json("volume", "create", "--size", "1", "cli-attached")
    assert _settled(cli, "volume", "cli-attached")["status"] == "available"
    cli.run("server", "add", "volume", "--device", "/dev/vdb",
            "vol-server", "cli-attached")
    assert _settled(cli, "volume", "cli-attached",
                    busy=("available", "reserved", "attaching")
                    )["status"] == "in-use"
    [attached] = cli.json("server", "volume", "list", "vol-server")
    assert attached["Device"] == "/dev/vdb"
    volume_id = cli.json("volume", "show", "cli-attached")["id"]
    assert attached["Volume ID"] == volume_id
    server = cli.json("server", "show", "vol-server")
    assert volume_id in str(server["volumes_attached"])
    cli.run("server", "remove", "volume", "vol-server", "cli-attached")
    assert _settled(cli, "volume", "cli-attached",
                    busy=("in-use", "detaching"))["status"] == "available"
    assert cli.json("server", "volume", "list", "vol-server") == []
    cli.run("server", "delete", "--wait", "vol-server")
    cli.run("volume", "delete", "cli-attached")
