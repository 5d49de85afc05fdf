"""The image service's policies are Glance's defaults: a reader reads, a
member changes its own project's images, an admin does everything, and
only an admin makes an image public. Refusals are 403 in Glance's error
format, and an image one may not see is 404."""
import pytest

from stratus.image import bootstrap

TINY = bootstrap.DEFAULT_IMAGE_ID


def _forbidden(response, action):
    assert response.status_int == 403, response.text
    # Glance's errors are webob's.
    assert response.json["code"] == "403 Forbidden"
    assert response.json["title"] == "Forbidden"
    assert response.json["message"].startswith(
        "You are not authorized to complete %s action." % action)


@pytest.fixture
def mine(images):
    """An active image of project demo, made by a member."""
    image = images.create(name="mine")
    assert images.upload(image["id"], b"data").status_int == 204
    return image


def test_a_reader_reads_but_cannot_create_change_or_delete(images, mine):
    reader = images.with_roles("reader")
    assert "mine" in reader.names()
    shown = reader.request("GET", "/v2/images/" + mine["id"])
    assert shown.status_int == 200
    assert shown.json["name"] == "mine"

    _forbidden(reader.request("POST", "/v2/images", json={
        "name": "nope", "disk_format": "raw", "container_format": "bare"}),
        "add_image")
    _forbidden(reader.patch(mine["id"], [
        {"op": "replace", "path": "/name", "value": "renamed"}]),
        "modify_image")
    _forbidden(reader.request("PUT", "/v2/images/%s/tags/t" % mine["id"]),
               "modify_image")
    _forbidden(reader.request("DELETE", "/v2/images/" + mine["id"]),
               "delete_image")
    # Downloading takes member, as in Glance.
    _forbidden(reader.request("GET", "/v2/images/%s/file" % mine["id"]),
               "download_image")
    queued = images.create(name="queued")
    _forbidden(reader.upload(queued["id"], b"x"), "upload_image")
    # Nothing changed.
    assert images.request("GET", "/v2/images/" + mine["id"]).json[
        "name"] == "mine"
    assert images.request("GET", "/v2/images/%s/file" % mine["id"]).body == (
        b"data")


def test_a_member_manages_its_projects_images(images):
    member = images.with_roles("member")
    created = member.create(name="by-member", visibility="community")
    assert created["owner"] == "demo"
    assert member.patch(created["id"], [
        {"op": "replace", "path": "/name", "value": "renamed"}]
    ).status_int == 200
    assert member.upload(created["id"], b"bytes").status_int == 204
    assert member.request("GET", "/v2/images/%s/file"
                          % created["id"]).body == b"bytes"
    assert member.request("DELETE", "/v2/images/" + created["id"]
                          ).status_int == 204


def test_only_an_admin_makes_an_image_public(images, mine):
    _forbidden(images.request("POST", "/v2/images", json={
        "name": "pub", "visibility": "public"}), "publicize_image")
    _forbidden(images.patch(mine["id"], [
        {"op": "replace", "path": "/visibility", "value": "public"}]),
        "publicize_image")
    response = images.patch(mine["id"], [
        {"op": "replace", "path": "/visibility", "value": "public"}],
        as_project="admin")
    assert response.status_int == 200
    assert response.json["visibility"] == "public"


def test_members_of_other_projects(images, mine):
    # Private to demo: another project does not see it at all.
    assert images.request("GET", "/v2/images/" + mine["id"],
                          "other").status_int == 404
    assert images.request("DELETE", "/v2/images/" + mine["id"],
                          "other").status_int == 404
    # Public and community images are seen, used, but not changed.
    for visibility in ("public", "community"):
        assert images.patch(mine["id"], [
            {"op": "replace", "path": "/visibility", "value": visibility}],
            as_project="admin").status_int == 200
        assert images.request("GET", "/v2/images/" + mine["id"],
                              "other").status_int == 200
        assert images.request("GET", "/v2/images/%s/file" % mine["id"],
                              "other").body == b"data"
        _forbidden(images.patch(mine["id"], [
            {"op": "replace", "path": "/name", "value": "x"}], "other"),
            "modify_image")
        _forbidden(images.request("DELETE", "/v2/images/" + mine["id"],
                                  "other"), "delete_image")
    _forbidden(images.request("DELETE", "/v2/images/" + TINY, "demo"),
               "delete_image")


def test_without_a_role_nothing(images, mine):
    nobody = images.with_roles("observer")
    _forbidden(nobody.request("GET", "/v2/images"), "get_images")
    # Even a public image: one may not read it, so it does not exist.
    assert nobody.request("GET", "/v2/images/" + TINY).status_int == 404


def test_an_admin_does_everything(images, mine):
    admin = images.with_roles("admin")
    assert admin.patch(mine["id"], [
        {"op": "add", "path": "/note", "value": "by admin"}],
        as_project="admin").status_int == 200
    assert admin.request("DELETE", "/v2/images/" + mine["id"],
                         "admin").status_int == 204
