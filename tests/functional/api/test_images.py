"""The image proxy (/images up to 2.35) and image metadata (up to 2.38)
over the built-in image service."""
import pytest

from stratus import context as stratus_context
from tests.functional.api import fixtures


@pytest.fixture
def images(conf, sqlite_databases, tmp_path):
    return fixtures.image_api(conf, sqlite_databases, tmp_path)


@pytest.fixture
def admin(conf, sqlite_databases, images):
    return fixtures.client(fixtures.make_app(conf, sqlite_databases,
                                             image_api=images))


@pytest.fixture
def context(sqlite_databases):
    return stratus_context.RequestContext(
        user_id="admin", project_id="admin", is_admin=True,
        roles=["admin", "member", "reader"], databases=sqlite_databases)


def _image(images, context, upload=True, **values):
    fields = dict(name="cirros", container_format="bare",
                  disk_format="qcow2", visibility="public")
    fields.update(values)
    image = images.create(context, **fields)
    if upload:
        images.upload(context, image["id"], b"x" * 100)
    return images.get(context, image["id"])


def test_show_in_nova_shape(admin, images, context):
    image = _image(images, context, min_ram=64, architecture="x86_64",
                   auto_disk_config="true", instance_uuid="abc")
    shown = admin.get("/images/%s" % image["id"])["image"]
    assert shown["links"] == [
        {"rel": "self",
         "href": "http://localhost/v2.1/images/%s" % image["id"]},
        {"rel": "bookmark",
         "href": "http://localhost/images/%s" % image["id"]},
        {"rel": "alternate", "type": "application/vnd.openstack.image",
         "href": "http://127.0.0.1:9292/images/%s" % image["id"]}]
    assert shown["server"]["id"] == "abc"
    assert {key: value for key, value in shown.items()
            if key not in ("links", "server", "created", "updated")} == {
        "id": image["id"], "name": "cirros", "minRam": 64, "minDisk": 0,
        "status": "ACTIVE", "progress": 100, "OS-EXT-IMG-SIZE:size": 100,
        "OS-DCF:diskConfig": "AUTO",
        "metadata": {"architecture": "x86_64", "auto_disk_config": "true",
                     "instance_uuid": "abc"}}
    assert shown["created"].endswith("Z")
    queued = _image(images, context, upload=False, name="empty")
    shown = admin.get("/images/%s" % queued["id"])["image"]
    assert (shown["status"], shown["progress"]) == ("SAVING", 25)


def test_list_filters_and_pages(admin, images, context):
    ids = sorted(_image(images, context, name="img%d" % n, min_ram=n * 100,
                        upload=False)["id"] for n in range(3))
    listed = admin.get("/images")["images"]
    assert sorted(image["id"] for image in listed) == ids
    assert set(listed[0]) == {"id", "name", "links"}
    detail = admin.get("/images/detail?minRam=100")["images"]
    assert sorted(image["name"] for image in detail) == ["img1", "img2"]
    assert [i["name"] for i in admin.get("/images?name=img2")["images"]] == [
        "img2"]
    page = admin.get("/images?limit=2")
    assert len(page["images"]) == 2
    marker = page["images"][-1]["id"]
    assert page["images_links"][0]["href"].endswith(
        "/v2.1/images?limit=2&marker=%s" % marker)
    rest = admin.get("/images?limit=2&marker=%s" % marker)
    assert len(rest["images"]) == 1 and "images_links" not in rest
    assert admin.request("GET", "/v2.1/images?marker=nope").status_int == 400
    assert admin.request("GET",
                         "/v2.1/images?minRam=lots").status_int == 400
    assert admin.get("/images?changes-since=2999-01-01T00:00:00Z")[
        "images"] == []


def test_proxy_ends_at_2_35(admin, images, context):
    image = _image(images, context)
    path = "/v2.1/images/%s" % image["id"]
    assert admin.request("GET", path, version="2.35").status_int == 200
    response = admin.request("GET", path, version="2.36")
    assert response.status_int == 404
    assert response.json["itemNotFound"]["code"] == 404
    assert admin.request("GET", "/v2.1/images",
                         version="2.36").status_int == 404


def test_delete_and_unknown(admin, images, context):
    image = _image(images, context)
    path = "/v2.1/images/%s" % image["id"]
    assert admin.request("DELETE", path).status_int == 204
    response = admin.request("GET", path)
    assert response.status_int == 404
    assert response.json["itemNotFound"]["message"] == "Image not found."
    assert admin.request("DELETE", path).status_int == 404


def test_reader_cannot_delete(admin, images, context):
    image = _image(images, context)
    response = admin.request("DELETE", "/v2.1/images/%s" % image["id"],
                             headers={"X-Roles": "reader"})
    assert response.status_int == 403


def test_metadata(admin, images, context):
    image = _image(images, context, color="red", size_hint="s")
    path = "/images/%s/metadata" % image["id"]
    assert admin.get(path) == {"metadata": {"color": "red",
                                            "size_hint": "s"}}
    assert admin.post(path, {"metadata": {"shape": "round"}}) == {
        "metadata": {"color": "red", "size_hint": "s", "shape": "round"}}
    assert admin.put(path, {"metadata": {"only": "this"}}) == {
        "metadata": {"only": "this"}}
    assert admin.get(path) == {"metadata": {"only": "this"}}
    assert admin.get(path + "/only") == {"meta": {"only": "this"}}
    assert admin.put(path + "/new", {"meta": {"new": "v"}}) == {
        "meta": {"new": "v"}}
    assert admin.request("PUT", "/v2.1" + path + "/new",
                         {"meta": {"other": "v"}}).status_int == 400
    assert admin.request("PUT", "/v2.1" + path + "/new",
                         {"meta": {"new": "v", "b": "c"}}).status_int == 400
    assert admin.request("DELETE", "/v2.1" + path + "/only").status_int == 204
    assert admin.get(path) == {"metadata": {"new": "v"}}
    assert admin.request("GET", "/v2.1" + path + "/only").status_int == 404
    assert admin.request("DELETE",
                         "/v2.1" + path + "/only").status_int == 404
    assert admin.request("GET", "/v2.1/images/nope/metadata"
                         ).status_int == 404
    assert admin.request("GET", "/v2.1" + path,
                         version="2.38").status_int == 200
    assert admin.request("GET", "/v2.1" + path,
                         version="2.39").status_int == 404


def test_metadata_quota(admin, images, context, conf):
    conf.set_override("metadata_items", 1, group="quota")
    image = _image(images, context)
    path = "/v2.1/images/%s/metadata" % image["id"]
    response = admin.request("POST", path, {"metadata": {"a": "1", "b": "2"}})
    assert response.status_int == 403
    assert response.json["forbidden"]["message"] == (
        "Image metadata limit exceeded")
