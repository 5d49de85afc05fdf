"""The built-in block storage service's background work (no SQL: the
stores do it): volume and snapshot files made, copied, grown and removed
in a small pool of threads, as Cinder's volume service does them after
its API answered 202. Each job ends with a compare-and-set of the row's
status (available, or error when the files could not be made), and a
service start finishes or fails what a stopped one left midway."""
import concurrent.futures
import logging

from stratus.volume import files

LOG = logging.getLogger(__name__)
# The compute API version of each event Cinder sends Nova.
_EVENT_VERSIONS = {"volume-extended": "2.51", "volume-reimaged": "2.93"}

# Image properties that are not copied into volume_image_metadata.
_IMAGE_CORE = ("id", "name", "checksum", "container_format", "disk_format",
               "min_disk", "min_ram", "size")
_IMAGE_SKIPPED = {"status", "visibility", "protected", "owner", "file",
                  "schema", "self", "tags", "created_at", "updated_at",
                  "locations", "direct_url", "virtual_size", "os_hidden",
                  "os_hash_algo", "os_hash_value", "stores"}


def image_metadata(image):
    """Cinder's volume_image_metadata of a volume made from image."""
    found = {("image_" + key if key in ("id", "name") else key):
             image.get(key) for key in _IMAGE_CORE}
    for key, value in image.items():
        if key not in _IMAGE_CORE and key not in _IMAGE_SKIPPED:
            found[key] = value
    return {key: ("" if value is None else str(value))
            for key, value in found.items()}


class VolumeWorker:
    def __init__(self, app, workers=4):
        self.app = app
        self.conf = app.conf
        self.pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="volume-worker")

    def submit(self, job, *args):
        return self.pool.submit(self._run, job, *args)

    def _run(self, job, *args):
        try:
            job(*args)
        except Exception:  # noqa: BLE001 - a job's failure is its status
            LOG.exception("Volume job %s failed", job.__name__)

    # Volumes ----------------------------------------------------------

    def create_volume(self, ctx, volume, source=None):
        """source: None (empty), ("image", image document), ("snapshot",
        snapshot) or ("volume", source volume)."""
        return self.submit(self._create_volume, ctx, volume, source)

    def _create_volume(self, ctx, volume, source):
        volume_format = volume["file_format"]
        path = files.volume_path(self.conf, volume["id"], volume_format)
        values = {"status": "available", "file_path": path}
        try:
            kind = source[0] if source else None
            if kind == "image":
                image = source[1]
                files.from_image_chunks(
                    self.app.image_api.download(ctx, image["id"]),
                    image.get("disk_format"), path, volume["size"],
                    volume_format)
                values.update(bootable=True,
                              volume_image_metadata=image_metadata(image))
            elif kind == "snapshot":
                files.copy(source[1]["file_path"], source[2], path,
                           volume["size"], volume_format)
            elif kind == "volume":
                files.copy(source[1]["file_path"], source[1]["file_format"],
                           path, volume["size"], volume_format)
            else:
                files.create_empty(path, volume["size"], volume_format)
        except Exception:  # noqa: BLE001 - any failure is status error
            LOG.exception("Volume %s could not be made", volume["id"])
            files.remove(path)
            values = {"status": "error"}
        import datetime
        if values["status"] == "available":
            values["launched_at"] = datetime.datetime.now(
                datetime.timezone.utc)
        if not self.app.volumes.set_status(volume["id"], ("creating",),
                                           values):
            # Deleted (or reset) meanwhile: nothing of it may stay.
            if values["status"] == "available" and \
                    self.app.volumes.get_any(volume["id"]) is None:
                files.remove(path)

    def delete_volume(self, volume, snapshots=()):
        return self.submit(self._delete_volume, volume, snapshots)

    def _delete_volume(self, volume, snapshots):
        try:
            for snapshot in snapshots:
                files.remove(snapshot.get("file_path"))
            files.remove(volume.get("file_path"))
        except OSError:
            LOG.exception("Volume %s: its files could not be removed",
                          volume["id"])
            self.app.volumes.set_status(volume["id"], ("deleting",),
                                        {"status": "error_deleting"})
            return
        self.app.volumes.destroy(volume["id"])

    def extend_volume(self, volume, new_size, ctx=None):
        return self.submit(self._extend_volume, volume, new_size, ctx)

    def _notify(self, ctx, name, volume_id, servers, status="completed"):
        """Nova's external events of a volume to the servers it is
        attached to (or reserved for), at the compute API version that
        has the event."""
        events = [{"name": name, "server_uuid": server, "tag": volume_id,
                   "status": status} for server in servers if server]
        if events and ctx is not None:
            self.app.compute_notifier.send(
                ctx, events, microversion=_EVENT_VERSIONS.get(name))

    def _extend_volume(self, volume, new_size, ctx=None):
        current = self.app.volumes.get_any(volume["id"])
        if current is None:
            return
        done = ("in-use" if any(attachment["attach_status"] == "attached"
                                for attachment in current["attachments"])
                else "available")
        try:
            files.resize(current["file_path"], new_size,
                         current["file_format"])
            values = {"status": done, "new_size": None}
        except Exception:  # noqa: BLE001 - any failure is error_extending
            LOG.exception("Volume %s could not be extended", volume["id"])
            # Cinder keeps the size it had.
            values = {"status": "error_extending", "new_size": None,
                      "size": min(volume["size"], new_size)}
        if self.app.volumes.set_status(volume["id"], ("extending",),
                                       values) and done == "in-use" \
                and values["status"] == done:
            # Nova grows the disk its guest sees (volume-extended).
            self._notify(ctx, "volume-extended", volume["id"], [
                attachment["instance_uuid"]
                for attachment in current["attachments"]
                if attachment["attach_status"] == "attached"])

    def reimage_volume(self, ctx, volume, image, status_after):
        return self.submit(self._reimage_volume, ctx, volume, image,
                           status_after)

    def _reimage_volume(self, ctx, volume, image, status_after):
        path = volume["file_path"]
        values = {"status": status_after, "bootable": True,
                  "volume_image_metadata": image_metadata(image)}
        try:
            replacement = path + ".reimage"
            files.from_image_chunks(
                self.app.image_api.download(ctx, image["id"]),
                image.get("disk_format"), replacement, volume["size"],
                volume["file_format"])
            import os
            os.replace(replacement, path)
        except Exception:  # noqa: BLE001 - any failure is status error
            LOG.exception("Volume %s could not be re-imaged", volume["id"])
            files.remove(path + ".reimage")
            values = {"status": "error"}
        self.app.volumes.set_status(volume["id"], ("downloading",), values)
        # Nova's volume-backed rebuild waits for volume-reimaged.
        self._notify(ctx, "volume-reimaged", volume["id"], [
            attachment["instance_uuid"]
            for attachment in volume.get("attachments", ())],
            "completed" if values["status"] != "error" else "failed")

    # Snapshots --------------------------------------------------------

    def create_snapshot(self, snapshot, volume):
        return self.submit(self._create_snapshot, snapshot, volume)

    def _create_snapshot(self, snapshot, volume):
        path = files.snapshot_path(self.conf, snapshot["id"])
        values = {"status": "available", "progress": "100%",
                  "file_path": path}
        try:
            files.snapshot(volume["file_path"], path)
        except Exception:  # noqa: BLE001 - any failure is status error
            LOG.exception("Snapshot %s could not be made", snapshot["id"])
            files.remove(path)
            values = {"status": "error"}
        self.app.snapshots.set_status(snapshot["id"], ("creating",), values)

    def delete_snapshot(self, snapshot):
        return self.submit(self._delete_snapshot, snapshot)

    def _delete_snapshot(self, snapshot):
        try:
            files.remove(snapshot.get("file_path"))
        except OSError:
            LOG.exception("Snapshot %s could not be removed", snapshot["id"])
            self.app.snapshots.set_status(snapshot["id"], ("deleting",),
                                          {"status": "error_deleting"})
            return
        self.app.snapshots.destroy(snapshot["id"])

    # Service start ----------------------------------------------------

    def recover(self):
        """What a stopped service left midway: deletions and extensions
        finished, creations (whose source may be gone) in error. Returns
        {state: count} of what it found."""
        found = {}
        for volume in self.app.volumes.with_status(
                ("creating", "deleting", "extending", "downloading")):
            found[volume["status"]] = found.get(volume["status"], 0) + 1
            if volume["status"] == "deleting":
                self._delete_volume(volume, self.app.snapshots.list(
                    _Service(), {"volume_id": volume["id"]}, True))
            elif volume["status"] == "extending":
                self._extend_volume(volume, volume["size"])
            else:
                self.app.volumes.set_status(volume["id"], (volume["status"],),
                                            {"status": "error"})
        for snapshot in self.app.snapshots.with_status(("creating",
                                                        "deleting")):
            key = "snapshot " + snapshot["status"]
            found[key] = found.get(key, 0) + 1
            if snapshot["status"] == "deleting":
                self._delete_snapshot(snapshot)
            else:
                self.app.snapshots.set_status(snapshot["id"], ("creating",),
                                              {"status": "error"})
        if found:
            LOG.info("Volume service start: finished or failed %s", found)
        return found


class _Service:
    """The service itself as a caller: sees every project."""
    is_admin = True
    project_id = None
    user_id = None
