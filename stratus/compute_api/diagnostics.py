"""Diagnostics: a running server's figures, measured on its host."""
from stratus.compute_api import base


class Diagnostics(base.APIBase):
    """Ask a server's host for its diagnostics."""

    def get_instance_diagnostics(self, ctx, instance):
        """The diagnostics its host's driver measures (see
        stratus/virt/diagnostics.py); InstanceNotReady (409) for a server
        without a host, InstanceInvalidState (409) unless its guest runs,
        NotImplementedError when its driver has none."""
        self._begin(ctx, instance, "get_diagnostics")
        return self.compute_rpcapi.get_instance_diagnostics(ctx, instance)
