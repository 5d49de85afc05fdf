"""An in-process cloud of two fake hosts whose compute API and computes
use the built-in block storage service in-process (started, with the
cloud's image service), and what the tests look at: the service's
volumes and attachments, and the volumes on each fake guest."""
import pytest

from stratus.api import volume_client
from tests.functional import cloud as cloud_harness
from tests.functional.moves import conftest as moves_conftest
from tests.functional.volume import helpers

DEMO = cloud_harness.DEMO


class VolumeCloud(moves_conftest.Moves):
    volume_app = None

    def volume(self, volume_id):
        """The volume as its owner sees it; None once it is gone."""
        status, body = helpers.request(self.volume_app, "GET",
                                       "/v3/volumes/" + volume_id,
                                       token=DEMO)
        return None if status == 404 else body["volume"]

    def settled_volume(self, volume_id):
        return helpers.settled(self.volume_app, "/v3/volumes/" + volume_id,
                               "volume", token=DEMO)

    def make_volume(self, size=1, **fields):
        volume = helpers.make_volume(self.volume_app, size=size, token=DEMO,
                                     **fields)
        assert volume["status"] == "available", volume
        return volume

    def attachments(self, volume_id=None):
        """The service's attachments (all projects)."""
        path = "/v3/attachments?all_tenants=1"
        if volume_id:
            path += "&volume_id=" + volume_id
        status, body = helpers.request(self.volume_app, "GET", path,
                                       token=helpers.ADMIN, version="3.44")
        assert status == 200, body
        return body["attachments"]

    def volumes(self):
        status, body = helpers.request(self.volume_app, "GET",
                                       "/v3/volumes/detail", token=DEMO)
        assert status == 200, body
        return {volume["id"]: volume for volume in body["volumes"]}

    def guest_volumes(self, server_id):
        """{device: volume id} of the server's guest on its host."""
        host = self.host_of(server_id)
        return {device: record.get("volume_id")
                for device, record in self.driver(host).guest_volumes(
                    server_id).items()}

    def boot_bdms(self, mappings, image=False, name="vm", version="2.67",
                  **server):
        body = {"server": dict({"name": name, "flavorRef": "1",
                                "networks": "none",
                                "block_device_mapping_v2": mappings},
                               **server)}
        if image:
            body["server"]["imageRef"] = self.image
        return self.demo.request("POST", "/v2.1/servers", body,
                                 version=version)


def start(conf, urls, tmp_path, monkeypatch, hosts=2):
    """A started VolumeCloud; its in-process block storage app is the one
    the tests read (volume_app)."""
    conf.set_override("volumes_dir", str(tmp_path / "volumes"), "cinder")
    conf.set_override("block_device_allocate_retries_interval", 0)
    conf.set_override("block_device_allocate_retries", 6000)
    made = {}
    original = volume_client.in_process_app

    def in_process_app(conf, databases, *args, **kwargs):
        if "app" not in made:
            app = original(conf, databases, *args, **kwargs)
            app.start()
            made["app"] = app
        return made["app"]
    monkeypatch.setattr(volume_client, "in_process_app", in_process_app)
    env = moves_conftest.start(conf, urls, tmp_path, hosts=hosts,
                               env_class=VolumeCloud)
    # The service reads images through the cloud's image client.
    app = in_process_app(conf, env.cloud.databases)
    if app._image_api is None:
        app.__dict__["image_api"] = env.cloud._image_api()
    # Its external events (volume-reimaged, volume-extended) go to the
    # cloud's compute app, as the all-in-one sends them.
    app.compute_app = lambda: env.cloud._compute_in_process
    app.__dict__.pop("compute_notifier", None)
    env.volume_app = app
    return env


@pytest.fixture(name="env")
def volume_cloud(conf, sqlite_cloud_urls, tmp_path, monkeypatch):
    env = start(conf, sqlite_cloud_urls, tmp_path, monkeypatch)
    yield env
    env.stop()
    if env.volume_app is not None:
        env.volume_app.worker.pool.shutdown(wait=True)
