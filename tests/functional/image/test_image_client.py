"""stratus.image.client.ImageAPI over both transports: the built-in app
in-process, and HTTP to it served on a loopback port."""
import os

import pytest

from stratus.api.image import app as image_app
from stratus import context as stratus_context
from stratus import client_exception
from stratus import exception
from stratus.image import bootstrap
from stratus.image import client
from stratus import wsgi_server


def _context(project, user=None):
    user = user or project
    # As a token carries them: admin => member => reader.
    roles = (["admin", "member", "reader"] if user == "admin"
             else ["member", "reader"])
    return stratus_context.RequestContext(
        user_id=user, project_id=project, roles=roles,
        is_admin=user == "admin", auth_token="%s:%s" % (user, project))


@pytest.fixture(params=["direct", "http"])
def image_api(request, image_app_on, image_conf, sqlite_databases):
    app = image_app_on(sqlite_databases)
    if request.param == "direct":
        yield client.ImageAPI(direct_app=app)
        return
    server = wsgi_server.serve([("image", app, "127.0.0.1", 0)], threads=4)
    image_conf.set_override("api_servers", server.url("image"),
                            group="glance")
    try:
        yield client.ImageAPI.from_conf(image_conf)
    finally:
        server.stop()


DEMO = _context("demo")
OTHER = _context("other")


def test_get_and_list(image_api):
    tiny = image_api.get(DEMO, bootstrap.DEFAULT_IMAGE_ID)
    assert tiny["name"] == "stratus-tiny"
    assert tiny["status"] == "active"
    names = [image["name"] for image in image_api.list(DEMO, status="active")]
    assert names == ["stratus-tiny"]
    with pytest.raises(exception.ImageNotFound):
        image_api.get(DEMO, "5b6b2c5e-0000-4000-8000-000000000000")
    with pytest.raises(exception.ImageNotFound):
        image_api.get(DEMO, "not/a/uuid")


def test_list_follows_pages_unless_limited(image_api):
    for index in range(30):
        image_api.create(DEMO, name="bulk-%02d" % index)
    assert len(image_api.list(DEMO, owner="demo")) == 30
    page = image_api.list(DEMO, owner="demo", limit=10, sort_key="name",
                          sort_dir="asc")
    assert [image["name"] for image in page] == [
        "bulk-%02d" % index for index in range(10)]
    assert image_api.list(DEMO, tag=["none", "of", "these"]) == []


def test_snapshot_round_trip(image_api):
    image = image_api.create(DEMO, name="snap", disk_format="raw",
                             container_format="bare", visibility="private",
                             instance_uuid="i-1")
    assert image["status"] == "queued"
    image_api.upload(DEMO, image["id"],
                     (bytes([n]) * 65536 for n in range(20)))
    active = image_api.get(DEMO, image["id"])
    assert active["status"] == "active"
    assert active["size"] == 20 * 65536
    data = b"".join(image_api.download(DEMO, image["id"]))
    assert data == b"".join(bytes([n]) * 65536 for n in range(20))
    updated = image_api.update(DEMO, image["id"], {
        "instance_uuid": None, "name": "renamed", "os_type": "linux"})
    assert "instance_uuid" not in updated
    assert (updated["name"], updated["os_type"]) == ("renamed", "linux")
    with pytest.raises(exception.ImageNotFound):
        image_api.get(OTHER, image["id"])
    image_api.delete(DEMO, image["id"])
    with pytest.raises(exception.ImageNotFound):
        image_api.get(DEMO, image["id"])
    with pytest.raises(exception.ImageNotFound):
        image_api.delete(DEMO, image["id"])


def test_errors_become_domain_exceptions(image_api):
    with pytest.raises(exception.NotAuthorized):
        image_api.delete(DEMO, bootstrap.DEFAULT_IMAGE_ID)
    image = image_api.create(DEMO, name="e")
    with pytest.raises(exception.Conflict):
        image_api.update(DEMO, image["id"], {"missing": None})
    with pytest.raises(exception.Invalid):
        image_api.create(DEMO, disk_format="floppy")
    with pytest.raises(exception.Invalid):
        image_api.upload(DEMO, image["id"], b"no formats yet")


def test_a_failed_upload_leaves_the_image_queued(image_api, image_conf):
    image = image_api.create(DEMO, disk_format="raw", container_format="bare")

    def broken():
        yield b"some data"
        raise OSError("the source went away")
    with pytest.raises((OSError, client_exception.ImageServiceError)):
        image_api.upload(DEMO, image["id"], broken())
    assert image_api.get(DEMO, image["id"])["status"] == "queued"
    image_api.upload(DEMO, image["id"], b"second try")
    assert image_api.get(DEMO, image["id"])["size"] == len(b"second try")


def test_deleting_during_an_upload_drops_the_data(image_api, image_conf):
    image = image_api.create(DEMO, disk_format="raw", container_format="bare")

    def deleted_midway():
        yield b"a" * 1000
        image_api.delete(DEMO, image["id"])
        yield b"b" * 1000
    with pytest.raises(exception.ImageNotFound):
        image_api.upload(DEMO, image["id"], deleted_midway())
    store_dir = os.path.join(image_conf.state_path, "images")
    assert os.listdir(store_dir) == [bootstrap.DEFAULT_IMAGE_ID]


def test_admin_context_without_a_token_works_in_process(image_app_on,
                                                        sqlite_databases):
    image_api = client.ImageAPI(direct_app=image_app_on(sqlite_databases))
    admin = stratus_context.get_admin_context()
    # noauth's admin project owns the tiny image.
    assert image_api.get(admin, bootstrap.DEFAULT_IMAGE_ID)["owner"] == (
        "admin")


def test_from_conf_without_servers_serves_in_process(image_conf,
                                                     sqlite_databases):
    bootstrap.ensure_default_images(image_conf, sqlite_databases)
    image_api = image_app.image_api(image_conf, sqlite_databases)
    assert isinstance(image_api.transport, client.DirectTransport)
    assert image_api.get(DEMO, bootstrap.DEFAULT_IMAGE_ID)["name"] == (
        "stratus-tiny")


def test_a_process_without_the_image_app_reaches_its_address(
        image_conf, image_app_on, sqlite_databases):
    """A compute host holds no database: without [glance] api_servers it
    reaches the built-in image service where `stratus api` serves it."""
    bootstrap.ensure_default_images(image_conf, sqlite_databases)
    server = wsgi_server.serve(
        [("image", image_app_on(sqlite_databases), "127.0.0.1", 0)],
        threads=2)
    try:
        address = server.url("image").rsplit(":", 1)
        image_conf.set_override("listen", address[0][len("http://"):],
                                "glance")
        image_conf.set_override("port", int(address[1]), "glance")
        image_api = client.ImageAPI.from_conf(image_conf)
        assert image_api.get(DEMO, bootstrap.DEFAULT_IMAGE_ID)["name"] == (
            "stratus-tiny")
    finally:
        server.stop()


def test_unreachable_servers(image_conf):
    image_conf.set_override("api_servers", "http://127.0.0.1:9", "glance")
    image_api = client.ImageAPI.from_conf(image_conf)
    with pytest.raises(client_exception.ImageServiceUnavailable) as raised:
        image_api.get(DEMO, bootstrap.DEFAULT_IMAGE_ID)
    assert raised.value.code == 503


@pytest.mark.parametrize("status", ["502 Bad Gateway",
                                    "503 Service Unavailable",
                                    "504 Gateway Timeout"])
def test_an_image_service_that_cannot_serve_now(status):
    # (the built-in one answers 503 while its database is away): the
    # caller answers 503 too, and is tried again, never a 500.
    def unavailable(environ, start_response):
        start_response(status, [("Content-Type", "application/json")])
        return [b'{"message": "A database of this cloud cannot be '
                b'reached; try again later."}']
    image_api = client.ImageAPI(direct_app=unavailable)
    with pytest.raises(client_exception.ImageServiceUnavailable) as raised:
        image_api.get(DEMO, bootstrap.DEFAULT_IMAGE_ID)
    assert raised.value.code == 503
    assert "cannot be reached" in raised.value.format_message()
