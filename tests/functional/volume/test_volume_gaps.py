"""Volume-backed servers on the fake driver with the built-in block
storage service, where they used to fall short of Nova: a 2.93 rebuild
reimages the root volume even with the image it has (the compute waits
for the service's volume-reimaged event), an unknown 2.67 volume_type is
a 400 at the API, shelving makes no image, and a compute restarting
during an attach leaves no mapping or attachment behind."""
import pytest

from tests.functional.moves import conftest as moves_conftest
from tests.functional.volume import bdm_cloud

pytestmark = pytest.mark.slow
env = bdm_cloud.volume_cloud

MARK = b"written by the guest"


def _volume_root(volume_id):
    return {"source_type": "volume", "destination_type": "volume",
            "uuid": volume_id, "boot_index": 0}


def _volume_backed(env):
    """(an ACTIVE server booted from a volume of the image, the volume)."""
    volume = env.make_volume(size=1, imageRef=env.image)
    created = env.boot_bdms([_volume_root(volume["id"])]).json
    server = env.settled(created["server"]["id"])
    assert server["status"] == "ACTIVE", server
    return server, volume


def _volume_file(env, volume_id):
    return env.volume_app.volumes.get_any(volume_id)["file_path"]


def _write_mark(env, volume_id):
    with open(_volume_file(env, volume_id), "r+b") as disk:
        disk.write(MARK)


def _has_mark(env, volume_id):
    with open(_volume_file(env, volume_id), "rb") as disk:
        return disk.read(len(MARK)) == MARK


def _rebuild(env, server_id, version):
    response = env.act(server_id, {"rebuild": {"imageRef": env.image}},
                       client=env.demo, version=version)
    assert response.status_int == 202, response.text
    after = env.admin.server(env.wait(server_id, {"ACTIVE", "ERROR"})["id"])
    assert after["status"] == "ACTIVE", after.get("fault")
    return after


def test_rebuild_293_reimages_with_the_same_image(env):
    """Before 2.93 a rebuild with the image the root volume has keeps the
    volume's data; from 2.93 the volume is written anew from the image
    (the compute waited for volume-reimaged: the rebuild ends ACTIVE
    with the volume attached once)."""
    server, volume = _volume_backed(env)
    _write_mark(env, volume["id"])
    _rebuild(env, server["id"], "2.92")
    assert _has_mark(env, volume["id"])
    after = _rebuild(env, server["id"], "2.93")
    assert after["image"] == ""
    assert not _has_mark(env, volume["id"])
    assert env.guest_volumes(server["id"]) == {"/dev/vda": volume["id"]}
    shown = env.volume(volume["id"])
    assert shown["status"] == "in-use"
    assert shown["volume_image_metadata"]["image_id"] == env.image
    assert [a["status"] for a in env.attachments(volume["id"])] == [
        "attached"]


def test_rebuild_293_fails_when_the_reimage_fails(env):
    """The service's volume-reimaged event with status failed: the
    rebuild ends ERROR with the fault Nova's ReimageException gives."""
    server, volume = _volume_backed(env)
    worker = env.volume_app.worker
    original = worker._reimage_volume

    def broken(ctx, volume, image, status_after):
        image = dict(image, id="00000000-0000-0000-0000-00000000dead")
        return original(ctx, volume, image, status_after)
    worker._reimage_volume = broken
    try:
        response = env.act(server["id"],
                           {"rebuild": {"imageRef": env.image}},
                           client=env.demo, version="2.93")
        assert response.status_int == 202, response.text
        after = env.admin.server(
            env.wait(server["id"], {"ACTIVE", "ERROR"})["id"])
    finally:
        worker._reimage_volume = original
    assert after["status"] == "ERROR"
    assert "Reimaging volume failed" in after["fault"]["message"]


@pytest.mark.parametrize("volume_type", ["no-such-type",
                                         "0b7a4c8e-1f5e-4d6a-9c1b-000000000000"])
def test_unknown_volume_type_is_400(env, volume_type):
    response = env.boot_bdms([
        {"source_type": "image", "destination_type": "volume",
         "uuid": env.image, "boot_index": 0, "volume_size": 1,
         "volume_type": volume_type, "delete_on_termination": True}])
    assert response.status_int == 400, response.text
    assert response.json["badRequest"]["message"] == (
        "Volume type %s could not be found." % volume_type)
    assert env.volumes() == {}


def test_known_volume_type_by_name_or_id(env):
    status, body = bdm_cloud.helpers.request(
        env.volume_app, "GET", "/v3/types", token=bdm_cloud.DEMO)
    assert status == 200, body
    default = body["volume_types"][0]
    for name_or_id in (default["name"], default["id"]):
        response = env.boot_bdms([
            {"source_type": "blank", "destination_type": "volume",
             "boot_index": -1, "volume_size": 1,
             "volume_type": name_or_id, "delete_on_termination": True}],
            image=True)
        assert response.status_int == 202, response.text
        server = env.settled(response.json["server"]["id"])
        assert server["status"] == "ACTIVE", server
        (made,) = [volume_id for volume_id in
                   env.guest_volumes(server["id"]).values() if volume_id]
        assert env.volume(made)["volume_type"] == default["name"]


def test_shelve_of_volume_backed_server_makes_no_image(env):
    """Nova's shelve of a volume-backed server: no snapshot, offloaded at
    once, its volume reserved for it (no host); unshelve boots it from
    its volume, with the data the guest wrote."""
    images = env.cloud._image_api()
    before = {image["id"] for image in images.list(env.ctx())}
    server, volume = _volume_backed(env)
    _write_mark(env, volume["id"])
    response = env.act(server["id"], {"shelve": None}, client=env.demo)
    assert response.status_int == 202, response.text
    shelved = env.admin.server(env.wait(
        server["id"], {"SHELVED", "SHELVED_OFFLOADED", "ERROR"})["id"])
    assert shelved["status"] == "SHELVED_OFFLOADED", shelved.get("fault")
    assert shelved["OS-EXT-SRV-ATTR:host"] is None
    assert {image["id"] for image in images.list(env.ctx())} == before
    assert [a["status"] for a in env.attachments(volume["id"])] == [
        "reserved"]
    assert env.volume(volume["id"])["status"] == "reserved"
    response = env.act(server["id"], {"unshelve": None}, client=env.demo)
    assert response.status_int == 202, response.text
    back = env.admin.server(env.wait(server["id"], {"ACTIVE", "ERROR"})[
        "id"])
    assert back["status"] == "ACTIVE", back.get("fault")
    assert back["image"] == ""
    assert env.guest_volumes(server["id"]) == {"/dev/vda": volume["id"]}
    assert _has_mark(env, volume["id"])
    assert [a["status"] for a in env.attachments(volume["id"])] == [
        "attached"]
    assert env.volume(volume["id"])["status"] == "in-use"


@pytest.mark.parametrize("cut_at", ["before_connect", "after_plug"])
def test_restart_during_an_attach_leaves_nothing(env, cut_at):
    """The compute stops in the middle of an attach (before it connected
    the volume, or once the guest had it but before the attachment was
    completed): at start it unplugs the volume, deletes the attachment
    and the mapping; the volume is available again and the server shows
    only the volumes it had."""
    server = env.active()
    host = env.host_of(server["id"])
    manager = env.computes[host]
    driver = env.driver(host)
    volume = env.make_volume(size=1)

    class Cut(Exception):
        """The compute stopping at this point (nothing after it runs)."""

    def cut(*args, **kwargs):
        if cut_at == "after_plug":
            plug(*args, **kwargs)
        raise Cut()
    plug = driver.attach_volume
    if cut_at == "before_connect":
        driver.get_volume_connector = cut
    else:
        driver.attach_volume = cut
    # What a failed attach does is what a stopped compute never does.
    manager._unreserve = lambda ctx, bdm: None
    try:
        response = env.demo.request(
            "POST", "/v2.1/servers/%s/os-volume_attachments" % server["id"],
            {"volumeAttachment": {"volumeId": volume["id"]}},
            version="2.101")
        assert response.status_int == 202, response.text
        # The compute's attach stopped where it was cut.
        assert moves_conftest._eventually(
            lambda: env.events(server["id"], "attach_volume").get(
                "compute_attach_volume", {}).get("result"),
            "Error", 10) == "Error"
    finally:
        driver.__dict__.pop("get_volume_connector", None)
        driver.__dict__.pop("attach_volume", None)
        del manager._unreserve
    if cut_at == "after_plug":
        assert volume["id"] in env.guest_volumes(server["id"]).values()
    manager.init_host()
    assert env.attachments(volume["id"]) == []
    assert env.settled_volume(volume["id"])["status"] == "available"
    assert volume["id"] not in env.guest_volumes(server["id"]).values()
    shown = env.demo.request(
        "GET", "/v2.1/servers/%s/os-volume_attachments" % server["id"])
    assert shown.json["volumeAttachments"] == []
    assert env.admin.server(server["id"])["status"] == "ACTIVE"



def test_rebuild_293_refused_while_computes_are_capped(env, monkeypatch):
    """[upgrade_levels] compute below 1.12: a 2.93 rebuild of a
    volume-backed server is 409 ComputeTooOld, the server untouched."""
    server, volume = _volume_backed(env)
    client = (env.cloud._compute_in_process.compute_api.compute_rpcapi
              .client)

    def capped(version):
        wanted = tuple(int(part) for part in version.split("."))
        return wanted <= (1, 11)
    monkeypatch.setattr(client, "can_send_version", capped)
    response = env.act(server["id"], {"rebuild": {"imageRef": env.image}},
                       client=env.demo, version="2.93")
    assert response.status_int == 409, response.text
    assert "1.12" in response.json["conflictingRequest"]["message"]
    shown = env.admin.server(server["id"])
    assert (shown["status"], shown["OS-EXT-STS:task_state"]) == (
        "ACTIVE", None)
