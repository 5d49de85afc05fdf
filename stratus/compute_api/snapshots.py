"""Snapshots and backups: a new image of the server, queued until its
host uploads the guest's disk.
"""
from stratus.compute_api import base
from stratus.compute_api import fail_fast


class Snapshots(base.APIBase):
    """Snapshot or back up a server into a new image."""

    @fail_fast.undone_if_unsent
    def snapshot(self, ctx, instance, name, metadata=None):
        """createImage: the new image's document (queued until the
        compute uploads the guest's disk)."""
        return self._image_action(ctx, instance, "createImage", name,
                                  dict(metadata or {}, image_type="snapshot"))

    @fail_fast.undone_if_unsent
    def backup(self, ctx, instance, name, backup_type, rotation,
               metadata=None):
        return self._image_action(
            ctx, instance, "createBackup", name,
            dict(metadata or {}, image_type="backup",
                 backup_type=backup_type), rotation=rotation)

    def _image_action(self, ctx, instance, action, name, properties,
                      rotation=None):
        image = self._begin_with_image(ctx, instance, action, name,
                                       properties)
        if rotation is None:
            self.compute_rpcapi.snapshot_instance(ctx, instance, image["id"])
        else:
            self.compute_rpcapi.backup_instance(
                ctx, instance, image["id"], properties["backup_type"],
                rotation)
        return image
