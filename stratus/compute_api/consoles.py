"""Consoles: a server's console output, read from its host."""
from stratus.compute_api import base


class Consoles(base.APIBase):
    """Read a server's console."""

    def console_output(self, ctx, instance, length=None):
        self._begin(ctx, instance, "getConsoleOutput")
        return self.compute_rpcapi.get_console_output(ctx, instance, length)
