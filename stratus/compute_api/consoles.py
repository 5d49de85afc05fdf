"""Consoles: a server's console output, read from its host, and the URL
of its remote console (POST /servers/{id}/remote-consoles and the
deprecated os-get*Console actions before 2.6)."""
from stratus.compute_api import base
from stratus.console import api as console_api


class Consoles(base.APIBase):
    """Read a server's console, or open its remote console."""

    def console_output(self, ctx, instance, length=None):
        self._begin(ctx, instance, "getConsoleOutput")
        return self.compute_rpcapi.get_console_output(ctx, instance, length)

    def remote_console_url(self, ctx, instance, protocol, console_type):
        """The URL of a new one-use token for the server's console of
        that protocol and type: ConsoleTypeUnavailable (400) when
        Stratus, the configuration or the driver has no such console,
        InstanceNotReady (409) when the server is not running."""
        return console_api.get_remote_console(
            self.conf, self.compute_rpcapi, ctx, instance, protocol,
            console_type)
