"""POST /servers/{id}/shares (2.97) past Nova's host check: a stopped
server whose host offers virtio-fs (the COMPUTE_STORAGE_VIRTIO_FS trait)
with file-backed memory (COMPUTE_MEM_BACKING_FILE) or a flavor asking for
huge pages reaches the share service, which Stratus has not: the share
is not found (404), and the server has no share (gabbits/compute/
server-shares.yaml has the checks before)."""
from stratus import context as stratus_context
from stratus.objects import compute_node as compute_node_obj
from stratus.placement import traits

SHARE = "e8debdc0-447a-4376-a10a-4cd9122d7986"
NOT_CONFIGURED = ("Feature not supported because either compute or "
                  "instance are not configured correctly.")


def _stopped_server(api, flavor="1"):
    server = api.create_server(image=api.first_image_id(), flavor=flavor)
    server = api.wait_for_status(server["server"]["id"], "ACTIVE")
    api.post("/servers/%s/action" % server["id"], {"os-stop": None})
    return api.wait_for_status(server["id"], "SHUTOFF")


def _give_host(cloud, api, server, *names):
    """Traits for the provider of the server's host (read as admin)."""
    host = api.as_user("admin:admin").server(server["id"])[
        "OS-EXT-SRV-ATTR:host"]
    ctx = stratus_context.get_admin_context(cloud.databases)
    node = compute_node_obj.ComputeNodeList.get_by_host(ctx, host)[0]
    for name in names:
        traits.set_trait(ctx, node.uuid, name, True)


def _attach(api, server):
    return api.request("POST", "/v2.1/servers/%s/shares" % server["id"],
                       {"share": {"share_id": SHARE, "tag": "data"}},
                       version="2.97")


def test_a_host_with_virtio_fs_and_file_backed_memory(sqlite_cloud,
                                                      sqlite_api):
    owner = sqlite_api.as_user("demo:demo")
    server = _stopped_server(owner)
    _give_host(sqlite_cloud, owner, server, "COMPUTE_STORAGE_VIRTIO_FS")
    refused = _attach(owner, server)
    assert refused.status_int == 409
    assert refused.json["conflictingRequest"]["message"] == NOT_CONFIGURED

    _give_host(sqlite_cloud, owner, server, "COMPUTE_MEM_BACKING_FILE")
    missing = _attach(owner, server)
    assert missing.status_int == 404
    assert missing.json["itemNotFound"]["message"] == (
        "Share %s could not be found." % SHARE)
    assert owner.get("/servers/%s/shares" % server["id"],
                     version="2.97") == {"shares": []}


def test_a_flavor_with_huge_pages(sqlite_cloud, sqlite_api):
    sqlite_api.post("/flavors", {"flavor": {
        "name": "huge", "id": "huge", "ram": 512, "vcpus": 1, "disk": 1}})
    sqlite_api.post("/flavors/huge/os-extra_specs",
                    {"extra_specs": {"hw:mem_page_size": "large"}})
    server = _stopped_server(sqlite_api, flavor="huge")
    _give_host(sqlite_cloud, sqlite_api, server, "COMPUTE_STORAGE_VIRTIO_FS")
    # admin:admin owns the server: Nova's rule is the project's.
    missing = _attach(sqlite_api, server)
    assert missing.status_int == 404
    assert SHARE in missing.json["itemNotFound"]["message"]
