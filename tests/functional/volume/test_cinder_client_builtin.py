"""stratus.volume.cinder.CinderAPI against the built-in block storage
service (stratus volume), on every database backend: in-process (the
app the compute API and the all-in-one's computes use,
stratus.api.volume_client) and over HTTP on a loopback port (its
endpoint with and without the project id). Volumes, snapshots, Nova's
attachment flow and the errors a client sees."""
import uuid

import pytest

from stratus.api import volume_client
from stratus.api.volume import app as volume_app
from stratus import context as stratus_context
from stratus import client_exception
from stratus.volume import cinder
from stratus import wsgi_server

SERVER = str(uuid.uuid4())
CONNECTOR = {"host": "compute-1", "ip": "127.0.0.1", "initiator": None,
             "platform": "x86_64", "os_type": "linux", "multipath": False}


def _context(project, user):
    return stratus_context.RequestContext(
        user_id=user, project_id=project, roles=["member", "reader"],
        auth_token="%s:%s" % (user, project))


ALICE = _context("project-a", "alice")
BOB = _context("project-b", "bob")


@pytest.fixture(params=["in-process", "http-v3", "http-project"])
def volume_api(request, volume_conf, databases):
    if request.param == "in-process":
        app = volume_client.in_process_app(volume_conf, databases)
        app.start()
        yield cinder.CinderAPI.from_conf(volume_conf,
                                         in_process_app=lambda: app)
        app.worker.pool.shutdown(wait=True)
        return
    app = volume_app.VolumeApp(volume_conf, databases)
    app.start()
    server = wsgi_server.serve([("volume", app, "127.0.0.1", 0)],
                               threads=4)
    endpoint = server.url("volume") + "/v3"
    if request.param == "http-project":
        endpoint += "/project-a"
    volume_conf.set_override("endpoint_override", endpoint, group="cinder")
    try:
        yield cinder.CinderAPI.from_conf(volume_conf)
    finally:
        server.stop()
        app.worker.pool.shutdown(wait=True)
        volume_conf.clear_override("endpoint_override", group="cinder")


def _available(client, ctx=ALICE, size=1):
    volume = client.create(ctx, size, "data", "a test's")
    return client.wait_for_status(ctx, volume["id"], ["available"],
                                  timeout=60, interval=0.05)


def test_the_attachment_flow(volume_api):
    client = volume_api
    volume = _available(client)
    reserved = client.attachment_create(ALICE, volume["id"], SERVER)
    assert client.get(ALICE, volume["id"])["status"] == "reserved"
    updated = client.attachment_update(ALICE, reserved["id"], CONNECTOR,
                                       mountpoint="/dev/vdb")
    info = updated["connection_info"]
    assert info["driver_volume_type"] == "file"
    assert info["data"]["volume_id"] == volume["id"]
    client.attachment_complete(ALICE, reserved["id"])
    attached = client.get(ALICE, volume["id"])
    assert attached["status"] == "in-use"
    assert [a["server_id"] for a in attached["attachments"]] == [SERVER]
    assert [a["id"] for a in client.attachment_get_all(
        ALICE, instance_id=SERVER)] == [reserved["id"]]
    assert client.attachment_get(ALICE, reserved["id"])["volume_id"] == \
        volume["id"]
    with pytest.raises(client_exception.VolumeServiceBadRequest):
        client.delete(ALICE, volume["id"])
    client.attachment_delete(ALICE, reserved["id"])
    assert client.get(ALICE, volume["id"])["status"] == "available"
    with pytest.raises(client_exception.VolumeAttachmentNotFound):
        client.attachment_get(ALICE, reserved["id"])


def test_volumes_and_snapshots(volume_api):
    client = volume_api
    volume = _available(client)
    assert [v["id"] for v in client.get_all(ALICE)] == [volume["id"]]
    client.extend(ALICE, volume["id"], 2)
    assert client.wait_for_status(ALICE, volume["id"], ["available"],
                                  timeout=60, interval=0.05)["size"] == 2
    snapshot = client.create_snapshot(ALICE, volume["id"], "snap", None)
    for _ in range(1200):
        if client.get_snapshot(ALICE, snapshot["id"])["status"] != \
                "creating":
            break
    assert client.get_snapshot(ALICE, snapshot["id"])["status"] == \
        "available"
    assert client.get_snapshot(ALICE, snapshot["id"])["volume_id"] == \
        volume["id"]
    assert [s["id"] for s in client.get_all_snapshots(ALICE)] == [
        snapshot["id"]]
    client.delete_snapshot(ALICE, snapshot["id"])


def test_errors(volume_api):
    client = volume_api
    missing = str(uuid.uuid4())
    with pytest.raises(client_exception.VolumeNotFound) as caught:
        client.get(ALICE, missing)
    assert caught.value.cinder_type == "itemNotFound"
    with pytest.raises(client_exception.SnapshotNotFound):
        client.get_snapshot(ALICE, missing)
    with pytest.raises(client_exception.VolumeAttachmentNotFound):
        client.attachment_get(ALICE, missing)
    with pytest.raises(client_exception.VolumeServiceBadRequest):
        client.create(ALICE, 0, "zero", None)
    with pytest.raises(client_exception.VolumeNotFound):
        client.extend(ALICE, missing, 2)
