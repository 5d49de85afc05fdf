"""createImage, createBackup (with rotation) and rebuild through the API,
into the built-in image service."""
import base64

import pytest

from stratus.api import response_schemas

pytestmark = pytest.mark.slow


def _image(actions, image_id, client=None):
    client = client or actions.demo
    return client.get("/images/%s" % image_id, version="2.35")["image"]


def _glance(actions, image_id):
    return actions.compute.image_api.get(_ctx(actions), image_id)


def _ctx(actions):
    from stratus import context
    return context.RequestContext(user_id="admin", project_id="admin",
                                  is_admin=True, roles=["admin"])


def _data(actions, image_id):
    return b"".join(actions.compute.image_api.download(_ctx(actions),
                                                       image_id))


def test_create_image_before_and_from_2_45(actions):
    server_id = actions.boot()["id"]
    response = actions.act(server_id, {"createImage": {
        "name": "snap", "metadata": {"purpose": "test"}}}, version="2.44")
    assert response.status_int == 202 and not response.body
    image_id = response.headers["Location"].rsplit("/", 1)[1]
    assert response.headers["Location"].endswith("/v2.1/images/" + image_id)
    assert actions.settled(server_id)["status"] == "ACTIVE"
    image = _glance(actions, image_id)
    assert (image["status"], image["name"]) == ("active", "snap")
    assert image["image_type"] == "snapshot"
    assert image["instance_uuid"] == server_id
    assert image["purpose"] == "test"
    assert _data(actions, image_id).startswith(b"STRATUS-FAKE-DISK\n")
    shown = _image(actions, image_id)
    assert shown["server"]["id"] == server_id

    response = actions.act(server_id, {"createImage": {"name": "snap2"}},
                           version="2.45")
    assert response.status_int == 202
    assert "Location" not in response.headers
    assert set(response.json) == {"image_id"}
    actions.settled(server_id)
    assert _glance(actions, response.json["image_id"])["status"] == "active"
    assert actions.events(server_id)["events"][0]["event"] == (
        "compute_snapshot_instance")
    # A lock does not stop a snapshot (as in Nova).
    assert actions.act(server_id, {"lock": None}).status_int == 202
    assert actions.act(server_id, {"createImage": {"name": "locked"}}
                       ).status_int == 202
    actions.settled(server_id)


def test_create_image_states_failures_and_rules(actions):
    server_id = actions.boot()["id"]
    assert actions.act(server_id, {"createImage": {}}).status_int == 400
    assert actions.act(server_id, {"createImage": {"name": " x"}}
                       ).status_int == 400
    # A failed snapshot leaves the server as it was and no image behind.
    actions.driver.inject_failure("snapshot", server_id)
    response = actions.act(server_id, {"createImage": {"name": "broken"}})
    image_id = response.json["image_id"]
    server = actions.settled(server_id)
    assert server["status"] == "ACTIVE"
    assert actions.demo.request("GET", "/v2.1/images/%s" % image_id,
                                version="2.35").status_int == 404
    event, = actions.events(server_id)["events"]
    assert event["result"] == "Error" and "disk is busy" in event["details"]
    actions.driver.clear_failures()
    # Paused servers can be snapshotted, rescued ones cannot.
    assert actions.act(server_id, {"pause": None}).status_int == 202
    actions.settled(server_id)
    response = actions.act(server_id, {"createImage": {"name": "p"}})
    assert response.status_int == 202
    assert actions.settled(server_id)["status"] == "PAUSED"
    assert actions.act(server_id, {"unpause": None}).status_int == 202
    actions.settled(server_id)
    assert actions.act(server_id, {"rescue": None}).status_int == 200
    actions.settled(server_id)
    response = actions.act(server_id, {"createImage": {"name": "r"}})
    assert response.status_int == 409
    assert "vm_state rescued" in response.json["conflictingRequest"][
        "message"]


def test_image_metadata_counts_against_quota_until_2_39(actions):
    server_id = actions.boot()["id"]
    metadata = {"k%d" % index: "v" for index in range(129)}
    response = actions.act(server_id, {"createImage": {
        "name": "big", "metadata": metadata}}, version="2.38")
    assert response.status_int == 403
    assert response.json["forbidden"]["message"] == (
        "Image metadata limit exceeded")
    response = actions.act(server_id, {"createImage": {
        "name": "big", "metadata": metadata}}, version="2.39")
    assert response.status_int == 202
    actions.settled(server_id)


def test_create_backup_rotates(actions):
    server_id = actions.boot()["id"]
    ids = []
    for index in range(3):
        response = actions.act(server_id, {"createBackup": {
            "name": "daily-%d" % index, "backup_type": "daily",
            "rotation": 2}}, version="2.44")
        assert response.status_int == 202
        ids.append(response.headers["Location"].rsplit("/", 1)[1])
        actions.settled(server_id)
    backups = actions.compute.image_api.list(
        _ctx(actions), instance_uuid=server_id, image_type="backup")
    assert sorted(image["id"] for image in backups) == sorted(ids[1:])
    assert {image["backup_type"] for image in backups} == {"daily"}
    # Rotation 0 keeps nothing, and (before 2.45) sends no Location.
    response = actions.act(server_id, {"createBackup": {
        "name": "weekly", "backup_type": "weekly", "rotation": 0}},
        version="2.44")
    assert response.status_int == 202 and "Location" not in response.headers
    actions.settled(server_id)
    assert [image["backup_type"] for image in actions.compute.image_api.list(
        _ctx(actions), instance_uuid=server_id,
        image_type="backup")] == ["daily", "daily"]
    for bad in ({"name": "x", "backup_type": "daily"},
                {"name": "x", "backup_type": "daily", "rotation": -1}):
        assert actions.act(server_id, {"createBackup": bad}
                           ).status_int == 400
    assert actions.act(server_id, {"createBackup": {
        "name": "x", "backup_type": "daily", "rotation": "2"}}
        ).status_int == 202
    actions.settled(server_id)
    assert actions.act(server_id, {"createBackup": {
        "name": "x", "backup_type": "daily", "rotation": 1}},
        headers={"X-Roles": "reader"}).status_int == 403


def test_rebuild_changes_image_name_and_more_by_version(actions):
    server = actions.boot("old", metadata={"a": "1"})
    server_id = server["id"]
    image_id = server["image"]["id"]
    user_data = base64.b64encode(b"#!/bin/sh\necho hi\n").decode()
    response = actions.act(server_id, {"rebuild": {
        "imageRef": image_id, "name": "new", "metadata": {"b": "2"},
        "adminPass": "pw", "description": "rebuilt", "user_data": user_data,
        "hostname": "newhost", "key_name": None}}, version="2.90")
    assert response.status_int == 202, response.text
    shown = response.json["server"]
    assert shown["name"] == "new" and shown["adminPass"] == "pw"
    assert shown["status"] == "REBUILD"
    assert shown["metadata"] == {"b": "2"}
    assert shown["description"] == "rebuilt"
    assert shown["OS-EXT-SRV-ATTR:hostname"] == "newhost"
    server = actions.settled(server_id)
    assert server["status"] == "ACTIVE"
    assert actions.admin.server(server_id)[
        "OS-EXT-SRV-ATTR:user_data"] == user_data
    assert actions.events(server_id)["events"][0]["result"] == "Success"
    assert actions.driver.guest(server_id).admin_password == "pw"

    # 2.54: a keypair of the user's replaces the server's.
    actions.demo.post("/os-keypairs", {"keypair": {"name": "k"}},
                      version="2.91")
    assert actions.act(server_id, {"rebuild": {
        "imageRef": image_id, "key_name": "k"}}, version="2.54"
    ).json["server"]["key_name"] == "k"
    assert actions.settled(server_id)["key_name"] == "k"
    response = actions.act(server_id, {"rebuild": {
        "imageRef": image_id, "key_name": "nope"}}, version="2.54")
    assert response.status_int == 400
    assert response.json["badRequest"]["message"] == (
        "Invalid key_name provided.")
    # The keys of later versions are refused before them.
    for key, value, version in (("hostname", "h", "2.89"),
                                ("user_data", user_data, "2.56"),
                                ("key_name", None, "2.53"),
                                ("description", "d", "2.18"),
                                ("personality", [], "2.57"),
                                ("trusted_image_certificates", ["c"],
                                 "2.62")):
        response = actions.act(server_id, {"rebuild": {
            "imageRef": image_id, key: value}}, version=version)
        assert response.status_int == 400, (key, version)
    assert "key_name" not in actions.act(server_id, {"rebuild": {
        "imageRef": image_id}}, version="2.53").json["server"]
    actions.settled(server_id)
    response = actions.act(server_id, {"rebuild": {
        "imageRef": image_id, "trusted_image_certificates": ["cert-1"]}},
        version="2.63")
    assert response.json["server"]["trusted_image_certificates"] == [
        "cert-1"]
    actions.settled(server_id)
    assert actions.act(server_id, {"rebuild": {
        "imageRef": image_id, "trusted_image_certificates": []}},
        version="2.63").status_int == 400
    # Before 2.75 the response leaves out the extended attributes.
    response = actions.act(server_id, {"rebuild": {"imageRef": image_id}},
                           version="2.74", client=actions.admin)
    assert response.status_int == 202
    assert "OS-EXT-STS:vm_state" not in response.json["server"]
    actions.settled(server_id)
    response = actions.act(server_id, {"rebuild": {"imageRef": image_id}},
                           version="2.75", client=actions.admin)
    assert "OS-EXT-STS:vm_state" in response.json["server"]
    actions.settled(server_id)


def test_rebuild_of_stopped_server_stays_stopped_and_failures(actions):
    server_id = actions.boot()["id"]
    image_id = actions.demo.server(server_id)["image"]["id"]
    response = actions.act(server_id, {"rebuild": {
        "imageRef": "0b6a5a7e-0000-4000-8000-000000000000"}})
    assert response.status_int == 400
    assert response.json["badRequest"]["message"] == (
        "Cannot find requested image")
    assert actions.act(server_id, {"rebuild": {}}).status_int == 400
    assert actions.act(server_id, {"os-stop": None}).status_int == 202
    actions.settled(server_id)
    assert actions.act(server_id, {"rebuild": {"imageRef": image_id}}
                       ).status_int == 202
    server = actions.settled(server_id)
    assert server["status"] == "SHUTOFF"
    # A spawn failure during rebuild is ERROR with a fault.
    actions.driver.inject_failure("spawn", server_id)
    assert actions.act(server_id, {"rebuild": {"imageRef": image_id}}
                       ).status_int == 202
    server = actions.settled(server_id)
    assert server["status"] == "ERROR"
    assert "spawn failed" in server["fault"]["message"]
    # Locked: 409 for the owner.
    actions.driver.clear_failures()
    assert actions.act(server_id, {"lock": None}).status_int == 202
    response = actions.act(server_id, {"rebuild": {"imageRef": image_id}})
    assert response.status_int == 409
    assert "is locked" in response.json["conflictingRequest"]["message"]


def test_rebuild_responses_have_novas_shape_at_every_version(actions):
    """At each microversion where Nova's rebuild body changes, for an
    admin (every policy-guarded field) and a member, the body is valid
    against Nova's schema of that version (additionalProperties false),
    so no field is missing or extra."""
    server_id = actions.boot("shaped")["id"]
    image_id = actions.demo.server(server_id)["image"]["id"]
    entries = response_schemas.table("compute").entries(
        "POST", "/v2.1/servers/{server_id}/action", "rebuild")
    assert entries
    for low, _, _, schema in entries:
        for client in (actions.admin, actions.demo):
            response = actions.act(server_id, {"rebuild": {
                "imageRef": image_id}}, version=low, client=client)
            assert response.status_int == 202, (low, response.text)
            errors = response_schemas.validate(schema, response.json)
            assert not errors, (low, errors)
            assert response.headers["Location"].endswith(
                "/v2.1/servers/%s" % server_id)
            actions.settled(server_id)
