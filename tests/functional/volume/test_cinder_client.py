"""stratus.volume.cinder.CinderAPI: every method, in-process (the app in
this process, the caller's context in the WSGI environ) and over HTTP on
a loopback port (endpoints with and without the project id), against a
Cinder v3 that answers as Cinder's API reference says
(tests/functional/volume/fake_cinder.py); the errors of a Cinder become
Stratus exceptions; idempotent calls are retried; the caller's token,
request id and the microversion each call needs go with every request;
a context without a token speaks as the service user; keystone mode
takes the catalog's endpoint."""
import pytest

from stratus import context as stratus_context
from stratus import client_exception
from stratus.volume import cinder
from stratus import wsgi_server
from tests.functional.volume import fake_cinder

SERVER = "0b4a8e3c-9a6d-4a7e-8e55-0d6c9d1f3a10"


def _context(project, user=None, token=True, catalog=None):
    user = user or project
    return stratus_context.RequestContext(
        user_id=user, project_id=project, roles=["member", "reader"],
        auth_token="%s:%s" % (user, project) if token else None,
        request_id="req-" + project, service_catalog=catalog)


ALICE = _context("project-a", "alice")


@pytest.fixture
def served():
    """A fake Cinder on a loopback port: (app, root URL)."""
    app = fake_cinder.FakeCinder()
    server = wsgi_server.serve([("cinder", app, "127.0.0.1", 0)], threads=4)
    try:
        yield app, server.url("cinder")
    finally:
        server.stop()


@pytest.fixture(params=["in-process", "http-project", "http-v3",
                        "http-root"])
def volume_api(request, conf, served):
    """(CinderAPI, the fake Cinder behind it)."""
    app, root = served
    conf.set_override("http_retries", 2, group="cinder")
    if request.param == "in-process":
        made = []
        client = cinder.CinderAPI.from_conf(
            conf, in_process_app=lambda: made.append(1) or app)
        assert made == []      # made on the first request, not before
        return client, app
    endpoint = {"http-project": root + "/v3/project-a",
                "http-v3": root + "/v3", "http-root": root}[request.param]
    conf.set_override("endpoint_override", endpoint, group="cinder")
    return cinder.CinderAPI.from_conf(conf), app


def test_volumes_are_made_found_grown_and_deleted(volume_api):
    client, app = volume_api
    volume = client.create(ALICE, 1, "data", "some data",
                           volume_type="fast", metadata={"a": "b"},
                           availability_zone="nova")
    assert volume["size"] == 1 and volume["name"] == "data"
    assert client.get(ALICE, volume["id"])["description"] == "some data"
    assert [v["id"] for v in client.get_all(ALICE)] == [volume["id"]]
    assert client.get_all(ALICE, {"name": "nothing"}) == []
    client.extend(ALICE, volume["id"], 3)
    assert client.get(ALICE, volume["id"])["size"] == 3
    assert client.wait_for_status(ALICE, volume["id"], ["available"],
                                  timeout=5, interval=0)["size"] == 3
    client.delete(ALICE, volume["id"])
    with pytest.raises(client_exception.VolumeNotFound) as caught:
        client.get(ALICE, volume["id"])
    assert caught.value.cinder_type == "itemNotFound"
    # Every request named the caller's project, token and request id.
    assert {r["path"].split("/")[2] for r in app.requests} == {"project-a"}
    assert {r["token"] for r in app.requests} == {"alice:project-a"}
    assert {r["request_id"] for r in app.requests} == {"req-project-a"}
    extend = [r for r in app.requests if r["method"] == "POST"
              and r["path"].endswith("/action")]
    assert extend[0]["version"] == "volume 3.42"


def test_snapshots(volume_api):
    client, app = volume_api
    volume = client.create(ALICE, 2, "v", None)
    snapshot = client.create_snapshot(ALICE, volume["id"], "s", "d",
                                      metadata={"k": "v"})
    assert snapshot["volume_id"] == volume["id"]
    assert client.get_snapshot(ALICE, snapshot["id"])["name"] == "s"
    assert [s["id"] for s in client.get_all_snapshots(ALICE)] == [
        snapshot["id"]]
    client.update_snapshot_status(ALICE, snapshot["id"], "creating",
                                  progress="90%")
    assert client.get_snapshot(ALICE, snapshot["id"])["progress"] == "90%"
    app.volumes[volume["id"]]["status"] = "in-use"
    with pytest.raises(client_exception.VolumeServiceBadRequest) as caught:
        client.create_snapshot(ALICE, volume["id"], "s2", None)
    assert caught.value.cinder_type == "badRequest"
    forced = client.create_snapshot_force(ALICE, volume["id"], "s2", None)
    assert forced["volume_id"] == volume["id"]
    client.delete_snapshot(ALICE, snapshot["id"])
    with pytest.raises(client_exception.SnapshotNotFound):
        client.get_snapshot(ALICE, snapshot["id"])
    with pytest.raises(client_exception.SnapshotNotFound):
        client.delete_snapshot(ALICE, snapshot["id"])
    with pytest.raises(client_exception.VolumeNotFound):
        client.create_snapshot(ALICE, "no-such-volume", "s", None)


def test_the_attachment_flow(volume_api):
    """Nova's new-style attach: reserve, connect, complete, detach."""
    client, app = volume_api
    volume = client.create(ALICE, 1, "v", None)
    reserved = client.attachment_create(ALICE, volume["id"], SERVER)
    assert reserved["status"] == "reserved"
    assert client.get(ALICE, volume["id"])["status"] == "reserved"
    connector = {"host": "compute-1", "initiator": None}
    updated = client.attachment_update(ALICE, reserved["id"], connector,
                                       mountpoint="/dev/vdb")
    info = updated["connection_info"]
    assert info["driver_volume_type"] == "file"
    assert info["data"]["volume_id"] == volume["id"]
    client.attachment_complete(ALICE, reserved["id"])
    volume = client.get(ALICE, volume["id"])
    assert volume["status"] == "in-use"
    assert volume["attachments"][0]["device"] == "/dev/vdb"
    assert client.attachment_get(ALICE, reserved["id"])["status"] == \
        "attached"
    assert [a["id"] for a in client.attachment_get_all(
        ALICE, instance_id=SERVER)] == [reserved["id"]]
    assert client.attachment_get_all(ALICE, volume_id="other") == []
    client.attachment_delete(ALICE, reserved["id"])
    assert client.get(ALICE, volume["id"])["status"] == "available"
    with pytest.raises(client_exception.VolumeAttachmentNotFound):
        client.attachment_get(ALICE, reserved["id"])
    with pytest.raises(client_exception.VolumeAttachmentNotFound):
        client.attachment_delete(ALICE, reserved["id"])
    # Read-only, with a connector at once: 3.54.
    second = client.attachment_create(ALICE, volume["id"], SERVER,
                                      connector=connector, mode="ro",
                                      mountpoint="/dev/vdc")
    assert second["connection_info"]["data"]["access_mode"] == "ro"
    versions = {r["version"] for r in app.requests
                if "/attachments" in r["path"]}
    assert versions == {"volume 3.44", "volume 3.54"}


def test_volume_actions_and_their_microversions(volume_api):
    client, app = volume_api
    volume = client.create(ALICE, 1, "v", None)
    client.reimage_volume(ALICE, volume["id"], "image-1",
                          reimage_reserved=True)
    assert app.volumes[volume["id"]]["last_action"] == (
        "os-reimage", {"image_id": "image-1", "reimage_reserved": True})
    client.extend_volume_completion(ALICE, volume["id"], error=True)
    assert app.volumes[volume["id"]]["last_action"] == (
        "os-extend_volume_completion", {"error": True})
    assert client.migrate_volume_completion(
        ALICE, volume["id"], "new-id") == {"save_volume_id": "new-id"}
    actions = [r["version"] for r in app.requests
               if r["path"].endswith("/action")]
    assert actions == ["volume 3.68", "volume 3.71", "volume 3.0"]


def test_errors_become_stratus_exceptions(volume_api):
    client, app = volume_api
    app.volume_quota = 1
    client.create(ALICE, 1, "one", None)
    with pytest.raises(client_exception.VolumeLimitExceeded) as caught:
        client.create(ALICE, 1, "two", None)
    assert caught.value.cinder_type == "overLimit"
    assert "Maximum number of volumes" in caught.value.format_message()
    with pytest.raises(client_exception.VolumeServiceBadRequest):
        client.create(ALICE, 0, "zero", None)
    with pytest.raises(client_exception.VolumeNotFound):
        client.extend(ALICE, "missing", 2)
    app.failures = [409]
    with pytest.raises(client_exception.VolumeServiceConflict):
        client.get_all(ALICE)
    app.failures = [403]
    with pytest.raises(client_exception.VolumeServiceForbidden):
        client.get_all(ALICE)


def test_wait_for_status_ends_on_an_error_status(volume_api):
    client, app = volume_api
    volume = client.create(ALICE, 1, "v", None)
    app.volumes[volume["id"]]["status"] = "error"
    with pytest.raises(client_exception.VolumeServiceError, match="is error"):
        client.wait_for_status(ALICE, volume["id"], ["available"],
                               timeout=5, interval=0)
    app.volumes[volume["id"]]["status"] = "creating"
    with pytest.raises(client_exception.VolumeServiceError, match="creating"):
        client.wait_for_status(ALICE, volume["id"], ["available"],
                               timeout=0, interval=0)


def test_idempotent_calls_are_retried_and_others_not(volume_api):
    client, app = volume_api
    app.failures = [503, 502]
    assert client.get_all(ALICE) == []
    app.failures = [503, 503, 503]
    with pytest.raises(client_exception.VolumeServiceUnavailable):
        client.get_all(ALICE)
    app.failures = [503]
    with pytest.raises(client_exception.VolumeServiceUnavailable):
        client.create(ALICE, 1, "v", None)
    assert app.volumes == {}


def test_an_unreachable_service_is_unavailable(conf):
    conf.set_override("endpoint_override", "http://127.0.0.1:9/v3",
                      group="cinder")
    conf.set_override("http_retries", 1, group="cinder")
    with pytest.raises(client_exception.VolumeServiceUnavailable):
        cinder.CinderAPI.from_conf(conf).get(ALICE, "x")


def test_a_context_without_a_token(conf, served):
    """noauth without a service user: an administrator's noauth token of
    the context's project; with a service user: its token and project."""
    app, root = served
    conf.set_override("endpoint_override", root, group="cinder")
    client = cinder.CinderAPI.from_conf(conf)
    client.get_all(_context("project-a", token=False))
    assert app.requests[-1]["token"] == "admin:project-a"

    class ServiceSession:
        def get_token(self):
            return "service:services"

        def get_project_id(self):
            return "services"

    transport = cinder.EndpointTransport(lambda ctx: root, None,
                                         service_session=ServiceSession())
    cinder.CinderAPI(transport).get_all(
        stratus_context.RequestContext(is_admin=True))
    assert app.requests[-1]["token"] == "service:services"
    assert app.requests[-1]["service_token"] is None
    assert app.requests[-1]["path"].startswith("/v3/services/volumes")
    # A caller's request carries the service user's token beside its own.
    cinder.CinderAPI(transport).get_all(ALICE)
    assert (app.requests[-1]["token"], app.requests[-1]["service_token"]) \
        == ("alice:project-a", "service:services")
    assert app.requests[-1]["path"].startswith("/v3/project-a/volumes")


def test_endpoint_template_names_the_callers_project(conf, served):
    app, root = served
    conf.set_override("endpoint_template", root + "/v3/%(project_id)s",
                      group="cinder")
    client = cinder.CinderAPI.from_conf(conf)
    client.get_all(ALICE)
    client.get_all(_context("project-b"))
    assert [r["path"] for r in app.requests] == [
        "/v3/project-a/volumes/detail", "/v3/project-b/volumes/detail"]


def _catalog(root, kind="volumev3", region="r1", name="cinderv3"):
    return [{"type": "compute", "name": "nova", "endpoints": [
                {"interface": "public", "region": region,
                 "url": "http://127.0.0.1:9/compute"}]},
            {"type": kind, "name": name, "endpoints": [
                {"interface": "internal", "region": region,
                 "url": "http://127.0.0.1:9/internal"},
                {"interface": "public", "region": region,
                 "url": root + "/v3/project-a"}]}]


def test_catalog_selection():
    root = "http://cinder.example"
    assert cinder.catalog_endpoint(_catalog(root), "volumev3::publicURL") \
        == root + "/v3/project-a"
    assert cinder.catalog_endpoint(_catalog(root), "volumev3::internal") \
        == "http://127.0.0.1:9/internal"
    # block-storage stands for volumev3, and the other way round.
    assert cinder.catalog_endpoint(_catalog(root, "block-storage"),
                                   "volumev3::publicURL") \
        == root + "/v3/project-a"
    assert cinder.catalog_endpoint(_catalog(root), "block-storage::public") \
        == root + "/v3/project-a"
    assert cinder.catalog_endpoint(_catalog(root), "volumev3:other:public") \
        is None
    assert cinder.catalog_endpoint(_catalog(root), "volumev3:cinderv3:"
                                   "publicURL", region="r2") is None
    with pytest.raises(client_exception.VolumeServiceError):
        cinder.parse_catalog_info("volumev3")


def test_keystone_mode_uses_the_callers_catalog(conf, served):
    """The caller's catalog names the service: HTTP there; without one
    (and no service user), the built-in app in this process."""
    app, root = served
    conf.set_override("auth_strategy", "keystone", group="api")
    conf.set_override("os_region_name", "r1", group="cinder")
    local = fake_cinder.FakeCinder()
    client = cinder.CinderAPI.from_conf(conf, in_process_app=lambda: local)
    client.create(_context("project-a", catalog=_catalog(root)), 1, "v",
                  None)
    assert len(app.volumes) == 1 and not local.volumes
    client.create(_context("project-a"), 1, "v", None)
    assert len(app.volumes) == 1 and len(local.volumes) == 1


def test_paths_keep_odd_ids_in_one_segment(volume_api):
    client, app = volume_api
    assert cinder._path("volumes", "../snapshots/x") == \
        "/volumes/..%2Fsnapshots%2Fx"
    with pytest.raises(client_exception.VolumeNotFound):
        client.get(ALICE, "../snapshots/x")
    assert app.requests[-1]["method"] == "GET"


def test_lists_follow_next_links_unless_a_limit_is_asked(volume_api):
    client, app = volume_api
    made = sorted(client.create(ALICE, 1, "v%d" % n, None)["id"]
                  for n in range(5))
    app.page_size = 2
    assert [v["id"] for v in client.get_all(ALICE)] == made
    assert [v["id"] for v in client.get_all(ALICE, {"limit": 2})] == \
        made[:2]


def test_debug_logs_every_request(conf, served, caplog):
    app, root = served
    conf.set_override("endpoint_override", root, group="cinder")
    conf.set_override("debug", True, group="cinder")
    with caplog.at_level("INFO", logger="stratus.volume.cinder"):
        cinder.CinderAPI.from_conf(conf).get_all(ALICE)
    assert "GET /volumes/detail (3.0): 200" in caplog.text
