"""Image files cached on the compute host (``<instances_path>/_base``).

Each image is downloaded once from the image service, streamed to a
temporary file and renamed, under a per-image lock so that concurrent
spawns of one image download it once. Guests' disks are qcow2 overlays
on these files.
"""
import json
import os
import subprocess
import tempfile
import threading

from stratus import exception

BOOT_SIGNATURE = b"\x55\xaa"


def _qemu_img(*arguments):
    command = ["qemu-img"] + list(arguments)
    try:
        return subprocess.run(command, check=True, capture_output=True,
                              text=True).stdout
    except FileNotFoundError as error:
        raise exception.DiskError(command="qemu-img", reason="not installed") \
            from error
    except subprocess.CalledProcessError as error:
        raise exception.DiskError(command="qemu-img " + arguments[0],
                        reason=error.stderr.strip()) from error


class ImageCache:
    def __init__(self, base_dir, image_api):
        self.base_dir = base_dir
        self.image_api = image_api
        self._locks = {}
        self._guard = threading.Lock()

    def _lock(self, image_id):
        with self._guard:
            return self._locks.setdefault(image_id, threading.Lock())

    def path(self, ctx, image_id):
        """The local file of image_id, downloaded if needed."""
        return self.fetch(ctx, image_id)[0]

    def fetch(self, ctx, image_id):
        """(The local file of image_id, whether it was downloaded now)."""
        path = os.path.join(self.base_dir, image_id)
        with self._lock(image_id):
            fetched = not os.path.exists(path)
            if fetched:
                os.makedirs(self.base_dir, mode=0o755, exist_ok=True)
                part = path + ".part"
                with open(part, "wb") as handle:
                    for chunk in self.image_api.download(ctx, image_id):
                        handle.write(chunk)
                os.chmod(part, 0o644)
                os.replace(part, path)
        return path, fetched

    def copy_in(self, image_id, source):
        """Cache a copy of source as image_id (an image the image service
        no longer has, taken from another host's cache); its path."""
        path = os.path.join(self.base_dir, image_id)
        with self._lock(image_id):
            if not os.path.exists(path):
                os.makedirs(self.base_dir, mode=0o755, exist_ok=True)
                copy_file(source, path + ".part")
                os.chmod(path + ".part", 0o644)
                os.replace(path + ".part", path)
        return path


def copy_file(source, target):
    """A copy of a disk file: a reflink where the file system shares
    blocks, else a sparse copy."""
    command = ["cp", "--reflink=auto", "--sparse=always", source, target]
    try:
        subprocess.run(command, check=True, capture_output=True, text=True)
    except subprocess.CalledProcessError as error:
        raise exception.DiskError(command="cp", reason=error.stderr.strip()) from error


def image_info(path):
    """qemu-img's view of a file: format and virtual-size."""
    return json.loads(_qemu_img("info", "--output=json", "-U", path))


def create_overlay(base, base_format, target, size_bytes=None):
    size = [str(size_bytes)] if size_bytes else []
    _qemu_img("create", "-q", "-f", "qcow2", "-F", base_format, "-b", base,
              target, *size)


def rebase(path, base, base_format):
    """Point a qcow2 overlay at base (a file with the same content as its
    old backing file: the same image in this host's cache)."""
    _qemu_img("rebase", "-q", "-u", "-f", "qcow2", "-F", base_format, "-b",
              base, path)


def grow(path, size_bytes):
    """Grow a qcow2 disk's virtual size to size_bytes."""
    _qemu_img("resize", "-q", "-f", "qcow2", path, str(size_bytes))


def convert_to_qcow2(source, target):
    """A standalone qcow2 copy of a disk (its backing chain flattened);
    -U reads it while its QEMU holds the lock."""
    _qemu_img("convert", "-U", "-q", "-O", "qcow2", source, target)


def has_boot_sector(path, image_format):
    """Whether the disk's first sector ends in the BIOS boot signature
    (an image without one cannot boot from disk: SeaBIOS would wait for
    ever at 'No bootable device')."""
    descriptor, sector = tempfile.mkstemp(dir=os.path.dirname(path),
                                          suffix=".sector0")
    os.close(descriptor)
    try:
        _qemu_img("dd", "-f", image_format, "-O", "raw", "bs=512", "count=1",
                  "if=" + path, "of=" + sector)
        with open(sector, "rb") as handle:
            return handle.read(512)[510:512] == BOOT_SIGNATURE
    finally:
        if os.path.exists(sector):
            os.unlink(sector)
