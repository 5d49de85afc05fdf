"""The password a server's guest posted to the metadata service
(stratus/metadata/password.py), shown to and cleared by its users."""
from stratus.compute_api import base
from stratus.metadata import password
from stratus.objects import instance_password


class ServerPassword(base.APIBase):
    """Show and clear a server's posted password."""

    @staticmethod
    def get_password(instance):
        """The server's password (encrypted by its guest), or None."""
        return password.extract(instance.get("system_metadata") or {})

    @staticmethod
    def clear_password(ctx, instance):
        """Forget the password, so that the guest may post one again (a
        server still being scheduled has none to forget)."""
        if instance.get("cell_uuid") is None:
            return
        with ctx.target_cell(instance.cell_uuid) as cctx:
            instance_password.clear(cctx, instance.uuid)
