"""Snapshots and backups: a new image of the server, queued until its
host uploads the guest's disk.
"""
from stratus.compute_api import fail_fast
from stratus.compute_api import volume_backed
from stratus import exception


class Snapshots(volume_backed.VolumeBacked):
    """Snapshot or back up a server into a new image."""

    def snapshot(self, ctx, instance, name, metadata=None):
        """createImage: the new image's document (queued until the
        compute uploads the guest's disk; for a volume-backed server an
        image mapping snapshots of its volumes)."""
        bdms = self._volume_bdms(ctx, instance)
        if volume_backed.is_volume_backed(bdms):
            return self.snapshot_volume_backed(ctx, instance, bdms, name,
                                               metadata)
        return self._snapshot(ctx, instance, name, metadata)

    @fail_fast.undone_if_unsent
    def _snapshot(self, ctx, instance, name, metadata=None):
        return self._image_action(ctx, instance, "createImage", name,
                                  dict(metadata or {}, image_type="snapshot"))

    @staticmethod
    def _volume_bdms(ctx, instance):
        if instance.get("cell_uuid") is None:
            return []
        return volume_backed.instance_bdms(ctx, instance)

    def backup(self, ctx, instance, name, backup_type, rotation,
               metadata=None):
        if volume_backed.is_volume_backed(self._volume_bdms(ctx, instance)):
            raise exception.Invalid(
                "Backup is not supported for volume-backed instances.")
        return self._backup(ctx, instance, name, backup_type, rotation,
                            metadata)

    @fail_fast.undone_if_unsent
    def _backup(self, ctx, instance, name, backup_type, rotation,
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
