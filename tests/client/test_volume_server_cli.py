"""Servers and volumes with the real `openstack` CLI against an all-in-one
on its defaults (builtin auth, over HTTP): the built-in block storage
service found through the catalog, volumes attached to servers and servers
booted from volumes (docs/volumes.md, "With the OpenStack clients").
The volume commands alone are tests/client/test_volume_cli.py's."""
import json
import time

import pytest

pytestmark = pytest.mark.slow

IMAGE = "stratus-tiny"
FLAVOR = "m1.tiny"


def until(probe, what):
    """probe()'s first true answer (waits for the cloud, asserting no
    time: the loop only bounds a hang)."""
    for _ in range(3000):
        answer = probe()
        if answer:
            return answer
        time.sleep(0.1)
    raise AssertionError("never: %s" % what)


def _volume(cli, name, status):
    """`volume show` once the volume is in status; None (with status
    None) once it is gone."""
    def probe():
        result = cli.run("volume", "show", name, "-f", "json", check=False)
        if result.returncode != 0:
            return status is None and "gone"
        shown = json.loads(result.stdout)
        return shown["status"] == status and shown
    answer = until(probe, "volume %s %s" % (name, status))
    return None if answer == "gone" else answer


def _new_volume(cli, name, size=1, *extra):
    cli.run("volume", "create", "--size", str(size), *extra, name)
    return _volume(cli, name, "available")


def _server(cli, name, *args):
    created = cli.json("server", "create", "--flavor", FLAVOR,
                       "--no-network", "--wait", *args, name)
    assert created["status"] == "ACTIVE", created
    return created


def _gone(cli, name):
    cli.run("server", "delete", "--wait", name)
    assert name not in {s["Name"] for s in cli.json("server", "list")}


def _attached(cli, server):
    """{volume id: device} of `server volume list`."""
    return {row["Volume ID"]: row["Device"]
            for row in cli.json("server", "volume", "list", server)}


def test_add_list_remove_volume(cli):
    _server(cli, "att-vm", "--image", IMAGE)
    volume = _new_volume(cli, "att-vol")
    cli.run("server", "add", "volume", "att-vm", "att-vol")
    in_use = _volume(cli, "att-vol", "in-use")
    [attachment] = in_use["attachments"]
    assert attachment["server_id"] == cli.json("server", "show",
                                               "att-vm")["id"]
    assert attachment["device"] == "/dev/vdb"
    assert _attached(cli, "att-vm") == {volume["id"]: "/dev/vdb"}
    listed = {row["Name"]: row for row in cli.json("volume", "list")}
    assert listed["att-vol"]["Status"] == "in-use"
    [listed_attachment] = listed["att-vol"]["Attached to"]
    assert (listed_attachment["server_id"], listed_attachment["device"]) == (
        attachment["server_id"], "/dev/vdb")
    # The table names the server: "Attached to att-vm on /dev/vdb".
    table = cli.run("volume", "list").stdout
    assert "Attached to att-vm on /dev/vdb" in table
    shown = cli.json("server", "show", "att-vm")
    assert volume["id"] in str(shown["volumes_attached"])

    # Attached twice: the compute API's 400, the CLI fails.
    again = cli.run("server", "add", "volume", "att-vm", "att-vol",
                    check=False)
    assert again.returncode != 0
    assert "400" in again.stderr or "already attached" in again.stderr
    # A volume in use cannot be deleted.
    assert cli.run("volume", "delete", "att-vol", check=False).returncode

    cli.run("server", "remove", "volume", "att-vm", "att-vol")
    assert _volume(cli, "att-vol", "available")["attachments"] == []
    assert until(lambda: _attached(cli, "att-vm") == {} or None,
                  "detached")
    cli.run("volume", "delete", "att-vol")
    _gone(cli, "att-vm")


def test_add_volume_with_tag_device_and_delete_on_termination(cli):
    _server(cli, "tag-vm", "--image", IMAGE)
    kept = _new_volume(cli, "tag-kept")
    doomed = _new_volume(cli, "tag-doomed")
    cli.run("--os-compute-api-version", "2.79", "server", "add", "volume",
            "--tag", "data", "--device", "/dev/vdc", "tag-vm", "tag-kept")
    cli.run("--os-compute-api-version", "2.79", "server", "add", "volume",
            "--enable-delete-on-termination", "tag-vm", "tag-doomed")
    _volume(cli, "tag-kept", "in-use")
    _volume(cli, "tag-doomed", "in-use")
    rows = {row["Volume ID"]: row for row in cli.json(
        "--os-compute-api-version", "2.89", "server", "volume", "list",
        "tag-vm")}
    assert rows[kept["id"]]["Device"] == "/dev/vdc"
    assert rows[kept["id"]]["Tag"] == "data"
    assert rows[kept["id"]]["Delete On Termination?"] is False
    assert rows[doomed["id"]]["Delete On Termination?"] is True
    assert rows[doomed["id"]]["Attachment ID"]
    # Before 2.49 there is no tag: the CLI refuses it itself.
    old = cli.run("--os-compute-api-version", "2.48", "server", "add",
                  "volume", "--tag", "x", "tag-vm", "tag-kept", check=False)
    assert old.returncode != 0

    # 2.85: delete_on_termination changed on the attachment.
    cli.run("--os-compute-api-version", "2.85", "server", "volume", "set",
            "--delete-on-termination", "tag-vm", "tag-kept")
    cli.run("--os-compute-api-version", "2.85", "server", "volume", "set",
            "--preserve-on-termination", "tag-vm", "tag-doomed")
    rows = {row["Volume ID"]: row for row in cli.json(
        "--os-compute-api-version", "2.89", "server", "volume", "list",
        "tag-vm")}
    assert rows[kept["id"]]["Delete On Termination?"] is True
    assert rows[doomed["id"]]["Delete On Termination?"] is False

    _gone(cli, "tag-vm")
    assert _volume(cli, "tag-kept", None) is None
    assert _volume(cli, "tag-doomed", "available")["attachments"] == []
    cli.run("volume", "delete", "tag-doomed")


def test_boot_from_volume_made_of_an_image(cli):
    server = _server(cli, "bfv-vm", "--image", IMAGE, "--boot-from-volume",
                     "1")
    # Nova's answer for a volume-backed server: no image.
    assert server["image"] in ("", "N/A (booted from volume)", None)
    [(root_id, device)] = _attached(cli, "bfv-vm").items()
    assert device == "/dev/vda"
    root = _volume(cli, root_id, "in-use")
    assert root["bootable"] in (True, "true")
    assert root["size"] == 1
    assert "image_id" in str(root["volume_image_metadata"])
    # The root volume stays after the server (the CLI's default).
    _gone(cli, "bfv-vm")
    assert _volume(cli, root_id, "available")["attachments"] == []

    # Booted again from that volume (--volume).
    cli.run("volume", "set", "--name", "bfv-root", root_id)
    _server(cli, "bfv-again", "--volume", "bfv-root")
    assert _attached(cli, "bfv-again") == {root_id: "/dev/vda"}
    assert _volume(cli, "bfv-root", "in-use")
    _gone(cli, "bfv-again")
    _volume(cli, "bfv-root", "available")
    cli.run("volume", "delete", "bfv-root")


def test_boot_from_volume_deleted_on_termination(cli):
    _server(cli, "bfv-dot", "--image", IMAGE, "--boot-from-volume", "1",
            "--delete-on-termination")
    [root_id] = _attached(cli, "bfv-dot")
    _volume(cli, root_id, "in-use")
    _gone(cli, "bfv-dot")
    assert _volume(cli, root_id, None) is None


def test_block_device_options(cli):
    image_id = cli.json("image", "show", IMAGE)["id"]
    data = _new_volume(cli, "bdm-data")
    # --block-device: a root volume made of the image, a blank one, and an
    # existing volume, the first two deleted with the server.
    _server(cli, "bdm-vm",
            "--block-device", "uuid=%s,source_type=image,destination_type="
            "volume,volume_size=1,boot_index=0,delete_on_termination=true"
            % image_id,
            "--block-device", "source_type=blank,destination_type=volume,"
            "volume_size=1,delete_on_termination=true",
            "--block-device", "uuid=%s,source_type=volume,destination_type="
            "volume,delete_on_termination=false" % data["id"])
    attached = _attached(cli, "bdm-vm")
    assert len(attached) == 3
    assert attached[data["id"]] not in ("/dev/vda", None)
    assert sorted(attached.values())[0] == "/dev/vda"
    made = [volume for volume in attached if volume != data["id"]]
    for volume in attached:
        _volume(cli, volume, "in-use")
    _gone(cli, "bdm-vm")
    for volume in made:
        assert _volume(cli, volume, None) is None
    _volume(cli, "bdm-data", "available")

    # --block-device-mapping (deprecated, still offered): an extra volume
    # beside an image root.
    _server(cli, "bdm-old", "--image", IMAGE,
            "--block-device-mapping", "vdb=bdm-data:volume::false")
    assert _attached(cli, "bdm-old") == {data["id"]: "/dev/vdb"}
    _volume(cli, "bdm-data", "in-use")
    _gone(cli, "bdm-old")
    _volume(cli, "bdm-data", "available")
    cli.run("volume", "delete", "bdm-data")


def test_image_of_a_volume_backed_server(cli):
    _server(cli, "img-vm", "--image", IMAGE, "--boot-from-volume", "1")
    [root_id] = _attached(cli, "img-vm")
    image = cli.json("server", "image", "create", "--name", "img-snap",
                     "--wait", "img-vm")
    assert image["name"] == "img-snap"
    shown = cli.json("image", "show", "img-snap")
    assert shown["status"] == "active"
    assert "block_device_mapping" in str(shown["properties"])
    # The image maps a snapshot of the root volume.
    # (`volume snapshot list --volume` filters on name=None client-side
    # in openstacksdk 4.22: it lists nothing even with Cinder.)
    [snapshot] = [row for row in cli.json("volume", "snapshot", "list")
                  if cli.json("volume", "snapshot", "show", row["ID"])[
                      "volume_id"] == root_id]
    assert snapshot["Status"] == "available"
    # A server booted from that image boots from a volume of the snapshot.
    _server(cli, "img-child", "--image", "img-snap")
    [(child_root, device)] = _attached(cli, "img-child").items()
    assert device == "/dev/vda" and child_root != root_id
    assert _volume(cli, child_root, "in-use")["snapshot_id"] == \
        snapshot["ID"]
    _gone(cli, "img-child")
    _gone(cli, "img-vm")
    # The image's mapping keeps the volumes (delete_on_termination false).
    _volume(cli, child_root, "available")
    _volume(cli, root_id, "available")


def test_boot_from_a_volume_snapshot(cli):
    source = _new_volume(cli, "snap-src", 1, "--image", IMAGE)
    cli.run("volume", "snapshot", "create", "--volume", "snap-src",
            "src-snap")
    snapshot = until(lambda: (lambda shown: shown["status"] == "available"
                              and shown)(cli.json("volume", "snapshot",
                                                  "show", "src-snap")),
                     "snapshot available")
    _server(cli, "snap-vm", "--snapshot", "src-snap")
    [(root_id, device)] = _attached(cli, "snap-vm").items()
    assert device == "/dev/vda" and root_id != source["id"]
    root = _volume(cli, root_id, "in-use")
    assert (root["snapshot_id"], root["size"]) == (snapshot["id"], 1)
    _gone(cli, "snap-vm")
    _volume(cli, root_id, "available")
