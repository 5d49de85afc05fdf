"""POST /servers: what the API answers, writes to the API database and
hands to the conductor."""
import base64

import pytest
import sqlalchemy as sa

from stratus.db import api_models
from stratus import exception
from stratus.objects import keypair as keypair_obj
from stratus.objects import instance_mapping
from stratus.objects import request_spec
from tests.functional.servers import fixtures

IMAGE = fixtures.IMAGE_ID


def _create(api, expected=(202,), version=None, hints=None, **server):
    body = {"server": dict({"name": "vm", "flavorRef": "1",
                            "imageRef": IMAGE, "networks": "none"},
                           **server)}
    if hints is not None:
        body["os:scheduler_hints"] = hints
    response = api.request("POST", "/v2.1/servers", body, version=version)
    assert response.status_int in expected, response.text
    return response


def test_create_answers_202_and_the_server_shows_in_build(servers):
    response = _create(
        servers.demo, name="web 1", metadata={"role": "web"},
        tags=["blue"], description="front end",
        hints={"same_host": "f7c3b9a2-3f0e-4c1e-9a59-2c3a0a3d1f10",
               "query": {"a": 1}})
    server = response.json["server"]
    assert set(server) == {"id", "links", "adminPass", "OS-DCF:diskConfig",
                           "security_groups"}
    assert server["security_groups"] == [{"name": "default"}]
    assert len(server["adminPass"]) == 12
    assert response.headers["Location"] == server["links"][0]["href"]
    assert server["links"][0]["href"].endswith("/v2.1/servers/" + server["id"])

    # The API DB holds the mapping (no cell yet), build request and spec.
    mapping = instance_mapping.InstanceMapping.get_by_instance_uuid(
        servers.ctx, server["id"])
    assert (mapping.cell_uuid, mapping.project_id, mapping.user_id,
            mapping.queued_for_delete) == (None, "demo", "demo", False)
    instance = servers.build_request(server["id"]).instance
    assert (instance.vm_state, instance.task_state) == ("building",
                                                        "scheduling")
    assert instance.flavor.flavorid == "1" and instance.memory_mb == 512
    assert instance.image_ref == IMAGE and instance.hostname == "web-1"
    assert instance.metadata == {"role": "web"} and instance.tags == ["blue"]
    spec = request_spec.RequestSpec.get_by_instance_uuid(servers.ctx,
                                                         server["id"])
    assert spec.flavor.flavorid == "1" and spec.image.id == IMAGE
    assert spec.num_instances == 1
    assert spec.requested_networks == [{"network_id": "none"}]
    assert spec.scheduler_hints == {
        "same_host": ["f7c3b9a2-3f0e-4c1e-9a59-2c3a0a3d1f10"],
        "query": ['{"a": 1}']}

    shown = servers.demo.server(server["id"])
    assert shown["status"] == "BUILD" and shown["name"] == "web 1"
    assert shown["OS-EXT-STS:task_state"] == "scheduling"
    assert shown["metadata"] == {"role": "web"} and shown["tags"] == ["blue"]
    assert shown["description"] == "front end"
    assert shown["OS-EXT-SRV-ATTR:hostname"] == "web-1"
    assert shown["addresses"] == {} and "security_groups" not in shown
    assert shown["scheduler_hints"] == spec.scheduler_hints
    listed = servers.demo.get("/servers")["servers"]
    assert [s["id"] for s in listed] == [server["id"]]
    assert servers.other.get("/servers")["servers"] == []


def test_the_conductor_gets_build_requests_specs_and_files(sqlite_servers):
    recorder = fixtures.ConductorRecorder(sqlite_servers.messaging)
    try:
        contents = base64.b64encode(b"hello").decode()
        server = _create(sqlite_servers.demo, version="2.56",
                         adminPass="s3cret",
                         personality=[{"path": "/etc/motd",
                                       "contents": contents}]
                         ).json["server"]
        assert recorder.arrived.wait(10)
    finally:
        recorder.stop()
    call, = recorder.calls
    assert call["admin_password"] == "s3cret" == server["adminPass"]
    assert call["injected_files"] == [["/etc/motd", contents]]
    build_request, = call["build_requests"]
    assert build_request.instance.uuid == server["id"]
    assert build_request.instance.flavor.name == "m1.tiny"
    assert call["request_specs"][0].instance_uuid == server["id"]
    assert call["ctx"].request_id.startswith("req-")


def test_multiple_create_names_servers_and_shares_a_reservation(servers):
    reservation = _create(servers.demo, name="many", min_count=2,
                          max_count=3, return_reservation_id=True
                          ).json["reservation_id"]
    assert reservation.startswith("r-")
    listed = servers.demo.get("/servers/detail?reservation_id=" +
                              reservation)["servers"]
    assert sorted((s["name"], s["OS-EXT-SRV-ATTR:hostname"]) for s in listed
                  ) == [("many-1", "many-1"), ("many-2", "many-2"),
                        ("many-3", "many-3")]
    single = _create(servers.demo, name="Ünïcode ☃ box").json["server"]
    assert servers.demo.server(single["id"])[
        "OS-EXT-SRV-ATTR:hostname"] == "ünïcode--box"


def test_the_image_may_come_as_its_root_disk_mapping(sqlite_servers):
    # What openstackclient sends for `server create --image`.
    root = {"uuid": IMAGE, "boot_index": 0, "source_type": "image",
            "destination_type": "local", "delete_on_termination": True}
    for server in ({"block_device_mapping_v2": [root]},
                   {"imageRef": "", "block_device_mapping_v2": [root]}):
        body = {"server": dict({"name": "vm", "flavorRef": "1",
                                "networks": "none"}, **server)}
        created = sqlite_servers.demo.post("/servers", body)["server"]
        assert sqlite_servers.demo.server(created["id"])["image"]["id"] == (
            IMAGE)


def test_key_name_is_the_users_keypair(sqlite_servers):
    ctx = sqlite_servers.ctx_for("demo", "demo")
    keypair_obj.KeyPair(ctx, name="k1", user_id="demo", public_key="ssh-rsa "
                        "AAAA demo", fingerprint="f", type="ssh").create()
    server = _create(sqlite_servers.demo, key_name="k1").json["server"]
    assert sqlite_servers.demo.server(server["id"])["key_name"] == "k1"
    assert sqlite_servers.build_request(server["id"]).instance.key_data == (
        "ssh-rsa AAAA demo")
    response = _create(sqlite_servers.other, expected=(400,), key_name="k1")
    assert response.json["badRequest"]["message"] == (
        "Invalid key_name provided.")


@pytest.mark.parametrize("version,server,status,message", [
    ("2.37", {"networks": None}, 400, "networks"),
    ("2.36", {"networks": "auto"}, 400, "auto"),
    ("2.1", {"flavorRef": "nope"}, 400, "Invalid flavorRef provided."),
    ("2.1", {"imageRef": "0b9f4c2e-4b1c-4a46-bd0a-0e8e5e2a2f31"}, 400,
     "Can not find requested image"),
    ("2.1", {"imageRef": ""}, 400, "Missing imageRef attribute"),
    ("2.1", {"min_count": 3, "max_count": 2}, 400,
     "min_count must be <= max_count"),
    ("2.1", {"user_data": "%%% not base64"}, 400,
     "Userdata content cannot be decoded"),
    ("2.1", {"networks": [{"uuid": "not-a-uuid"}]}, 400,
     "network uuid is not in proper format"),
    ("2.1", {"block_device_mapping_v2": [{
        "source_type": "volume", "destination_type": "local",
        "uuid": "0b9f4c2e-4b1c-4a46-bd0a-0e8e5e2a2f31", "boot_index": 0}]},
     400, "Mapping volume to local is not supported."),
    ("2.1", {"block_device_mapping_v2": [{
        "source_type": "blank", "destination_type": "local",
        "boot_index": -1}], "block_device_mapping": [{
            "volume_id": "0b9f4c2e-4b1c-4a46-bd0a-0e8e5e2a2f31"}]}, 400,
     "Using different block_device_mapping syntaxes is not allowed."),
    ("2.1", {"block_device_mapping_v2": [{
        "source_type": "image", "destination_type": "local",
        "uuid": "0b9f4c2e-4b1c-4a46-bd0a-0e8e5e2a2f31", "boot_index": 0}]},
     400, "is not imageRef"),
    ("2.1", {"availability_zone": "nowhere"}, 400,
     "The requested availability zone is not available"),
    ("2.51", {"tags": ["a"]}, 400, "tags"),
    ("2.52", {"tags": ["t%d" % i for i in range(51)]}, 400, "tags"),
    ("2.52", {"tags": ["a,b"]}, 400, "a,b"),
    ("2.57", {"personality": []}, 400, "personality"),
    ("2.89", {"hostname": "box"}, 400, "hostname"),
    ("2.90", {"hostname": "a.b"}, 400, "hostname"),
    ("2.94", {"hostname": "box", "max_count": 2}, 400,
     "Unable to set hostname"),
    ("2.74", {"host": "host1"}, 403, "create:requested_destination"),
    ("2.1", {"availability_zone": "nova:host1"}, 403,
     "create:forced_host"),
    ("2.1", {"metadata": {"k%d" % i: "v" for i in range(129)}}, 403,
     "Maximum number of metadata items exceeds 128"),
    ("2.1", {"min_count": 11, "max_count": 11}, 403,
     "Quota exceeded for instances"),
])
def test_create_refuses_bad_requests(sqlite_servers, version, server, status,
                                     message):
    body = {"name": "vm", "flavorRef": "1", "imageRef": IMAGE}
    if tuple(map(int, version.split("."))) >= (2, 37):
        body["networks"] = "none"
    body.update(server)
    body = {key: value for key, value in body.items() if value is not None}
    response = sqlite_servers.demo.request("POST", "/v2.1/servers",
                                           {"server": body}, version=version)
    assert response.status_int == status, response.text
    (fault,) = response.json.values()
    assert message in fault["message"]


def test_image_and_flavor_must_fit(sqlite_servers):
    images, ctx = sqlite_servers.images, sqlite_servers.ctx
    queued = images.create(ctx, name="queued", disk_format="raw",
                           container_format="bare", visibility="public")
    big = images.create(ctx, name="big", disk_format="raw",
                        container_format="bare", visibility="public",
                        min_ram=4096, min_disk=50)
    images.upload(ctx, big["id"], b"x" * 1024)
    for image_id, flavor, message in (
            (queued["id"], "1", "Image %s is not active." % queued["id"]),
            (big["id"], "1", "Flavor's memory is too small"),
            (big["id"], "3", "Flavor's disk is smaller than the minimum")):
        response = _create(sqlite_servers.demo, expected=(400,),
                           imageRef=image_id, flavorRef=flavor)
        assert message in response.json["badRequest"]["message"]
    assert _create(sqlite_servers.demo, imageRef=big["id"], flavorRef="5")


def test_a_create_its_quota_recheck_refuses_leaves_no_record(
        servers, monkeypatch):
    """A concurrent create took the room (the recheck after the writes
    refuses): the build requests, specs, mappings, group memberships and
    Idempotency-Key of the create are taken back."""
    group = servers.demo.post("/os-server-groups", {"server_group": {
        "name": "g", "policies": ["affinity"]}},
        version="2.1")["server_group"]

    def over(*args, **kwargs):
        raise exception.OverQuota(overs=["instances"])
    monkeypatch.setattr(servers.app.compute_api.quotas, "check_deltas", over)
    key = {"Idempotency-Key": "refused-create"}
    body = {"server": {"name": "vm", "flavorRef": "1", "imageRef": IMAGE,
                       "networks": "none", "min_count": 2},
            "os:scheduler_hints": {"group": group["id"]}}
    response = servers.demo.request("POST", "/v2.1/servers", body,
                                    headers=key)
    assert response.status_int == 403, response.text
    assert servers.demo.get("/servers")["servers"] == []
    with servers.databases.api.reader() as session:
        assert {model.__tablename__: session.scalar(
            sa.select(sa.func.count()).select_from(model)) for model in (
            api_models.BuildRequest, api_models.RequestSpec,
            api_models.InstanceMapping, api_models.InstanceGroupMember,
            api_models.CreateIdempotencyKey)} == dict.fromkeys((
                "build_requests", "request_specs", "instance_mappings",
                "instance_group_member", "create_idempotency_keys"), 0)
    monkeypatch.undo()
    retried = servers.demo.request("POST", "/v2.1/servers", body,
                                   headers=key)
    assert retried.status_int == 202, retried.text
    assert len(servers.demo.get("/servers")["servers"]) == 2
