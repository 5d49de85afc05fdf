"""Glance's metadata definitions (metadefs) in the built-in image service:
the calls Horizon makes (the launch wizard's and the image, flavor and
aggregate "Update Metadata" dialogs, the admin "Metadata Definitions"
panel) with Glance's shapes, status codes and default policies."""
import pytest

NAMESPACE = {
    "namespace": "OS::Compute::Watchdog",
    "display_name": "Watchdog Behavior",
    "description": "What the watchdog does.",
    "visibility": "public",
    "protected": False,
    "resource_type_associations": [
        {"name": "OS::Glance::Image"},
        {"name": "OS::Nova::Flavor", "prefix": "hw:"}],
    "properties": {
        "watchdog_action": {
            "title": "Watchdog Action", "type": "string",
            "enum": ["disabled", "reset", "poweroff", "pause", "none"]}},
    "objects": [{"name": "Example", "description": "An object",
                 "required": [], "properties": {
                     "size": {"title": "Size", "type": "integer"}}}],
    "tags": [{"name": "watchdog"}],
}


def _import(images, document=NAMESPACE, as_project="admin"):
    response = images.request("POST", "/v2/metadefs/namespaces", as_project,
                              json=document)
    assert response.status_int == 201, response.text
    return response


def test_an_empty_catalogue_is_answered(sqlite_images):
    listed = sqlite_images.request(
        "GET", "/v2/metadefs/namespaces?resource_types=OS::Nova::Flavor"
        "&limit=1000&sort_dir=asc&sort_key=namespace")
    assert listed.status_int == 200
    assert listed.json["namespaces"] == []
    assert listed.json["schema"] == "/v2/schemas/metadefs/namespaces"
    assert "next" not in listed.json
    types = sqlite_images.request("GET", "/v2/metadefs/resource_types")
    assert types.status_int == 200
    names = [item["name"] for item in types.json["resource_types"]]
    assert "OS::Glance::Image" in names and "OS::Nova::Flavor" in names
    assert sqlite_images.request(
        "GET", "/v2/metadefs/namespaces/nope").status_int == 404


@pytest.mark.parametrize("name", ["namespace", "namespaces", "resource_type",
                                  "resource_types", "property", "properties",
                                  "object", "objects", "tag", "tags"])
def test_the_schemas_are_served(sqlite_images, name):
    response = sqlite_images.request("GET", "/v2/schemas/metadefs/" + name)
    assert response.status_int == 200
    assert response.json["name"]
    assert sqlite_images.request(
        "GET", "/v2/schemas/metadefs/nope").status_int == 404


def test_an_admin_imports_a_namespace_and_everyone_reads_it(images):
    created = _import(images).json
    assert created["namespace"] == "OS::Compute::Watchdog"
    assert created["owner"] == "admin"
    assert created["self"] == (
        "/v2/metadefs/namespaces/OS%3A%3ACompute%3A%3AWatchdog")
    assert created["schema"] == "/v2/schemas/metadefs/namespace"
    assert created["properties"]["watchdog_action"]["type"] == "string"
    # A second one of that name conflicts.
    assert images.request("POST", "/v2/metadefs/namespaces", "admin",
                          json=NAMESPACE).status_int == 409
    # Horizon's query: namespaces for a resource type, then each shown
    # with the properties as that resource type names them.
    listed = images.request(
        "GET", "/v2/metadefs/namespaces?resource_types=OS::Nova::Flavor")
    assert listed.status_int == 200
    (item,) = listed.json["namespaces"]
    assert "properties" not in item
    assert [a["name"] for a in item["resource_type_associations"]] == [
        "OS::Glance::Image", "OS::Nova::Flavor"]
    assert images.request(
        "GET", "/v2/metadefs/namespaces?resource_types=OS::Cinder::Volume"
    ).json["namespaces"] == []
    shown = images.request(
        "GET", "/v2/metadefs/namespaces/OS::Compute::Watchdog"
        "?resource_type=OS::Nova::Flavor")
    assert shown.status_int == 200
    assert list(shown.json["properties"]) == ["hw:watchdog_action"]
    assert shown.json["tags"] == [{"name": "watchdog"}]
    assert shown.json["objects"][0]["name"] == "Example"
    plain = images.request("GET",
                           "/v2/metadefs/namespaces/OS::Compute::Watchdog")
    assert list(plain.json["properties"]) == ["watchdog_action"]
    associations = images.request(
        "GET", "/v2/metadefs/namespaces/OS::Compute::Watchdog/"
        "resource_types")
    assert [a["name"] for a in associations.json[
        "resource_type_associations"]] == ["OS::Glance::Image",
                                           "OS::Nova::Flavor"]
    assert all(a["created_at"] for a in associations.json[
        "resource_type_associations"])


def test_only_an_admin_changes_the_catalogue(images):
    assert images.request("POST", "/v2/metadefs/namespaces", "demo",
                          json=NAMESPACE).status_int == 403
    _import(images)
    path = "/v2/metadefs/namespaces/OS::Compute::Watchdog"
    for method, suffix, body in (
            ("PUT", "", {"namespace": "x"}),
            ("DELETE", "", None),
            ("POST", "/resource_types", {"name": "OS::Nova::Server"}),
            ("DELETE", "/resource_types/OS::Glance::Image", None),
            ("POST", "/properties", {"name": "p", "title": "P",
                                     "type": "string"}),
            ("DELETE", "/objects/Example", None),
            ("POST", "/tags/new", None)):
        response = images.request(method, path + suffix, "demo", json=body)
        assert response.status_int == 403, (method, suffix, response.text)


def test_private_namespaces_are_their_projects(images):
    _import(images, dict(NAMESPACE, namespace="Private::One",
                         visibility="private"))
    # The admin's project owns it: the demo project does not see it.
    assert images.request(
        "GET", "/v2/metadefs/namespaces/Private::One").status_int == 404
    assert images.request(
        "GET", "/v2/metadefs/namespaces").json["namespaces"] == []
    assert [ns["namespace"] for ns in images.request(
        "GET", "/v2/metadefs/namespaces?visibility=private",
        "admin").json["namespaces"]] == ["Private::One"]


def test_update_and_delete_a_namespace(images):
    _import(images)
    path = "/v2/metadefs/namespaces/OS::Compute::Watchdog"
    updated = images.request("PUT", path, "admin", json={
        "namespace": "OS::Compute::Watchdog", "visibility": "public",
        "protected": True, "display_name": "Renamed"})
    assert updated.status_int == 200, updated.text
    assert updated.json["protected"] is True
    assert updated.json["display_name"] == "Renamed"
    # Properties, objects and associations survive an update.
    assert "watchdog_action" in updated.json["properties"]
    refused = images.request("DELETE", path, "admin")
    assert refused.status_int == 403
    images.request("PUT", path, "admin", json={
        "namespace": "OS::Compute::Watchdog", "protected": False,
        "visibility": "public"})
    assert images.request("DELETE", path, "admin").status_int == 204
    assert images.request("GET", path).status_int == 404
    assert images.request("DELETE", path, "admin").status_int == 404


def test_properties_objects_tags_and_associations(sqlite_images):
    images = sqlite_images
    _import(images)
    path = "/v2/metadefs/namespaces/OS::Compute::Watchdog"
    prop = {"name": "extra", "title": "Extra", "type": "integer",
            "minimum": 1}
    created = images.request("POST", path + "/properties", "admin",
                             json=prop)
    assert created.status_int == 201
    assert created.json == prop
    assert images.request("POST", path + "/properties", "admin",
                          json=prop).status_int == 409
    assert images.request("GET", path + "/properties/extra").json == prop
    listed = images.request("GET", path + "/properties").json["properties"]
    assert set(listed) == {"watchdog_action", "extra"}
    renamed = images.request("PUT", path + "/properties/extra", "admin",
                             json=dict(prop, name="more"))
    assert renamed.status_int == 200
    assert images.request("GET",
                          path + "/properties/extra").status_int == 404
    assert images.request("DELETE", path + "/properties/more",
                          "admin").status_int == 204
    # Objects.
    obj = images.request("POST", path + "/objects", "admin", json={
        "name": "Other", "properties": {}})
    assert obj.status_int == 201
    assert obj.json["self"].endswith("/objects/Other")
    assert [o["name"] for o in images.request(
        "GET", path + "/objects").json["objects"]] == ["Example", "Other"]
    assert images.request("PUT", path + "/objects/Other", "admin", json={
        "name": "Other", "description": "d"}).json["description"] == "d"
    assert images.request("DELETE", path + "/objects/Other",
                          "admin").status_int == 204
    assert images.request("GET",
                          path + "/objects/Other").status_int == 404
    # Tags.
    assert images.request("POST", path + "/tags/t2",
                          "admin").status_int == 201
    assert [t["name"] for t in images.request(
        "GET", path + "/tags").json["tags"]] == ["watchdog", "t2"]
    assert images.request("DELETE", path + "/tags", "admin").status_int == 204
    assert images.request("GET", path + "/tags").json["tags"] == []
    # Associations.
    added = images.request("POST", path + "/resource_types", "admin", json={
        "name": "OS::Nova::Aggregate", "prefix": "agg:"})
    assert added.status_int == 201
    assert added.json["prefix"] == "agg:"
    assert images.request("POST", path + "/resource_types", "admin", json={
        "name": "OS::Nova::Aggregate"}).status_int == 409
    assert images.request(
        "DELETE", path + "/resource_types/OS::Nova::Aggregate",
        "admin").status_int == 204
    assert images.request(
        "DELETE", path + "/resource_types/OS::Nova::Aggregate",
        "admin").status_int == 404


@pytest.mark.parametrize("body,status", [
    ({"display_name": "no namespace"}, 400),
    ({"namespace": "x", "visibility": "everyone"}, 400),
    ({"namespace": "x", "self": "/v2/x"}, 403),
    ({"namespace": "x", "properties": {"p": {"type": "string"}}}, 400),
    ({"namespace": "x" * 81}, 400),
    ({"namespace": "x", "tags": [{"name": "a"}, {"name": "a"}]}, 409),
    (["namespace"], 400),
])
def test_bad_namespaces_are_refused(sqlite_images, body, status):
    response = sqlite_images.request("POST", "/v2/metadefs/namespaces",
                                     "admin", json=body)
    assert response.status_int == status, response.text


def test_listing_pages_and_sorts(sqlite_images):
    for name in ("b", "a", "c"):
        _import(sqlite_images, {"namespace": name, "visibility": "public"})
    page = sqlite_images.request(
        "GET", "/v2/metadefs/namespaces?limit=2&sort_key=namespace"
        "&sort_dir=asc").json
    assert [ns["namespace"] for ns in page["namespaces"]] == ["a", "b"]
    assert "marker=b" in page["next"]
    rest = sqlite_images.request("GET", page["next"]).json
    assert [ns["namespace"] for ns in rest["namespaces"]] == ["c"]
    assert "next" not in rest
    for query in ("limit=x", "limit=-1", "sort_dir=up", "sort_key=nope",
                  "visibility=all"):
        assert sqlite_images.request(
            "GET", "/v2/metadefs/namespaces?" + query).status_int == 400
    assert sqlite_images.request(
        "GET", "/v2/metadefs/namespaces?marker=zz").status_int == 404


def test_a_tag_named_in_the_path_is_validated(sqlite_images):
    _import(sqlite_images, {"namespace": "n", "visibility": "public"})
    response = sqlite_images.request(
        "POST", "/v2/metadefs/namespaces/n/tags/" + "x" * 256, "admin")
    assert response.status_int == 400


def test_a_namespace_is_renamed_by_update(images):
    _import(images, {"namespace": "old", "visibility": "public",
                     "properties": {"p": {"title": "P", "type": "string"}}})
    _import(images, {"namespace": "taken", "visibility": "public"})
    assert images.request("PUT", "/v2/metadefs/namespaces/old", "admin",
                          json={"namespace": "taken"}).status_int == 409
    renamed = images.request("PUT", "/v2/metadefs/namespaces/old", "admin",
                             json={"namespace": "new", "visibility": "public"})
    assert renamed.status_int == 200, renamed.text
    assert renamed.json["namespace"] == "new"
    assert "p" in renamed.json["properties"]
    assert images.request("GET",
                          "/v2/metadefs/namespaces/old").status_int == 404
    assert images.request("GET",
                          "/v2/metadefs/namespaces/new").status_int == 200
