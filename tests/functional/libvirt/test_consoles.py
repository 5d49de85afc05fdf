"""A real guest's serial console through the console proxy."""
import os
import re
import urllib.parse

import pytest

from stratus.objects import instance as instance_obj
from tests.functional.consoles import wsclient
from tests.functional.libvirt import conftest as guests

pytestmark = [pytest.mark.slow, pytest.mark.libvirt,
              pytest.mark.xdist_group("guests")]


def test_serial_console_through_the_proxy_shows_the_guest(guest_cloud):
    server = guest_cloud.boot("vm-console")
    uuid = server["id"]
    try:
        assert server["status"] == "ACTIVE", server.get("fault")
        guest_cloud.wait_for_console(uuid, "STRATUS-GUEST-READY")
        console = guest_cloud.api.post(
            "/servers/%s/remote-consoles" % uuid, {"remote_console": {
                "protocol": "serial", "type": "serial"}},
            version="2.6")["remote_console"]
        client = wsclient.Client(console["url"], timeout=120)
        try:
            # The guest prints its markers again after a hard reboot
            # (a reset: the same QEMU, the same console connection).
            guest_cloud.driver.reboot(None, instance_obj.Instance(uuid=uuid),
                                      [], "HARD")
            output = client.read_until("STRATUS-GUEST-READY")
        finally:
            client.close()
        assert "STRATUS-GUEST-UP %s" % server["OS-EXT-SRV-ATTR:hostname"] \
            in output

        vnc = guest_cloud.api.post(
            "/servers/%s/remote-consoles" % uuid, {"remote_console": {
                "protocol": "vnc", "type": "novnc"}},
            version="2.6")["remote_console"]
        _open_novnc_page_and_its_websocket(vnc["url"])
    finally:
        guest_cloud.delete(uuid)


def _open_novnc_page_and_its_websocket(url):
    """What a browser does with the URL of `console url show --novnc`:
    load noVNC's page and its scripts from the proxy, then open the
    websocket at the page's `path` parameter, where the guest's VNC
    server greets with its RFB protocol version."""
    if not os.path.isdir("/usr/share/novnc"):
        pytest.skip("noVNC is not installed (tools/install-virt.sh)")
    status, headers, page = wsclient.http_request(url)
    assert status == 200, page
    assert headers["content-type"].startswith("text/html")
    scripts = re.findall(r"""(?:src=|from )["']\.?/?([^"']+\.js)["']""",
                         page.decode())
    assert scripts
    for script in scripts:
        status, headers, _ = wsclient.http_request(
            urllib.parse.urljoin(url, script))
        assert status == 200, script
        assert headers["content-type"].startswith("application/javascript")
    parts = urllib.parse.urlsplit(url)
    path = urllib.parse.parse_qs(parts.query)["path"][0]
    client = wsclient.Client("ws://%s/%s" % (parts.netloc, path),
                             timeout=60)
    try:
        assert client.receive().startswith(b"RFB ")
    finally:
        client.close()


def test_snapshot_of_a_running_guest_boots(guest_cloud):
    from stratus import context as stratus_context
    from stratus.objects import fields
    server = guest_cloud.boot("vm-snap", image="disk")
    uuid = server["id"]
    instance = instance_obj.Instance(uuid=uuid)
    snapshot_id = None
    try:
        assert server["status"] == "ACTIVE", server.get("fault")
        guest_cloud.wait_for_console(uuid, "STRATUS-GUEST-READY")
        data = b"".join(guest_cloud.driver.snapshot(None, instance))
        # The guest was paused for the copy and runs again.
        assert guest_cloud.driver.get_power_state(instance) == \
            fields.PowerState.RUNNING
        assert data[:4] == b"QFI\xfb"
        ctx = stratus_context.get_admin_context(guest_cloud.cloud.databases)
        image_api = guest_cloud._image_api()
        snapshot_id = image_api.create(
            ctx, name="vm-snap-snapshot", disk_format="qcow2",
            container_format="bare", hw_machine_type="q35")["id"]
        image_api.upload(ctx, snapshot_id, data)
    finally:
        guest_cloud.delete(uuid)
    assert not [name for name in os.listdir(os.path.join(
        guest_cloud.driver.instances_path, "snapshots"))]
    copy = guest_cloud.api.post("/servers", {"server": {
        "name": "vm-from-snap", "flavorRef": guest_cloud.flavor,
        "imageRef": snapshot_id, "networks": "auto"}})["server"]
    copy = guest_cloud.api.wait_for_status(copy["id"], {"ACTIVE", "ERROR"},
                                           timeout=120)
    try:
        assert copy["status"] == "ACTIVE", copy.get("fault")
        log = guest_cloud.wait_for_console(copy["id"], "STRATUS-GUEST-READY")
        assert "STRATUS-GUEST-UP %s" % copy["OS-EXT-SRV-ATTR:hostname"] in log
        # Its image does not say hw_qemu_guest_agent: no agent channel,
        # and changePassword is Nova's 409.
        response = guest_cloud.api.request(
            "POST", "/v2.1/servers/%s/action" % copy["id"],
            {"changePassword": {"adminPass": "s3cret"}})
        assert response.status_int == 409, response.text
        assert response.json["conflictingRequest"]["message"] == (
            "QEMU guest agent is not enabled")
        assert "STRATUS-GUEST-AGENT" not in log
        assert guest_cloud.api.server(copy["id"])["status"] == "ACTIVE"
    finally:
        guest_cloud.delete(copy["id"])


def test_interface_hot_plug(guest_cloud):
    import libvirt
    server = guest_cloud.boot("vm-plug")
    uuid = server["id"]
    try:
        assert server["status"] == "ACTIVE", server.get("fault")
        guest_cloud.wait_for_console(uuid, "STRATUS-GUEST-READY")
        path = "/servers/%s/os-interface" % uuid
        [first] = guest_cloud.api.get(path)["interfaceAttachments"]
        added = guest_cloud.api.post(path, {"interfaceAttachment": {
            "net_id": first["net_id"]}})["interfaceAttachment"]
        domain = guest_cloud.driver._domain(instance_obj.Instance(uuid=uuid))

        def macs(flags=0):
            xml = domain.XMLDesc(flags)
            return [mac for mac in (first["mac_addr"], added["mac_addr"])
                    if mac in xml]

        assert macs() == [first["mac_addr"], added["mac_addr"]]
        assert macs(libvirt.VIR_DOMAIN_XML_INACTIVE) == [
            first["mac_addr"], added["mac_addr"]]
        assert guests.tap_exists(("tap" + added["port_id"])[:14])
        assert any(port["id"] == added["port_id"]
                   for port in guest_cloud.network.ports().values())

        guest_cloud.api.delete("%s/%s" % (path, added["port_id"]))
        assert [a["port_id"] for a in guest_cloud.api.get(path)[
            "interfaceAttachments"]] == [first["port_id"]]
        # The persistent definition loses it at once; the live guest when
        # it releases the device.
        assert macs(libvirt.VIR_DOMAIN_XML_INACTIVE) == [first["mac_addr"]]
        assert not any(port["id"] == added["port_id"]
                       for port in guest_cloud.network.ports().values())
    finally:
        guest_cloud.delete(uuid)
