"""Rescue: boot a server from a rescue image (unrescue is a power
action, stratus/compute_api/power.py).
"""
from stratus.compute_api import base
from stratus.compute_api import fail_fast


class Rescue(base.APIBase):
    """Rescue a server."""

    @fail_fast.undone_if_unsent
    def rescue(self, ctx, instance, rescue_password=None,
               rescue_image_ref=None):
        """The password the rescue guest gets (generated unless given)."""
        if rescue_image_ref:
            self.image_api.get(ctx, rescue_image_ref)
        password = rescue_password or base.generate_password()
        self._begin(ctx, instance, "rescue")
        self.compute_rpcapi.rescue_instance(ctx, instance, password,
                                            rescue_image_ref)
        return password
