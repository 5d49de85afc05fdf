"""Volumes on real guests through the whole stack: the compute API
(os-volume_attachments, block_device_mapping_v2, server delete) and the
built-in block storage service of the all-in-one (POST
/v3/{project}/volumes), on the libvirt driver. What a guest sees is read
on its console: the tiny guest reports each volume it gets and loses
(STRATUS-GUEST-VOLUME-ADDED/-REMOVED with the volume's serial, its size
and its first line) and writes its name over a STRATUS-SCRATCH first
line (what another guest reads after a re-attach)."""
import os
import shutil
import statistics
import time

import pytest

from stratus.volume import files as volume_files
from tests.functional.libvirt import conftest as guests
from tests.functional.volume import helpers

pytestmark = [pytest.mark.slow, pytest.mark.libvirt,
              pytest.mark.xdist_group("guests")]

# QEMU (libvirt-qemu) must traverse every directory above a volume file:
# not the 0700 directories of pytest's tmp_path.
VOLUMES_DIR = "/var/lib/stratus/test-api-volumes"
PROJECT = "admin"
TOKEN = "admin:admin"
SCRATCH = b"STRATUS-SCRATCH\n"
# What the tests measured, printed at the end of the module (-s):
# {name: [seconds, ...]}.
FIGURES = {}


def _figure(name, seconds):
    FIGURES.setdefault(name, []).append(seconds)


@pytest.fixture(scope="module")
def cloud(libvirt_host, tmp_path_factory):
    with guests.exclusive_guests():
        shutil.rmtree(VOLUMES_DIR, ignore_errors=True)
        os.makedirs(VOLUMES_DIR, mode=0o755)
        env = guests.GuestCloud(
            tmp_path_factory.mktemp("volume-servers"), guests.build_tiny(),
            overrides={("cinder", "volumes_dir"): VOLUMES_DIR})
        try:
            yield env
        finally:
            env.close()
            shutil.rmtree(VOLUMES_DIR, ignore_errors=True)
            for name, values in sorted(FIGURES.items()):
                print("FIGURE %s: median %.2f s of %d (%s)" % (
                    name, statistics.median(values), len(values),
                    ", ".join("%.2f" % value for value in values)))


class Volumes:
    """The built-in block storage service of the all-in-one, as the
    servers' project sees it."""

    def __init__(self, cloud):
        self.cloud = cloud
        self.app = cloud.cloud.apps["volume"]

    def request(self, method, path, body=None, version=None):
        return helpers.request(self.app, method, "/v3/%s%s" % (PROJECT, path),
                               body, token=TOKEN, version=version)

    def get(self, volume_id):
        """The volume; None once it is gone."""
        status, body = self.request("GET", "/volumes/" + volume_id)
        if status == 404:
            return None
        assert status == 200, body
        return body["volume"]

    def wait(self, volume_id, statuses, timeout=120):
        deadline = time.monotonic() + timeout
        while True:
            volume = self.get(volume_id)
            status = volume["status"] if volume else None
            if status in statuses:
                return volume
            if time.monotonic() > deadline:
                raise AssertionError("volume %s stayed %s (wanted %s)" % (
                    volume_id, status, statuses))
            time.sleep(0.05)

    def create(self, size=1, scratch=False, **fields):
        status, body = self.request("POST", "/volumes", {"volume": dict(
            size=size, **fields)})
        assert status == 202, body
        volume = self.wait(body["volume"]["id"], {"available", "error"})
        assert volume["status"] == "available", volume
        if scratch:
            with open(self.path(volume), "r+b") as handle:
                handle.write(SCRATCH)
        return volume

    def path(self, volume):
        """The volume's file on this host (the service's only backend)."""
        return volume_files.volume_path(self.cloud.conf, volume["id"],
                                        self.cloud.conf.cinder.volume_format)

    def delete(self, volume_id):
        status, body = self.request("DELETE", "/volumes/" + volume_id)
        assert status in (202, 404), body


@pytest.fixture(scope="module")
def volumes(cloud):
    return Volumes(cloud)


class Guest:
    """A server of the cloud and what its guest says on its console."""

    def __init__(self, cloud, server):
        self.cloud = cloud
        self.id = server["id"]
        self.hostname = server["OS-EXT-SRV-ATTR:hostname"]

    def console(self):
        return self.cloud.console(self.id)

    def wait(self, text, count=1, timeout=120):
        return self.cloud.wait_for_console(self.id, text, count, timeout)

    def wait_added(self, volume_id):
        """(the guest's name of the volume, the rest of its line) once the
        guest saw it."""
        marker = " serial=%s size=" % volume_id[:20]
        log = self.wait(marker)
        for line in log.replace("\r", "").splitlines():
            if line.startswith("STRATUS-GUEST-VOLUME-ADDED ") and \
                    marker in line:
                return tuple(line.split(" ", 2)[1:])
        raise AssertionError("no volume %s in %s" % (volume_id, log))

    def removals(self, name):
        return self.console().count(
            "STRATUS-GUEST-VOLUME-REMOVED %s\r" % name)

    def wait_removed(self, name, before):
        self.wait("STRATUS-GUEST-VOLUME-REMOVED %s\r" % name, before + 1)

    def attach(self, volume_id, version="2.100", **extra):
        return self.cloud.api.post(
            "/servers/%s/os-volume_attachments" % self.id,
            {"volumeAttachment": dict(volumeId=volume_id, **extra)},
            version=version)

    def detach(self, volume_id):
        self.cloud.api.delete("/servers/%s/os-volume_attachments/%s" % (
            self.id, volume_id))

    def attached(self):
        return {attachment["volumeId"] for attachment in self.cloud.api.get(
            "/servers/%s/os-volume_attachments" % self.id)[
                "volumeAttachments"]}


def _boot(cloud, name):
    server = cloud.boot(name)
    assert server["status"] == "ACTIVE", server.get("fault")
    guest = Guest(cloud, server)
    guest.wait("STRATUS-GUEST-READY")
    return guest


def test_boot_from_a_volume_and_what_its_delete_leaves(cloud, volumes):
    """POST /servers with a volume made from the tiny disk image as its
    root: the guest boots from it (no local disk); a data volume given at
    create and one attached later (2.79, delete_on_termination) are in
    the guest; the server's delete deletes the volumes marked
    delete_on_termination and leaves the other available."""
    root = volumes.create(size=1, imageRef=cloud.images["disk"])
    assert root["bootable"] == "true"
    kept = volumes.create(size=1)
    started = time.monotonic()
    created = cloud.api.post("/servers", {"server": {
        "name": "bfv", "flavorRef": cloud.flavor, "networks": "auto",
        "block_device_mapping_v2": [
            {"source_type": "volume", "destination_type": "volume",
             "uuid": root["id"], "boot_index": 0,
             "delete_on_termination": True},
            {"source_type": "volume", "destination_type": "volume",
             "uuid": kept["id"], "boot_index": -1,
             "delete_on_termination": False}]}})["server"]
    server = cloud.api.wait_for_status(created["id"], {"ACTIVE", "ERROR"},
                                       timeout=180)
    assert server["status"] == "ACTIVE", server.get("fault")
    _figure("boot from volume: POST /servers until ACTIVE",
            time.monotonic() - started)
    guest = Guest(cloud, server)
    try:
        guest.wait("STRATUS-GUEST-READY", timeout=180)
        _figure("boot from volume: POST /servers until the guest is ready",
                time.monotonic() - started)
        assert server["image"] == ""
        assert guest.wait_added(root["id"])[0] == "vda"
        assert guest.wait_added(kept["id"])[0] == "vdb"
        assert not os.path.exists(os.path.join(
            cloud.driver.instance_dir(server["id"]), "disk"))
        for volume in (root, kept):
            shown = volumes.get(volume["id"])
            assert shown["status"] == "in-use"
            assert [attachment["server_id"] for attachment in
                    shown["attachments"]] == [server["id"]]

        gone = volumes.create(size=1)
        guest.attach(gone["id"], version="2.79", delete_on_termination=True)
        volumes.wait(gone["id"], {"in-use"})
        guest.wait_added(gone["id"])
        assert guest.attached() == {root["id"], kept["id"], gone["id"]}
    finally:
        cloud.delete(server["id"])
    volumes.wait(kept["id"], {"available"})
    for volume in (root, gone):
        volumes.wait(volume["id"], {None})
    volumes.delete(kept["id"])


@pytest.fixture(scope="module")
def pair(cloud, volumes):
    booted = []
    try:
        for name in ("vs-a", "vs-b"):
            booted.append(_boot(cloud, name))
        yield booted
    finally:
        for guest in booted:
            cloud.delete(guest.id)


def test_hot_attach_write_detach_and_read_in_another_guest(cloud, volumes,
                                                            pair):
    first, second = pair
    volume = volumes.create(scratch=True)

    first.attach(volume["id"])
    assert volumes.wait(volume["id"], {"in-use", "available"})[
        "status"] == "in-use"
    name, rest = first.wait_added(volume["id"])
    assert rest.endswith("size=1024 ro=0 data=STRATUS-SCRATCH")
    first.wait("STRATUS-GUEST-VOLUME-WROTE %s by=%s" % (name,
                                                         first.hostname))
    before = first.removals(name)
    first.detach(volume["id"])
    volumes.wait(volume["id"], {"available"})
    first.wait_removed(name, before)
    assert first.attached() == set()

    second.attach(volume["id"])
    name, rest = second.wait_added(volume["id"])
    assert rest.endswith("data=STRATUS-SCRATCH written-by=%s"
                         % first.hostname)
    before = second.removals(name)
    second.detach(volume["id"])
    volumes.wait(volume["id"], {"available"})
    second.wait_removed(name, before)
    volumes.delete(volume["id"])


def test_a_multiattach_volume_in_two_guests_at_once(cloud, volumes, pair):
    shared = volumes.create(volume_type="multiattach")
    assert shared["multiattach"] is True
    names = []
    for guest in pair:
        guest.attach(shared["id"])
    for guest in pair:
        names.append(guest.wait_added(shared["id"])[0])
        assert guest.attached() == {shared["id"]}
    shown = volumes.wait(shared["id"], {"in-use"})
    assert sorted(attachment["server_id"] for attachment in
                  shown["attachments"]) == sorted(guest.id for guest in pair)
    for guest, name in zip(pair, names):
        before = guest.removals(name)
        guest.detach(shared["id"])
        guest.wait_removed(name, before)
    volumes.wait(shared["id"], {"available"})
    volumes.delete(shared["id"])


def test_attach_and_detach_times(cloud, volumes, pair):
    """POST os-volume_attachments until the guest's kernel has the disk,
    DELETE until the volume is available again and the guest released
    it: three cycles, a new volume each (the guest names volumes by
    their serial)."""
    guest = pair[1]
    for _ in range(3):
        volume = volumes.create()
        started = time.monotonic()
        guest.attach(volume["id"])
        name = guest.wait_added(volume["id"])[0]
        _figure("attach: POST until the guest sees the disk",
                time.monotonic() - started)
        volumes.wait(volume["id"], {"in-use"})
        before = guest.removals(name)
        started = time.monotonic()
        guest.detach(volume["id"])
        volumes.wait(volume["id"], {"available"})
        guest.wait_removed(name, before)
        _figure("detach: DELETE until available and released",
                time.monotonic() - started)
        volumes.delete(volume["id"])


def test_the_build_makes_the_root_volume_and_the_guest_keeps_its_volumes(
        cloud, volumes):
    """openstack server create --boot-from-volume: an image -> volume
    root mapping; the compute makes the volume from the tiny disk image
    and boots from it. A hard reboot, and a stop and start, through the
    API remake the guest with its volumes (the root, one attached while
    it ran, one attached while it was shut off); the delete deletes the
    root and leaves the others."""
    created = cloud.api.post("/servers", {"server": {
        "name": "bfv-built", "flavorRef": cloud.flavor, "networks": "auto",
        "block_device_mapping_v2": [{
            "source_type": "image", "destination_type": "volume",
            "uuid": cloud.images["disk"], "volume_size": 1, "boot_index": 0,
            "delete_on_termination": True}]}})["server"]
    server = cloud.api.wait_for_status(created["id"], {"ACTIVE", "ERROR"},
                                       timeout=180)
    assert server["status"] == "ACTIVE", server.get("fault")
    guest = Guest(cloud, server)
    data = volumes.create(scratch=True)
    late = volumes.create()
    try:
        guest.wait("STRATUS-GUEST-READY", timeout=180)
        (root_id,) = guest.attached()
        root = volumes.get(root_id)
        assert root["status"] == "in-use" and root["bootable"] == "true"
        assert guest.wait_added(root_id)[0] == "vda"
        guest.attach(data["id"])
        name = guest.wait_added(data["id"])[0]
        guest.wait("STRATUS-GUEST-VOLUME-WROTE %s by=%s" % (
            name, guest.hostname))

        cloud.api.post("/servers/%s/action" % guest.id,
                       {"reboot": {"type": "HARD"}})
        guest.wait("STRATUS-GUEST-READY", count=2, timeout=180)
        cloud.api.wait_for_status(guest.id, {"ACTIVE"}, timeout=60)
        log = guest.wait(" serial=%s size=" % data["id"][:20], count=2)
        assert "data=STRATUS-SCRATCH written-by=%s" % guest.hostname in log

        cloud.api.post("/servers/%s/action" % guest.id, {"os-stop": None})
        cloud.api.wait_for_status(guest.id, {"SHUTOFF"}, timeout=60)
        # Attached while it is shut off: the guest has it when it starts.
        guest.attach(late["id"])
        volumes.wait(late["id"], {"in-use"})
        cloud.api.post("/servers/%s/action" % guest.id, {"os-start": None})
        cloud.api.wait_for_status(guest.id, {"ACTIVE"}, timeout=60)
        guest.wait("STRATUS-GUEST-READY", count=3, timeout=180)
        for volume_id in (root_id, data["id"]):
            guest.wait(" serial=%s size=" % volume_id[:20], count=3)
        guest.wait_added(late["id"])
        assert guest.attached() == {root_id, data["id"], late["id"]}
    finally:
        cloud.delete(guest.id)
    for volume in (data, late):
        volumes.wait(volume["id"], {"available"})
        volumes.delete(volume["id"])
    volumes.wait(root_id, {None})
