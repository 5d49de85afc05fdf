"""The built-in service's volume files (no SQL): one file per volume
under [cinder] volumes_dir (default <state_path>/volumes), raw (sparse,
made by truncate) or qcow2 (qemu-img), and one per snapshot.

Every function takes paths the service chose itself; a volume's file is
``volume-<id>`` (``.qcow2`` for qcow2), a snapshot's ``snapshot-<id>``.
"""
import os

from stratus.conf import default as default_conf
import subprocess
import tempfile

GIB = 1024 ** 3


class FileError(Exception):
    """A volume file could not be made or changed."""


def volumes_dir(conf):
    path = conf.cinder.volumes_dir or default_conf.state_dir(conf,
                                                            "volumes")
    os.makedirs(path, exist_ok=True)
    return path


def volume_path(conf, volume_id, volume_format):
    suffix = ".qcow2" if volume_format == "qcow2" else ""
    return os.path.join(volumes_dir(conf), "volume-%s%s" % (volume_id,
                                                           suffix))


def snapshot_path(conf, snapshot_id):
    return os.path.join(volumes_dir(conf), "snapshot-%s" % snapshot_id)


def _qemu_img(*args):
    try:
        subprocess.run(("qemu-img",) + args, check=True,
                       capture_output=True, timeout=3600)
    except FileNotFoundError:
        raise FileError("qemu-img is not installed") from None
    except subprocess.CalledProcessError as exc:
        raise FileError("qemu-img %s failed: %s" % (
            args[0], exc.stderr.decode("utf-8", "replace").strip())) from None


def create_empty(path, size_gb, volume_format):
    if volume_format == "qcow2":
        _qemu_img("create", "-q", "-f", "qcow2", path, "%dG" % size_gb)
        return
    with open(path, "wb") as volume_file:
        volume_file.truncate(size_gb * GIB)


def image_info(path, file_format=None):
    """qemu-img info of a file: {"format", "virtual-size", ...}."""
    import json
    args = ("qemu-img", "info", "--output=json")
    if file_format:
        args += ("-f", file_format)
    try:
        found = subprocess.run(args + (path,),
                               check=True, capture_output=True, timeout=600)
    except (FileNotFoundError, subprocess.CalledProcessError) as exc:
        raise FileError("qemu-img info failed: %s" % exc) from None
    return json.loads(found.stdout)


def convert(source, source_format, path, size_gb, volume_format):
    """source (a file in source_format) as the volume's file, then grown
    to size_gb; FileError when the content is larger than size_gb."""
    info = image_info(source, source_format)
    if info.get("backing-filename") or info.get("full-backing-filename") \
            or (info.get("format-specific") or {}).get(
                "data", {}).get("data-file"):
        # An image must not read the host's files through qemu-img.
        raise FileError("images with a backing or data file are refused")
    if info.get("virtual-size", 0) > size_gb * GIB:
        raise FileError("the image's virtual size (%d bytes) is larger "
                        "than the volume (%d GiB)" % (info["virtual-size"],
                                                       size_gb))
    _qemu_img("convert", "-q", "-f", source_format or info["format"],
              "-O", volume_format, source, path)
    resize(path, size_gb, volume_format)


def from_image_chunks(chunks, disk_format, path, size_gb, volume_format):
    """An image's data (an iterator of bytes) as the volume's file."""
    directory = os.path.dirname(path)
    with tempfile.NamedTemporaryFile(dir=directory, prefix=".image-",
                                     delete=False) as download:
        try:
            for chunk in chunks:
                download.write(chunk)
            download.close()
            known = disk_format if disk_format in ("raw", "qcow2", "vmdk",
                                                   "vdi", "vhd",
                                                   "vhdx") else None
            if known == "vhd":
                known = "vpc"
            convert(download.name, known, path, size_gb, volume_format)
        finally:
            os.unlink(download.name)


def copy(source, source_format, path, size_gb, volume_format):
    """A volume or snapshot file copied into a new volume's file."""
    if source_format == volume_format == "raw":
        subprocess.run(("cp", "--sparse=always", source, path), check=True,
                       capture_output=True)
        resize(path, size_gb, volume_format)
        return
    convert(source, source_format, path, size_gb, volume_format)


def resize(path, size_gb, volume_format):
    """The file grown to size_gb (never shrunk)."""
    if volume_format == "qcow2":
        _qemu_img("resize", "-q", "-f", "qcow2", path, "%dG" % size_gb)
        return
    if os.path.getsize(path) < size_gb * GIB:
        with open(path, "r+b") as volume_file:
            volume_file.truncate(size_gb * GIB)


def remove(path):
    if path and os.path.exists(path):
        os.unlink(path)


def snapshot(source, path):
    """A snapshot: a full sparse copy of the volume's file as it is."""
    try:
        subprocess.run(("cp", "--sparse=always", source, path), check=True,
                       capture_output=True)
    except subprocess.CalledProcessError as exc:
        raise FileError("copy failed: %s" % exc.stderr.decode(
            "utf-8", "replace")) from None


