"""The Cinder client (stratus.volume.cinder) against a real Cinder
(Cinder 29.0.0: cinder-api, cinder-scheduler and cinder-volume with
Cinder's FakeLoggingVolumeDriver, on MariaDB and the local RabbitMQ):
volumes made, found, grown and deleted, snapshots, Nova's attachment
flow (reserve, connect, complete, list, delete; a user's delete with a
service token), volume actions at their microversions, Cinder's errors
as Stratus exceptions, and the compute API's /os-volumes and
/os-snapshots over it.

Slow: Cinder is installed by tools/install-cinder.sh into
/opt/stratus-cinder (or $STRATUS_CINDER_VENV) and started once for the
module by tools/cinder_serve.py (which says what runs; tokens as
Stratus's noauth ones, an administrator's with a service token's roles
as Nova's service user). Skipped when it is not installed, or MariaDB or
RabbitMQ is not running."""
import os
import socket
import subprocess
import uuid

import pytest

from stratus import context as stratus_context
from stratus import client_exception
from stratus.volume import cinder
from tests import dbs
from tests.functional import cloud as cloud_harness
from tests.functional import served

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("real_cinder")]

VENV = os.environ.get("STRATUS_CINDER_VENV", "/opt/stratus-cinder")
PYTHON = os.path.join(VENV, "bin", "python")
SERVE = os.path.join(os.path.dirname(__file__), "..", "..", "..", "tools",
                     "cinder_serve.py")
PROJECT = "project-" + uuid.uuid4().hex[:8]
SERVER = str(uuid.uuid4())
CONNECTOR = {"host": "compute-1", "ip": "127.0.0.1",
             "initiator": "iqn.2026-01.org.example:compute-1",
             "platform": "x86_64", "os_type": "linux", "multipath": False}


def _context(user, token=True):
    admin = user == "admin"
    return stratus_context.RequestContext(
        user_id=user, project_id=PROJECT, is_admin=admin,
        roles=["admin", "member", "reader"] if admin else ["member",
                                                           "reader"],
        auth_token="%s:%s" % (user, PROJECT) if token else None,
        request_id="req-" + uuid.uuid4().hex)


ALICE = _context("alice")
ADMIN = _context("admin")


def _installed():
    if not os.path.exists(PYTHON):
        return False
    return subprocess.run([PYTHON, "-c", "import cinder.wsgi.wsgi"],
                          capture_output=True).returncode == 0


def _rabbit_running():
    try:
        socket.create_connection(("127.0.0.1", 5672), timeout=2).close()
        return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def cinder_url(tmp_path_factory):
    """The URL of a real Cinder API on a fresh database."""
    if not _installed():
        pytest.skip("no Cinder in %s: run tools/install-cinder.sh" % VENV)
    if not dbs.service_running("mysql"):
        pytest.skip("MariaDB is not running")
    if not _rabbit_running():
        pytest.skip("RabbitMQ is not running")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    database = dbs.create_database("mysql", "cinder_test" + (
        "_" + worker if worker else ""), None)
    state_dir = tmp_path_factory.mktemp("cinder")
    with served.started(PYTHON, SERVE, state_dir, database,
                        "cinder.log") as url:
        yield url


@pytest.fixture(params=["v3", "project"])
def volume_api(request, conf, cinder_url):
    """The client over HTTP to the real Cinder, its endpoint ending at
    /v3 or at the project's id (as a catalog names it)."""
    endpoint = cinder_url + "/v3"
    if request.param == "project":
        endpoint += "/" + PROJECT
    conf.set_override("endpoint_override", endpoint, group="cinder")
    return cinder.CinderAPI.from_conf(conf)


def _available(client, size=1, name="data"):
    volume = client.create(ALICE, size, name, "made by a test")
    assert volume["status"] == "creating"
    return client.wait_for_status(ALICE, volume["id"], ["available"],
                                  timeout=120, interval=0.5)


def test_the_attachment_flow(volume_api):
    client = volume_api
    volume = _available(client)
    reserved = client.attachment_create(ALICE, volume["id"], SERVER)
    assert reserved["status"] == "reserved"
    assert client.get(ALICE, volume["id"])["status"] == "reserved"
    updated = client.attachment_update(ALICE, reserved["id"], CONNECTOR,
                                       mountpoint="/dev/vdb")
    assert updated["connection_info"]["driver_volume_type"] == "iscsi"
    client.attachment_complete(ALICE, reserved["id"])
    attached = client.get(ALICE, volume["id"])
    assert attached["status"] == "in-use"
    assert [(a["server_id"], a["device"]) for a in
            attached["attachments"]] == [(SERVER, "/dev/vdb")]
    assert client.attachment_get(ALICE, reserved["id"])["volume_id"] == \
        volume["id"]
    assert [a["id"] for a in client.attachment_get_all(
        ALICE, instance_id=SERVER, volume_id=volume["id"])] == [
        reserved["id"]]
    # In use: not deleted.
    with pytest.raises(client_exception.VolumeServiceBadRequest):
        client.delete(ALICE, volume["id"])
    # Nova deletes an attachment with its service token (here the
    # administrator's): Cinder asks no compute whether it is in use.
    client.attachment_delete(ADMIN, reserved["id"])
    assert client.wait_for_status(ALICE, volume["id"], ["available"],
                                  timeout=60, interval=0.5)["attachments"] \
        == []
    with pytest.raises(client_exception.VolumeAttachmentNotFound):
        client.attachment_get(ALICE, reserved["id"])
    client.delete(ALICE, volume["id"])


class ServiceUser:
    """[cinder]'s service user, as a keystoneauth session gives it."""

    def get_token(self):
        return "admin:services"

    def get_project_id(self):
        return "services"


def test_a_service_token_lets_a_user_detach(cinder_url):
    """With a service user, a user's request carries its token too
    (X-Service-Token): Cinder deletes the user's attachment without
    asking Nova whether the server still uses it."""
    client = cinder.CinderAPI(cinder.EndpointTransport(
        lambda ctx: cinder_url + "/v3", None,
        service_session=ServiceUser()))
    volume = _available(client)
    attachment = client.attachment_create(ALICE, volume["id"], SERVER,
                                          connector=CONNECTOR,
                                          mountpoint="/dev/vdc")
    client.attachment_complete(ALICE, attachment["id"])
    client.attachment_delete(ALICE, attachment["id"])
    assert client.wait_for_status(ALICE, volume["id"], ["available"],
                                  timeout=60, interval=0.5)["attachments"] \
        == []
    client.delete(ALICE, volume["id"])


def test_volumes_and_snapshots(volume_api):
    client = volume_api
    name = "snapped-" + uuid.uuid4().hex[:6]
    volume = _available(client, name=name)
    assert volume["id"] in [v["id"] for v in client.get_all(ALICE)]
    assert [v["id"] for v in client.get_all(ALICE, {"name": name})] \
        == [volume["id"]]
    client.extend(ALICE, volume["id"], 2)
    assert client.wait_for_status(ALICE, volume["id"], ["available"],
                                  timeout=60, interval=0.5)["size"] == 2
    snapshot = client.create_snapshot(ALICE, volume["id"], "snap", None)
    assert snapshot["volume_id"] == volume["id"]
    assert client.get_snapshot(ALICE, snapshot["id"])["name"] == "snap"
    assert snapshot["id"] in [s["id"] for s in
                              client.get_all_snapshots(ALICE)]
    with pytest.raises(client_exception.SnapshotNotFound):
        client.get_snapshot(ALICE, str(uuid.uuid4()))


def test_errors_of_a_real_cinder(volume_api):
    client = volume_api
    missing = str(uuid.uuid4())
    with pytest.raises(client_exception.VolumeNotFound) as caught:
        client.get(ALICE, missing)
    assert caught.value.cinder_type == "itemNotFound"
    with pytest.raises(client_exception.VolumeAttachmentNotFound):
        client.attachment_get(ALICE, missing)
    with pytest.raises(client_exception.VolumeServiceBadRequest) as caught:
        client.create(ALICE, 0, "zero", None)
    assert caught.value.cinder_type == "badRequest"
    with pytest.raises(client_exception.VolumeNotFound):
        client.extend(ALICE, missing, 3)
    # A context without a token (a periodic task's), in noauth mode with
    # no service user, speaks as an administrator of its project.
    assert client.get_all(_context("periodic", token=False),
                          {"all_tenants": True}) is not None


@pytest.fixture
def cinder_cloud(conf, cinder_url, sqlite_cloud_urls, tmp_path):
    """An in-process cloud whose block storage is the real Cinder
    ([cinder] endpoint_override)."""
    conf.set_override("endpoint_override", cinder_url + "/v3",
                      group="cinder")
    running = cloud_harness.start_cloud(conf, sqlite_cloud_urls, tmp_path)
    yield running
    running.stop()


def test_the_compute_apis_volume_proxies_over_a_real_cinder(cinder_cloud):
    api = cloud_harness.StackClient(cinder_cloud.apps["compute"],
                                    token="alice:" + PROJECT, version="2.1")
    volume = api.post("/os-volumes", {"volume": {
        "size": 1, "display_name": "through nova"}})["volume"]
    assert volume["displayName"] == "through nova"
    for _ in range(600):
        shown = api.get("/os-volumes/" + volume["id"])["volume"]
        if shown["status"] != "creating":
            break
    assert shown["status"] == "available"
    assert shown["volumeType"] == "__DEFAULT__"
    snapshot = api.post("/os-snapshots", {"snapshot": {
        "volume_id": volume["id"], "display_name": "s"}})["snapshot"]
    assert snapshot["volumeId"] == volume["id"]
    assert [s["id"] for s in api.get("/os-snapshots/detail")["snapshots"]
            if s["volumeId"] == volume["id"]] == [snapshot["id"]]
    missing = api.request("GET", "/v2.1/os-volumes/" + str(uuid.uuid4()))
    assert missing.status_int == 404
    assert "itemNotFound" in missing.json
