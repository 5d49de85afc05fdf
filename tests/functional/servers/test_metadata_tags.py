"""/servers/{id}/metadata, /servers/{id}/tags and /servers/{id}/ips."""
import json

from tests.functional.servers import fixtures
from tests.functional.servers.test_show_list import NETWORK_INFO


def test_metadata(servers):
    placed = servers.place(metadata={"a": "1"})
    path = "/servers/%s/metadata" % placed.uuid
    demo = servers.demo
    assert demo.get(path) == {"metadata": {"a": "1"}}
    assert demo.post(path, {"metadata": {"b": "2"}}, expected=(200,)) == {
        "metadata": {"a": "1", "b": "2"}}
    assert demo.put(path, {"metadata": {"c": "3", "d": "4"}},
                    expected=(200,)) == {"metadata": {"c": "3", "d": "4"}}
    assert demo.put(path + "/c", {"meta": {"c": "33"}},
                    expected=(200,)) == {"meta": {"c": "33"}}
    assert demo.get(path + "/c") == {"meta": {"c": "33"}}
    demo.delete(path + "/d", expected=(204,))
    assert servers.instance(placed.uuid, expected_attrs=["metadata"]
                            ).metadata == {"c": "33"}
    assert demo.server(placed.uuid)["metadata"] == {"c": "33"}

    for method, item, body, status, message in (
            ("GET", "/nope", None, 404, "Metadata item was not found"),
            ("DELETE", "/nope", None, 404, "Metadata item was not found"),
            ("PUT", "/c", {"meta": {"x": "1"}}, 400,
             "Request body and URI mismatch"),
            ("PUT", "/c", {"meta": {"c": "1", "x": "1"}}, 400, "meta"),
            ("POST", "", {"metadata": {"k" * 256: "v"}}, 400, "k" * 256),
            ("POST", "", {"metadata": {"k%d" % i: "v" for i in range(128)}},
             403, "Maximum number of metadata items exceeds 128")):
        response = demo.request(method, "/v2.1" + path + item, body)
        assert response.status_int == status, response.text
        (fault,) = response.json.values()
        assert message in fault["message"]
    assert servers.other.request("GET", "/v2.1" + path).status_int == 404


def test_metadata_changes_need_an_unlocked_settled_server(sqlite_servers):
    locked = sqlite_servers.place(name="locked", locked=True,
                                  locked_by="admin")
    busy = sqlite_servers.place(name="busy", task_state="rebooting")
    building = sqlite_servers.demo.create_server(
        image=fixtures.IMAGE_ID)["server"]["id"]
    for server_id, message in (
            (locked.uuid, "Instance %s is locked" % locked.uuid),
            (busy.uuid, "Cannot 'update metadata' instance %s while it is "
                        "in task_state rebooting" % busy.uuid),
            (building, "Cannot 'update metadata' instance %s while it is "
                       "in vm_state building" % building)):
        response = sqlite_servers.demo.request(
            "POST", "/v2.1/servers/%s/metadata" % server_id,
            {"metadata": {"a": "b"}})
        assert response.status_int == 409
        assert response.json["conflictingRequest"]["message"] == message
    # Admins may change a locked server.
    sqlite_servers.admin.post("/servers/%s/metadata" % locked.uuid,
                              {"metadata": {"a": "b"}}, expected=(200,))


def test_tags(servers):
    placed = servers.place(tags=["b", "a"])
    path = "/servers/%s/tags" % placed.uuid
    demo = servers.demo
    assert demo.get(path) == {"tags": ["a", "b"]}
    assert demo.request("GET", "/v2.1" + path, version="2.25"
                        ).status_int == 404
    assert demo.put(path, {"tags": ["x", "y", "x"]}, expected=(200,)) == {
        "tags": ["x", "y"]}
    assert demo.request("GET", "/v2.1" + path + "/x").status_int == 204
    response = demo.request("GET", "/v2.1" + path + "/a")
    assert response.status_int == 404
    assert response.json["itemNotFound"]["message"] == (
        "Server %s has no tag 'a'" % placed.uuid)
    added = demo.request("PUT", "/v2.1" + path + "/z")
    assert added.status_int == 201
    assert added.headers["Location"].endswith(path + "/z")
    assert demo.request("PUT", "/v2.1" + path + "/z").status_int == 204
    demo.delete(path + "/x", expected=(204,))
    assert demo.request("DELETE", "/v2.1" + path + "/x").status_int == 404
    assert demo.server(placed.uuid)["tags"] == ["y", "z"]
    demo.delete(path, expected=(204,))
    assert demo.get(path) == {"tags": []}

    demo.put(path, {"tags": ["t%d" % i for i in range(50)]}, expected=(200,))
    response = demo.request("PUT", "/v2.1" + path + "/one-too-many")
    assert response.status_int == 400
    assert response.json["badRequest"]["message"] == (
        "The number of tags exceeded the per-server limit 50")
    response = demo.request("PUT", "/v2.1" + path, {
        "tags": ["t%d" % i for i in range(51)]})
    assert response.status_int == 400


def test_tag_rules(sqlite_servers):
    placed = sqlite_servers.place()
    demo = sqlite_servers.demo
    response = demo.request("PUT", "/v2.1/servers/%s/tags/a,b" % placed.uuid)
    assert response.status_int == 400
    assert response.json["badRequest"]["message"].startswith(
        "Tag 'a,b' is invalid.")
    building = demo.create_server(image=fixtures.IMAGE_ID)["server"]["id"]
    assert demo.get("/servers/%s/tags" % building) == {"tags": []}
    response = demo.request("PUT", "/v2.1/servers/%s/tags/x" % building)
    assert response.status_int == 409
    assert "while it is in vm_state building" in response.json[
        "conflictingRequest"]["message"]


def test_ips(sqlite_servers):
    placed = sqlite_servers.place(info_cache=NETWORK_INFO)
    path = "/servers/%s/ips" % placed.uuid
    private = [{"version": 4, "addr": "10.0.0.5"},
               {"version": 6, "addr": "fd00::5"},
               {"version": 4, "addr": "172.24.4.9"}]
    assert sqlite_servers.demo.get(path) == {"addresses": {
        "private": private}}
    assert sqlite_servers.demo.get(path + "/private") == {"private": private}
    response = sqlite_servers.demo.request("GET", "/v2.1" + path + "/public")
    assert response.status_int == 404
    assert response.json["itemNotFound"]["message"] == (
        "Instance is not a member of specified network")
    unnetworked = sqlite_servers.place(info_cache=json.dumps([]))
    assert sqlite_servers.demo.get("/servers/%s/ips" % unnetworked.uuid
                                   ) == {"addresses": {}}
