"""Moves of servers with volumes on two fake hosts with the built-in block
storage service: after each move (resize and confirm, resize and revert,
cold migrate, live migration, evacuate, shelve offload and unshelve) the
guest on its new host has its volumes, and each volume has one
attachment (none while shelved offloaded), attached to the server."""
import pytest

from tests.functional.volume import bdm_cloud

pytestmark = pytest.mark.slow
env = bdm_cloud.volume_cloud


def _volume_backed(env):
    """An ACTIVE server booted from a volume, with a second (blank)
    volume; (server, {device: volume id})."""
    root = env.make_volume(size=1, imageRef=env.image)
    response = env.boot_bdms([
        {"source_type": "volume", "destination_type": "volume",
         "uuid": root["id"], "boot_index": 0},
        {"source_type": "blank", "destination_type": "volume",
         "volume_size": 1, "boot_index": -1,
         "delete_on_termination": True}])
    assert response.status_int == 202, response.text
    server = env.settled(response.json["server"]["id"])
    assert server["status"] == "ACTIVE", server
    volumes = env.guest_volumes(server["id"])
    assert sorted(volumes) == ["/dev/vda", "/dev/vdb"]
    return env.admin.server(server["id"]), volumes


def _attached_once(env, server_id, volumes, status="attached"):
    for volume_id in volumes.values():
        attachments = env.attachments(volume_id)
        assert [(a["instance"], a["status"]) for a in attachments] == [
            (server_id, status)], attachments


def _act(env, server_id, body, version=None, client=None):
    response = env.act(server_id, body, client=client or env.admin,
                        version=version)
    assert response.status_int in (200, 202, 204), response.text


def test_resize_confirm_and_revert_keep_volumes(env):
    server, volumes = _volume_backed(env)
    source = server["OS-EXT-SRV-ATTR:host"]
    _act(env, server["id"], {"resize": {"flavorRef": "2"}})
    resized = env.wait(server["id"], {"VERIFY_RESIZE", "ERROR"})
    assert resized["status"] == "VERIFY_RESIZE", resized.get("fault")
    dest = resized["OS-EXT-SRV-ATTR:host"]
    assert dest != source
    assert env.guest_volumes(server["id"]) == volumes
    _attached_once(env, server["id"], volumes)
    _act(env, server["id"], {"revertResize": None})
    reverted = env.wait(server["id"], {"ACTIVE", "ERROR"})
    assert reverted["OS-EXT-SRV-ATTR:host"] == source
    assert env.guest_volumes(server["id"]) == volumes
    _attached_once(env, server["id"], volumes)
    _act(env, server["id"], {"migrate": None})
    migrated = env.wait(server["id"], {"VERIFY_RESIZE", "ERROR"})
    assert migrated["status"] == "VERIFY_RESIZE"
    _act(env, server["id"], {"confirmResize": None})
    confirmed = env.wait(server["id"], {"ACTIVE", "ERROR"})
    assert confirmed["OS-EXT-SRV-ATTR:host"] == dest
    assert env.guest_volumes(server["id"]) == volumes
    assert env.driver(source).guest(server["id"]) is None
    _attached_once(env, server["id"], volumes)


@pytest.mark.parametrize("fails", [False, True])
def test_live_migration_keeps_volumes(env, fails):
    """Moved: the destination's attachments; failed (rolled back): the
    source's, as they were."""
    server, volumes = _volume_backed(env)
    source, dest = env.other_host(server)
    if fails:
        env.driver(source).inject_failure("live_migration", server["id"])
    _act(env, server["id"], {"os-migrateLive": {
        "block_migration": "auto", "host": None}}, version="2.68")
    after = env.wait(server["id"], {"ACTIVE", "ERROR"})
    assert after["OS-EXT-SRV-ATTR:host"] == (source if fails else dest)
    assert env.guest_volumes(server["id"]) == volumes
    _attached_once(env, server["id"], volumes)


def test_evacuate_keeps_volumes(env):
    server, volumes = _volume_backed(env)
    source, dest = env.other_host(server)
    env.host_down(source)
    env.evacuate(server["id"])
    moved = env.wait(server["id"], {"ACTIVE", "ERROR"})
    assert moved["status"] == "ACTIVE", moved
    assert moved["OS-EXT-SRV-ATTR:host"] == dest
    assert env.guest_volumes(server["id"]) == volumes
    _attached_once(env, server["id"], volumes)


def test_shelve_offload_and_unshelve_keep_volumes(env):
    server, volumes = _volume_backed(env)
    _act(env, server["id"], {"shelve": None}, client=env.demo)
    shelved = env.wait(server["id"], {"SHELVED", "SHELVED_OFFLOADED",
                                      "ERROR"})
    if shelved["status"] == "SHELVED":
        _act(env, server["id"], {"shelveOffload": None})
        shelved = env.wait(server["id"], {"SHELVED_OFFLOADED", "ERROR"})
    assert shelved["status"] == "SHELVED_OFFLOADED"
    # Reserved (no host) while offloaded.
    _attached_once(env, server["id"], volumes, status="reserved")
    _act(env, server["id"], {"unshelve": None}, client=env.demo)
    back = env.wait(server["id"], {"ACTIVE", "ERROR"})
    assert back["status"] == "ACTIVE", back
    assert env.guest_volumes(server["id"]) == volumes
    _attached_once(env, server["id"], volumes)
