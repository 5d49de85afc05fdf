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

BOOT_SIGNATURE = b"\x55\xaa"


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
        path = os.path.join(self.base_dir, image_id)
        with self._lock(image_id):
            if not os.path.exists(path):
                os.makedirs(self.base_dir, mode=0o755, exist_ok=True)
                part = path + ".part"
                with open(part, "wb") as handle:
                    for chunk in self.image_api.download(ctx, image_id):
                        handle.write(chunk)
                os.chmod(part, 0o644)
                os.replace(part, path)
        return path


def image_info(path):
    """qemu-img's view of a file: format and virtual-size."""
    output = subprocess.run(
        ["qemu-img", "info", "--output=json", "-U", path], check=True,
        capture_output=True, text=True).stdout
    return json.loads(output)


def create_overlay(base, base_format, target, size_bytes=None):
    command = ["qemu-img", "create", "-q", "-f", "qcow2", "-F", base_format,
               "-b", base, target]
    if size_bytes:
        command.append(str(size_bytes))
    subprocess.run(command, check=True, capture_output=True, text=True)


def has_boot_sector(path, image_format):
    """Whether the disk's first sector ends in the BIOS boot signature
    (an image without one cannot boot from disk: SeaBIOS would wait for
    ever at 'No bootable device')."""
    descriptor, sector = tempfile.mkstemp(dir=os.path.dirname(path),
                                          suffix=".sector0")
    os.close(descriptor)
    try:
        subprocess.run(["qemu-img", "dd", "-f", image_format, "-O", "raw",
                        "bs=512", "count=1", "if=" + path, "of=" + sector],
                       check=True, capture_output=True, text=True)
        with open(sector, "rb") as handle:
            return handle.read(512)[510:512] == BOOT_SIGNATURE
    finally:
        if os.path.exists(sector):
            os.unlink(sector)
