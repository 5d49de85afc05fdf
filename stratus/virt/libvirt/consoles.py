"""The libvirt driver's consoles: the console log's tail, and the serial
and VNC consoles the guest listens on."""
import os
import xml.etree.ElementTree as ET

from stratus import exception
from stratus.objects import console_connection
from stratus.virt import driver

CONSOLE_BYTES_SHOWN = 100 * 1024


class ConsolesMixin(driver.ConsoleOutput, driver.RemoteConsoles):
    def get_console_output(self, ctx, instance):
        self._domain(instance)
        try:
            with open(self.console_log_path(instance.uuid), "rb") as handle:
                handle.seek(0, os.SEEK_END)
                handle.seek(max(0, handle.tell() - CONSOLE_BYTES_SHOWN))
                data = handle.read()
        except FileNotFoundError:
            return ""
        return data.decode("utf-8", "replace")

    def get_serial_console(self, instance):
        root = ET.fromstring(self._call(self._domain(instance).XMLDesc, 0))
        for source in root.findall("./devices/serial[@type='tcp']/source"):
            if source.get("mode") == "bind":
                return console_connection.ConsoleConnection(
                    console_type="serial", host=source.get("host"),
                    port=int(source.get("service")))
        raise exception.ConsoleTypeUnavailable(console_type="serial")

    def get_vnc_console(self, instance):
        root = ET.fromstring(self._call(self._domain(instance).XMLDesc, 0))
        graphics = root.find("./devices/graphics[@type='vnc']")
        if graphics is None or int(graphics.get("port") or -1) <= 0:
            raise exception.ConsoleTypeUnavailable(console_type="novnc")
        return console_connection.ConsoleConnection(
            console_type="novnc",
            host=self.conf.vnc.server_proxyclient_address,
            port=int(graphics.get("port")))
