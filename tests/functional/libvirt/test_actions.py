"""Rescue, crash dump, network injection and the admin password (through
the tiny guest's agent) on a real guest (one guest, three boots: its own,
the rescue, its own again)."""
import hashlib
import os
import re
import time

import pytest

from stratus.objects import fields
from stratus.objects import instance as instance_obj

pytestmark = [pytest.mark.slow, pytest.mark.libvirt,
              pytest.mark.xdist_group("guests")]

PASSWORD = "s3cret-Pa55"
DISKS = re.compile(r"STRATUS-GUEST-DISKS ([^\r\n]*)")


def _act(cloud, server_id, body, version="2.17", expected=(202,)):
    response = cloud.api.request("POST", "/v2.1/servers/%s/action"
                                 % server_id, body, version=version)
    assert response.status_int in expected, response.text
    return response


def _finished(cloud, server_id, action, timeout=60):
    """The newest instance action, once its events have finished."""
    deadline = time.monotonic() + timeout
    while True:
        listed = cloud.api.get("/servers/%s/os-instance-actions"
                               % server_id)["instanceActions"]
        newest = cloud.api.get("/servers/%s/os-instance-actions/%s" % (
            server_id, listed[0]["request_id"]),
            version="2.84")["instanceAction"]
        if newest["action"] == action and newest["events"] and all(
                event["finish_time"] for event in newest["events"]):
            return newest
        assert time.monotonic() < deadline, newest
        time.sleep(0.1)


def _wait_for_agent(cloud, uuid, timeout=60):
    """Until libvirt sees the guest's agent on its channel (the live
    domain XML says state='connected')."""
    domain = cloud.driver._domain(instance_obj.Instance(uuid=uuid))
    deadline = time.monotonic() + timeout
    while "org.qemu.guest_agent.0' state='connected'" not in \
            domain.XMLDesc(0):
        assert time.monotonic() < deadline, domain.XMLDesc(0)
        time.sleep(0.2)


def _password_marker(password):
    """What the guest prints when it sets root's password (a digest,
    never the password)."""
    return "STRATUS-GUEST-PASSWORD user=root sha256=%s" % hashlib.sha256(
        password.encode()).hexdigest()


def _last_disks(log):
    return DISKS.findall(log)[-1].split()


def test_rescue_crash_dump_network_injection_and_password(guest_cloud):
    server = guest_cloud.boot("vm-rescue", config_drive=True)
    uuid = server["id"]
    directory = guest_cloud.driver.instance_dir(uuid)
    try:
        assert server["status"] == "ACTIVE", server.get("fault")
        log = guest_cloud.wait_for_console(uuid, "STRATUS-GUEST-READY")
        # Its own disk: the tiny image grown to the flavor's 1 GB; root's
        # password from its config drive's admin_pass.
        assert _last_disks(log) == ["vda=1024"]
        assert _password_marker(server["adminPass"]) in log

        # Rescue: the rescue image (the server's own image, 64 MiB) boots
        # from vda with the server's disk as vdb, and the rescue config
        # drive gives it the rescue password.
        body = _act(guest_cloud, uuid, {"rescue": {}}, expected=(200,)).json
        assert body["adminPass"] != server["adminPass"]
        server = guest_cloud.api.wait_for_status(uuid, {"RESCUE", "ERROR"},
                                                 timeout=60)
        assert server["status"] == "RESCUE", server.get("fault")
        log = guest_cloud.wait_for_console(uuid, "STRATUS-GUEST-READY",
                                           count=2)
        assert _last_disks(log) == ["vda=64", "vdb=1024"]
        assert _password_marker(body["adminPass"]) in log
        assert os.path.exists(os.path.join(directory, "disk.rescue"))

        # Unrescue: its own boot again, the rescue disk gone.
        _act(guest_cloud, uuid, {"unrescue": None})
        server = guest_cloud.api.wait_for_status(uuid, {"ACTIVE", "ERROR"},
                                                 timeout=60)
        assert server["status"] == "ACTIVE", server.get("fault")
        log = guest_cloud.wait_for_console(uuid, "STRATUS-GUEST-READY",
                                           count=3)
        assert _last_disks(log) == ["vda=1024"]
        assert not os.path.exists(os.path.join(directory, "disk.rescue"))
        assert not os.path.exists(os.path.join(directory, "unrescue.xml"))
        assert not os.path.exists(os.path.join(directory,
                                               "disk.config.rescue"))

        # Crash dump: the guest's kernel receives the NMI.
        _act(guest_cloud, uuid, {"trigger_crash_dump": None})
        action = _finished(guest_cloud, uuid, "trigger_crash_dump")
        assert [event["result"] for event in action["events"]] == [
            "Success"]
        guest_cloud.wait_for_console(uuid, "NMI received")

        # Network injection: nothing to write for a DHCP guest (as
        # Nova's libvirt driver), the action succeeds.
        _act(guest_cloud, uuid, {"injectNetworkInfo": None})
        action = _finished(guest_cloud, uuid, "injectNetworkInfo")
        assert [event["result"] for event in action["events"]] == [
            "Success"]

        # The tiny image says hw_qemu_guest_agent: libvirt hands the
        # password to the guest's agent, which sets root's password.
        _wait_for_agent(guest_cloud, uuid)
        _act(guest_cloud, uuid, {"changePassword": {"adminPass": PASSWORD}})
        action = _finished(guest_cloud, uuid, "changePassword")
        assert [event["result"] for event in action["events"]] == [
            "Success"]
        guest_cloud.wait_for_console(uuid, _password_marker(PASSWORD))
        server = guest_cloud.api.server(uuid)
        assert (server["status"], server["OS-EXT-STS:task_state"]) == (
            "ACTIVE", None)
        assert guest_cloud.driver.get_power_state(
            instance_obj.Instance(uuid=uuid)) == fields.PowerState.RUNNING

        # A rescue image QEMU must not open (a "raw" upload holding a
        # qcow2 header): ERROR with the reason, and the guest keeps
        # running from its own disk with no rescue files.
        from stratus.image import bootstrap
        from stratus import context as stratus_context
        image_api = guest_cloud._image_api()
        ctx = stratus_context.get_admin_context(guest_cloud.cloud.databases)
        lying = image_api.create(ctx, name="lying-raw", disk_format="raw",
                                 container_format="bare")["id"]
        image_api.upload(ctx, lying, bootstrap.empty_qcow2(1024 ** 2))
        _act(guest_cloud, uuid, {"rescue": {"rescue_image_ref": lying}},
             expected=(200,))
        server = guest_cloud.api.wait_for_status(uuid, "ERROR", timeout=60)
        assert server["fault"]["message"] == (
            "Instance %s cannot be rescued: image %s cannot be used: it is "
            "declared raw but holds qcow2" % (uuid, lying)), server["fault"]
        assert guest_cloud.driver.get_power_state(
            instance_obj.Instance(uuid=uuid)) == fields.PowerState.RUNNING
        assert sorted(os.listdir(directory)) == [
            "console.log", "disk", "disk.config"]
    finally:
        guest_cloud.delete(uuid)
