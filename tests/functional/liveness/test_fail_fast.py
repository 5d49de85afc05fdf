"""The API fails fast or succeeds for sure (stratus/compute_api/fail_fast.py):
an API whose broker cannot be reached (oslo.messaging's rabbit driver
pointed at a closed loopback port) answers a create 503 within [api]
rpc_unavailable_timeout and creates nothing; a delete it has recorded
stands (the conductor's stuck-state check sends it once the broker is
back)."""
import socket

import pytest
import sqlalchemy as sa

from stratus.api.compute import app as compute_app
from stratus.db import api_models
from stratus import rpc
from tests.functional import cloud as cloud_harness


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def cut_off(conf, sqlite_cloud):
    """(the cloud's own client, a client of an API of the same cloud
    whose broker cannot be reached)."""
    conf.set_override("rpc_unavailable_timeout", 1.0, group="api")
    messaging = rpc.Messaging(
        conf, url="rabbit://guest:guest@127.0.0.1:%d/" % _closed_port())
    app = compute_app.make_app(
        conf, sqlite_cloud.databases, messaging,
        image_api=sqlite_cloud.apps["compute"].image_api)
    yield (cloud_harness.StackClient(sqlite_cloud.apps["compute"]),
           cloud_harness.StackClient(app))
    messaging.cleanup()


def _api_records(cloud_client):
    databases = cloud_client.app.databases
    counts = {}
    with databases.api.reader() as session:
        for model in (api_models.BuildRequest, api_models.RequestSpec,
                      api_models.InstanceMapping):
            counts[model.__tablename__] = session.scalar(
                sa.select(sa.func.count()).select_from(model))
    return counts


def test_create_without_broker_answers_503_and_creates_nothing(cut_off):
    api, unreachable = cut_off
    before = _api_records(api)
    response = unreachable.request("POST", "/v2.1/servers", {"server": {
        "name": "vm", "flavorRef": "1", "imageRef": api.first_image_id(),
        "networks": "none"}})
    assert response.status_int == 503
    assert "broker" in response.json["serviceUnavailable"]["message"]
    assert api.get("/servers")["servers"] == []
    assert _api_records(api) == before


def test_delete_without_broker_is_recorded_for_the_conductor(cut_off):
    api, unreachable = cut_off
    server = api.post("/servers", {"server": {
        "name": "vm", "flavorRef": "1", "imageRef": api.first_image_id(),
        "networks": "none"}})["server"]
    api.wait_for_status(server["id"], {"ACTIVE"})
    response = unreachable.request("DELETE", "/v2.1/servers/%s"
                                   % server["id"])
    assert response.status_int == 204
    assert api.server(server["id"])["OS-EXT-STS:task_state"] == "deleting"


def test_action_without_broker_answers_503_and_changes_nothing(cut_off):
    api, unreachable = cut_off
    server = api.post("/servers", {"server": {
        "name": "vm", "flavorRef": "1", "imageRef": api.first_image_id(),
        "networks": "none"}})["server"]
    api.wait_for_status(server["id"], {"ACTIVE"})
    path = "/v2.1/servers/%s/action" % server["id"]
    for body in ({"os-stop": None}, {"reboot": {"type": "HARD"}},
                 {"resize": {"flavorRef": "2"}}):
        response = unreachable.request("POST", path, body)
        assert response.status_int == 503, body
    after = api.server(server["id"])
    assert (after["status"], after["OS-EXT-STS:task_state"],
            after["flavor"]["original_name"]) == ("ACTIVE", None,
                                                  server_flavor(api, "1"))
    actions = api.get("/servers/%s/os-instance-actions"
                      % server["id"])["instanceActions"]
    assert [action["action"] for action in actions] == ["create"]
    # The same API answers again as soon as it can send.
    response = api.request("POST", path, {"os-stop": None})
    assert response.status_int == 202


def server_flavor(api, flavor_id):
    return api.get("/flavors/%s" % flavor_id)["flavor"]["name"]


def test_a_create_answered_503_keeps_no_idempotency_key(cut_off):
    api, unreachable = cut_off
    body = {"server": {"name": "vm", "flavorRef": "1",
                       "imageRef": api.first_image_id(),
                       "networks": "none"}}
    key = {"Idempotency-Key": "retry-after-503"}
    failed = unreachable.request("POST", "/v2.1/servers", body,
                                 headers=key)
    assert failed.status_int == 503
    retried = api.request("POST", "/v2.1/servers", body, headers=key)
    assert retried.status_int == 202
    assert [s["id"] for s in api.get("/servers")["servers"]] \
        == [retried.json["server"]["id"]]
