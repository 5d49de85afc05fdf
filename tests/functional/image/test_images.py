"""Image records of the built-in Glance v2 API: create, show, list,
update, tag and delete, with Glance's visibility rules and errors."""
import hashlib
import os

from stratus.image import bootstrap

TINY = bootstrap.DEFAULT_IMAGE_ID


def test_version_documents(sqlite_images):
    root = sqlite_images.request("GET", "/", as_project=None)
    assert root.status_int == 300
    versions = root.json["versions"]
    assert versions[0]["status"] == "CURRENT"
    assert versions[0]["id"].startswith("v2.")
    assert versions[0]["links"][0]["href"].endswith("/v2/")
    assert sqlite_images.request("GET", "/versions",
                                 as_project=None).json == root.json


def test_the_default_image(images):
    image = images.request("GET", "/v2/images/" + TINY).json
    payload = bootstrap.empty_qcow2(bootstrap.VIRTUAL_SIZE)
    assert image["name"] == "stratus-tiny"
    assert image["status"] == "active"
    assert image["visibility"] == "public"
    assert (image["disk_format"], image["container_format"]) == (
        "qcow2", "bare")
    assert image["size"] == len(payload)
    assert image["virtual_size"] == bootstrap.VIRTUAL_SIZE
    assert image["checksum"] == hashlib.md5(payload).hexdigest()
    assert image["os_hash_algo"] == "sha512"
    assert image["os_hash_value"] == hashlib.sha512(payload).hexdigest()
    assert image["self"] == "/v2/images/" + TINY
    assert image["file"] == "/v2/images/%s/file" % TINY
    assert image["schema"] == "/v2/schemas/image"


def test_create_and_show(images):
    created = images.request("POST", "/v2/images", json={
        "name": "cirros", "disk_format": "qcow2", "container_format": "bare",
        "min_disk": 1, "tags": ["a", "a", "b"], "os_distro": "cirros"})
    assert created.status_int == 201
    image = created.json
    assert created.headers["Location"].endswith("/v2/images/" + image["id"])
    assert image["status"] == "queued"
    assert image["visibility"] == "shared"
    assert image["owner"] == "demo"
    assert image["size"] is None
    assert image["tags"] == ["a", "b"]
    assert image["os_distro"] == "cirros"
    assert image["min_disk"] == 1 and image["min_ram"] == 0
    assert image["protected"] is False and image["os_hidden"] is False
    shown = images.request("GET", "/v2/images/" + image["id"]).json
    assert shown == image


def test_create_with_an_id(images):
    wanted = "1c1d3b5e-3a5c-4cd5-9d57-0d8f0d6c2f10"
    assert images.create(id=wanted)["id"] == wanted
    again = images.request("POST", "/v2/images", json={"id": wanted})
    assert again.status_int == 409


BAD_CREATIONS = [
    ({"status": "active"}, 403),
    ({"size": 5}, 403),
    ({"checksum": "x"}, 403),
    ({"locations": []}, 403),
    ({"disk_format": "floppy"}, 400),
    ({"min_ram": -1}, 400),
    ({"protected": "yes"}, 400),
    ({"id": "not-a-uuid"}, 400),
    ({"name": "x" * 256}, 400),
    ({"tags": "one"}, 400),
    ({"extra": 5}, 400),
    ({"visibility": "everyone"}, 400),
    ({"visibility": "public"}, 403),   # only admins publicize
    ({"owner": "someone-else"}, 403),
    ([], 400),
]


def test_bad_creations(images):
    for body, status in BAD_CREATIONS:
        response = images.request("POST", "/v2/images", json=body)
        assert response.status_int == status, (body, response.text)
        # Glance's (webob's) error shape
        assert response.json["code"].startswith(str(status))
        assert response.json["title"]
        assert response.json["message"]
    assert images.names() == ["stratus-tiny"]


def test_malformed_body(sqlite_images):
    response = sqlite_images.request("POST", "/v2/images", body=b"{nope",
                                     content_type="application/json")
    assert response.status_int == 400


def test_visibility(images):
    for visibility in ("private", "shared", "community"):
        images.create(name=visibility, visibility=visibility)
    images.create(name="public", visibility="public", user="admin",
                  as_project="admin")
    by_id = {name: images.request(
        "GET", "/v2/images?name=" + name).json["images"][0]["id"]
        for name in ("private", "shared", "community", "public")}

    assert images.names("?sort_key=name&sort_dir=asc") == [
        "community", "private", "public", "shared", "stratus-tiny"]
    # Another project sees public images, and community ones on request.
    assert images.names("?sort_key=name&sort_dir=asc", "other") == [
        "public", "stratus-tiny"]
    assert images.names("?visibility=community", "other") == ["community"]
    assert sorted(images.names("?visibility=all", "other")) == [
        "community", "public", "stratus-tiny"]
    for name, status in (("private", 404), ("shared", 404),
                         ("community", 200), ("public", 200)):
        assert images.request("GET", "/v2/images/" + by_id[name],
                              "other").status_int == status
    # Administrators see every project's images.
    assert "private" in images.names(as_project="admin")


def test_update_with_json_patch(images):
    image = images.create(name="before", foo="bar")
    updated = images.patch(image["id"], [
        {"op": "replace", "path": "/name", "value": "after"},
        {"op": "add", "path": "/os_distro", "value": "cirros"},
        {"op": "remove", "path": "/foo"},
        {"op": "add", "path": "/min_ram", "value": 512},
        {"op": "replace", "path": "/tags", "value": ["x", "x"]},
        {"op": "add", "path": "/a~1b", "value": "slash"},
    ])
    assert updated.status_int == 200, updated.text
    body = updated.json
    assert body["name"] == "after"
    assert body["os_distro"] == "cirros"
    assert "foo" not in body
    assert body["min_ram"] == 512
    assert body["tags"] == ["x"]
    assert body["a/b"] == "slash"
    assert images.request("GET", "/v2/images/" + image["id"]).json == body


BAD_UPDATES = [
    ({"op": "remove", "path": "/missing"}, 409),
    ({"op": "replace", "path": "/missing", "value": "v"}, 409),
    ({"op": "replace", "path": "/status", "value": "active"}, 403),
    ({"op": "replace", "path": "/id", "value": "x"}, 403),
    ({"op": "remove", "path": "/name"}, 403),
    ({"op": "add", "path": "/visibility", "value": "public"}, 403),
    ({"op": "add", "path": "/min_disk", "value": "big"}, 400),
    ({"op": "add", "path": "/prop", "value": 5}, 400),
    ({"op": "move", "path": "/name", "value": "x"}, 400),
    ({"op": "add", "path": "/a/b", "value": "x"}, 400),
    ({"op": "add", "path": "/name"}, 400),
]


def test_bad_updates_change_nothing(images):
    image = images.create(name="target")
    for operation, status in BAD_UPDATES:
        # a valid change first: the whole patch applies or none of it
        response = images.patch(image["id"], [
            {"op": "add", "path": "/note", "value": "x"}, operation])
        assert response.status_int == status, (operation, response.text)
    assert images.request("GET", "/v2/images/" + image["id"]).json == image


def test_update_needs_the_patch_media_type(sqlite_images):
    image = sqlite_images.create()
    response = sqlite_images.request(
        "PATCH", "/v2/images/" + image["id"],
        json=[{"op": "add", "path": "/a", "value": "b"}])
    assert response.status_int == 415


def test_formats_change_only_before_data(images):
    image = images.create()
    images.upload(image["id"], b"data")
    response = images.patch(image["id"], [
        {"op": "replace", "path": "/disk_format", "value": "qcow2"}])
    assert response.status_int == 403


def test_only_owners_and_admins_change_or_delete(images):
    image = images.create(name="mine", visibility="community")
    assert images.patch(image["id"], [{"op": "add", "path": "/x",
                                       "value": "y"}],
                        "other").status_int == 403
    assert images.request("DELETE", "/v2/images/" + image["id"],
                          "other").status_int == 403
    assert images.request("DELETE", "/v2/images/" + TINY,
                          "demo").status_int == 403
    assert images.patch(image["id"], [{"op": "add", "path": "/x",
                                       "value": "y"}],
                        "admin").status_int == 200


def test_delete(images, image_conf):
    image = images.create()
    images.upload(image["id"], b"bytes")
    stored = os.path.join(image_conf.state_path, "images", image["id"])
    assert os.path.exists(stored)
    assert images.request("DELETE",
                          "/v2/images/" + image["id"]).status_int == 204
    assert images.request("GET", "/v2/images/" + image["id"]).status_int == 404
    assert images.request("DELETE",
                          "/v2/images/" + image["id"]).status_int == 404
    assert not os.path.exists(stored)


def test_protected_images_cannot_be_deleted(images):
    image = images.create(protected=True)
    assert images.request("DELETE",
                          "/v2/images/" + image["id"]).status_int == 403
    images.patch(image["id"], [{"op": "replace", "path": "/protected",
                                "value": False}])
    assert images.request("DELETE",
                          "/v2/images/" + image["id"]).status_int == 204


def test_tags(images):
    image = images.create(name="tagged")
    path = "/v2/images/%s/tags/" % image["id"]
    assert images.request("PUT", path + "gold").status_int == 204
    assert images.request("PUT", path + "gold").status_int == 204
    assert images.request("PUT", path + "v1").status_int == 204
    assert images.request("GET", "/v2/images/" + image["id"]).json[
        "tags"] == ["gold", "v1"]
    assert images.names("?tag=gold&tag=v1") == ["tagged"]
    assert images.names("?tag=gold&tag=v2") == []
    assert images.request("DELETE", path + "gold").status_int == 204
    assert images.request("DELETE", path + "gold").status_int == 404
    assert images.request("PUT", path + "x" * 256).status_int == 400
    assert images.request("PUT", path + "t", "other").status_int == 404


def test_list_pages_with_next_links(images):
    for index in range(7):
        images.create(name="img-%d" % index)
    seen = []
    path = "/v2/images?limit=3&sort_key=name&sort_dir=asc"
    pages = 0
    while path:
        page = images.request("GET", path).json
        assert len(page["images"]) <= 3
        seen += [image["name"] for image in page["images"]]
        path = page.get("next")
        pages += 1
    assert seen == ["img-%d" % i for i in range(7)] + ["stratus-tiny"]
    assert pages == 3
    assert images.names("?sort=name:desc&limit=2") == ["stratus-tiny",
                                                      "img-6"]


def test_list_filters(images):
    images.create(name="alpha", os_distro="ubuntu")
    images.create(name="beta", disk_format="qcow2", os_hidden=True)
    images.create(name="gamma", disk_format="iso")
    order = "&sort_key=name&sort_dir=asc"
    assert images.names("?name=alpha") == ["alpha"]
    assert images.names("?name=in:alpha,gamma" + order) == ["alpha", "gamma"]
    assert images.names("?os_distro=ubuntu") == ["alpha"]
    assert images.names("?disk_format=iso") == ["gamma"]
    assert images.names("?status=active") == ["stratus-tiny"]
    assert images.names("?owner=demo" + order) == ["alpha", "gamma"]
    assert images.names("?os_hidden=true") == ["beta"]
    assert images.names("?size_min=1000") == ["stratus-tiny"]
    assert images.names("?visibility=public") == ["stratus-tiny"]


BAD_LIST_QUERIES = [
    "?limit=abc", "?limit=-1", "?sort_key=nope", "?sort_dir=sideways",
    "?sort=name:asc&sort_key=name", "?sort_key=name&sort_key=id"
    "&sort_dir=asc&sort_dir=desc&sort_dir=asc",
    "?marker=00000000-0000-0000-0000-000000000000", "?visibility=secret",
    "?member_status=maybe", "?size_min=big", "?os_hidden=perhaps",
]


def test_bad_list_queries_are_400(sqlite_images):
    for query in BAD_LIST_QUERIES:
        response = sqlite_images.request("GET", "/v2/images" + query)
        assert response.status_int == 400, query


def test_schemas(sqlite_images):
    image_schema = sqlite_images.request("GET", "/v2/schemas/image").json
    assert image_schema["name"] == "image"
    assert "disk_format" in image_schema["properties"]
    assert image_schema["properties"]["status"]["readOnly"] is True
    images_schema = sqlite_images.request("GET", "/v2/schemas/images").json
    assert images_schema["name"] == "images"


def test_authentication_and_unknown_routes(sqlite_images):
    assert sqlite_images.request("GET", "/v2/images",
                                 as_project=None).status_int == 401
    assert sqlite_images.request("GET", "/v2/nothing").status_int == 404
    wrong = sqlite_images.request("PUT", "/v2/images")
    assert wrong.status_int == 405
    assert wrong.headers["Allow"] == "GET, POST"
    plain = sqlite_images.request("GET", "/v2/images/" + "0" * 36)
    assert plain.status_int == 404
    assert "could not be found" in plain.json["message"]
