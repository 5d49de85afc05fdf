"""A real guest's serial console through the console proxy."""
import pytest

from stratus.objects import instance as instance_obj
from tests.functional.consoles import wsclient

pytestmark = [pytest.mark.slow, pytest.mark.libvirt]


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
        port = guest_cloud.cloud.console_proxies[1].port
        token = vnc["url"].split("token%3D", 1)[1]
        client = wsclient.Client("ws://127.0.0.1:%d/?token=%s"
                                 % (port, token), timeout=60)
        try:
            # A VNC server greets with its RFB protocol version.
            assert client.receive().startswith(b"RFB ")
        finally:
            client.close()
    finally:
        guest_cloud.delete(uuid)
