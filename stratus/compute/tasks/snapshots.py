"""Snapshots and backups: the guest's disk uploaded to the image service
(backups rotated to the newest `rotation` of their type); the image
service client the other features share.
"""
from stratus.compute.tasks.common import LOG, TaskState
from stratus.virt import driver as virt_driver


class SnapshotsMixin:
    """The compute manager's snapshots, backups and image service."""

    def snapshot_instance(self, ctx, instance, image_id):
        self._perform(ctx, instance, "createImage", virt_driver.Snapshot,
                      lambda: self._upload_snapshot(ctx, instance, image_id),
                      cleanup=lambda: self._delete_image_quietly(ctx,
                                                                 image_id))

    def backup_instance(self, ctx, instance, image_id, backup_type,
                        rotation):
        def backup():
            self._upload_snapshot(ctx, instance, image_id)
            self._rotate_backups(ctx, instance, backup_type, rotation)
        self._perform(ctx, instance, "createBackup", virt_driver.Snapshot,
                      backup, cleanup=lambda: self._delete_image_quietly(
                          ctx, image_id))

    def _images(self):
        if self.image_api is None:
            from stratus.image import client as image_client
            self.image_api = image_client.ImageAPI.from_conf(self.conf)
        return self.image_api

    def _upload_snapshot(self, ctx, instance, image_id):
        self._step(ctx, instance, TaskState.IMAGE_PENDING_UPLOAD)
        data = self.driver.snapshot(ctx, instance)
        self._step(ctx, instance, TaskState.IMAGE_UPLOADING)
        self._images().upload(ctx, image_id, data)

    def _rotate_backups(self, ctx, instance, backup_type, rotation):
        """Keep the newest `rotation` backups of this type (Nova's
        _rotate_backups)."""
        backups = self._images().list(
            ctx, instance_uuid=instance.uuid, image_type="backup",
            backup_type=backup_type, sort_key="created_at", sort_dir="desc")
        for image in backups[rotation:]:
            LOG.info("Rotating out backup %s of instance %s", image["id"],
                     instance.uuid)
            self._delete_image_quietly(ctx, image["id"])

    def _delete_image_quietly(self, ctx, image_id):
        try:
            self._images().delete(ctx, image_id)
        except Exception:  # noqa: BLE001 - cleanup after a failure
            LOG.warning("Could not delete image %s", image_id)
