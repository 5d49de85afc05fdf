"""The compute API's volume proxies against the built-in block storage
service of an in-process cloud: what /os-volumes shows of a volume a
server has attached (Nova's attachments shape, from Cinder's
attachments), and an assisted snapshot of an attached volume, which no
Stratus compute can take: the snapshot ends in error, as a Nova
compute's that cannot (when Cinder is making it)."""
import uuid

from stratus import context as stratus_context

DEMO = "demo:project-d"
SERVER = str(uuid.uuid4())
CONNECTOR = {"host": "compute-1", "ip": "127.0.0.1", "initiator": None,
             "platform": "x86_64", "os_type": "linux", "multipath": False}


def _poll(call, until, count=400):
    for _ in range(count):
        found = call()
        if until(found):
            return found
    raise AssertionError("never: %r" % (found,))


def _attached_volume(api, volume_client):
    """A volume made through /os-volumes, attached to SERVER through the
    block storage service (as a compute attaches it)."""
    demo = api.as_user(DEMO, "2.1")
    volume = demo.post("/os-volumes", {"volume": {
        "size": 1, "display_name": "attached"}})["volume"]
    _poll(lambda: demo.get("/os-volumes/" + volume["id"])["volume"],
          lambda found: found["status"] == "available")
    ctx = stratus_context.RequestContext(
        user_id="demo", project_id="project-d", roles=["member", "reader"],
        auth_token=DEMO)
    attachment = volume_client.attachment_create(ctx, volume["id"], SERVER)
    volume_client.attachment_update(ctx, attachment["id"], CONNECTOR,
                                    mountpoint="/dev/vdb")
    volume_client.attachment_complete(ctx, attachment["id"])
    return demo, ctx, volume


def test_an_attached_volume_in_novas_shape(sqlite_cloud, sqlite_api):
    volume_client = sqlite_cloud.apps["compute"].volume_api
    demo, _, volume = _attached_volume(sqlite_api, volume_client)
    shown = demo.get("/os-volumes/" + volume["id"])["volume"]
    assert shown["status"] == "in-use"
    assert shown["attachments"] == [{
        "id": volume["id"], "volumeId": volume["id"], "serverId": SERVER,
        "device": "/dev/vdb"}]
    listed = demo.get("/os-volumes")["volumes"]
    assert [v["attachments"] for v in listed] == [shown["attachments"]]
    # In use: Cinder refuses the delete, Nova's 400.
    response = demo.request("DELETE", "/v2.1/os-volumes/" + volume["id"])
    assert response.status_int == 400
    assert "badRequest" in response.json


def test_an_assisted_snapshot_no_compute_can_take(sqlite_cloud, sqlite_api):
    volume_client = sqlite_cloud.apps["compute"].volume_api
    demo, ctx, volume = _attached_volume(sqlite_api, volume_client)
    snapshot = demo.post("/os-snapshots", {"snapshot": {
        "volume_id": volume["id"], "force": True}})["snapshot"]
    _poll(lambda: demo.get("/os-snapshots/" + snapshot["id"])["snapshot"],
          lambda found: found["status"] == "available")
    service = sqlite_api.as_user("admin:service", "2.1")
    answer = service.post("/os-assisted-volume-snapshots", {"snapshot": {
        "volume_id": volume["id"], "create_info": {
            "snapshot_id": snapshot["id"], "type": "qcow2",
            "new_file": "volume.snap.qcow2", "id": snapshot["id"]}}},
        expected=(200,), headers={"X-Roles": "service,admin"})
    assert answer == {"snapshot": {"id": snapshot["id"],
                                   "volumeId": volume["id"]}}
    # Cinder takes a status only for a snapshot it is making (creating):
    # this one, available already, keeps its own, as with Nova.
    assert demo.get("/os-snapshots/" + snapshot["id"])["snapshot"][
        "status"] == "available"
    # Attached to no server: Nova's 400.
    other = demo.post("/os-volumes", {"volume": {"size": 1}})["volume"]
    response = service.request(
        "POST", "/v2.1/os-assisted-volume-snapshots", {"snapshot": {
            "volume_id": other["id"], "create_info": {
                "snapshot_id": snapshot["id"], "type": "qcow2",
                "new_file": "x.qcow2"}}}, headers={"X-Roles": "service"})
    assert response.status_int == 400
