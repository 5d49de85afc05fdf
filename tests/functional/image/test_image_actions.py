"""Deactivating and reactivating an image (Horizon's admin Images panel
actions), as Glance answers them."""
import pytest
import webob

from stratus.api.image import app as image_app
from tests.functional.servers.conftest import \
    sqlite_servers  # noqa: F401 (fixture)


@pytest.fixture
def active(sqlite_images):
    image = sqlite_images.create(name="img")
    assert sqlite_images.upload(image["id"], b"data").status_int == 204
    return image["id"]


def _action(images, image_id, action, as_project="demo"):
    return images.request("POST", "/v2/images/%s/actions/%s" % (
        image_id, action), as_project)


def test_deactivate_and_reactivate(sqlite_images, active):
    images = sqlite_images
    assert _action(images, active, "deactivate").status_int == 204
    shown = images.request("GET", "/v2/images/" + active).json
    assert shown["status"] == "deactivated"
    # Again: nothing to do, as Glance.
    assert _action(images, active, "deactivate").status_int == 204
    # Its owner may no longer download it; an administrator may.
    refused = images.request("GET", "/v2/images/%s/file" % active)
    assert refused.status_int == 403
    assert "deactivated" in refused.json["message"]
    data = images.request("GET", "/v2/images/%s/file" % active, "admin",
                          user="admin")
    assert data.status_int == 200 and data.body == b"data"
    assert _action(images, active, "reactivate").status_int == 204
    assert images.request("GET", "/v2/images/" + active).json[
        "status"] == "active"
    assert images.request("GET",
                          "/v2/images/%s/file" % active).body == b"data"


def test_who_and_when(sqlite_images, active):
    images = sqlite_images
    queued = images.create(name="empty")["id"]
    for action in ("deactivate", "reactivate"):
        assert _action(images, queued, action).status_int == 403
    # Another project does not see the private image at all.
    assert _action(images, active, "deactivate",
                   "other").status_int == 404
    assert images.with_roles("reader").request(
        "POST", "/v2/images/%s/actions/deactivate" % active).status_int == 403
    assert _action(images, "0" * 8, "deactivate").status_int == 404


def test_no_server_boots_from_a_deactivated_image(
        sqlite_servers):  # noqa: F811 (the fixture imported)
    """The compute API refuses an image that is not active (Nova's
    ImageNotActive, 400) until it is reactivated."""
    images, ctx = sqlite_servers.images, sqlite_servers.ctx
    image = images.create(ctx, name="img", disk_format="raw",
                          container_format="bare", visibility="public")
    images.upload(ctx, image["id"], b"x" * 1024)
    app = image_app.make_app(sqlite_servers.conf, sqlite_servers.databases)

    def act(action):
        response = webob.Request.blank(
            "/v2/images/%s/actions/%s" % (image["id"], action),
            method="POST", headers={"X-Auth-Token": "admin:admin"}
        ).get_response(app)
        assert response.status_int == 204, response.text

    def boot():
        return sqlite_servers.demo.request("POST", "/v2.1/servers", {
            "server": {"name": "vm", "flavorRef": "1",
                       "imageRef": image["id"], "networks": "none"}},
            version="2.37")
    act("deactivate")
    refused = boot()
    assert refused.status_int == 400, refused.text
    assert "is not active" in refused.json["badRequest"]["message"]
    act("reactivate")
    assert boot().status_int == 202
