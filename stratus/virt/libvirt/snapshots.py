"""The libvirt driver's snapshots: the root disk as standalone qcow2."""
import os

from stratus.objects import fields
from stratus.virt import driver
from stratus.virt.libvirt import imagecache

PowerState = fields.PowerState
SNAPSHOT_CHUNK_BYTES = 1 << 20


class SnapshotsMixin(driver.Snapshot):
    def snapshot(self, ctx, instance):
        """The guest's root disk as standalone qcow2 data (an iterator of
        bytes). A running guest is paused while the disk is copied, so
        the copy is consistent, and runs on right after."""
        domain = self._domain(instance)
        disk = os.path.join(self.instance_dir(instance.uuid), "disk")
        directory = os.path.join(self.instances_path, "snapshots")
        os.makedirs(directory, mode=0o700, exist_ok=True)
        target = os.path.join(directory, "%s-%s.qcow2" % (
            instance.uuid, os.urandom(4).hex()))
        paused = self.get_power_state(instance) == PowerState.RUNNING
        if paused:
            self._call(domain.suspend)
        try:
            imagecache.convert_to_qcow2(disk, target)
        except Exception:
            if os.path.exists(target):
                os.unlink(target)
            raise
        finally:
            if paused:
                self._call(domain.resume)
        return _read_and_remove(target)


def _read_and_remove(path):
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(SNAPSHOT_CHUNK_BYTES):
                yield chunk
    finally:
        os.unlink(path)
