"""The tiny guest builder's pieces that need no packages."""
import gzip
import lzma
import shutil
import subprocess

import pytest

from stratus.image import tiny
from stratus.image import exception as image_exception


def _ko(depends):
    return b"\x7fELF junk\0license=GPL\0depends=%s\0vermagic=6.1\0" % (
        depends.encode())


def test_module_depends_reads_modinfo():
    assert tiny.module_depends(_ko("virtio,virtio-ring")) == [
        "virtio", "virtio_ring"]
    assert tiny.module_depends(_ko("")) == []
    assert tiny.module_depends(b"no modinfo") == []


def test_modules_come_after_their_dependencies():
    modules = {"virtio_net": _ko("net_failover,virtio,virtio_ring"),
               "net_failover": _ko("failover"), "failover": _ko(""),
               "virtio": _ko(""), "virtio_ring": _ko(""),
               "virtio_blk": _ko("virtio,virtio_ring")}
    order = tiny.modules_in_load_order(["virtio_net", "virtio_blk"],
                                       modules.__getitem__)
    assert sorted(order) == sorted(modules)
    for name, data in modules.items():
        for dependency in tiny.module_depends(data):
            assert order.index(dependency) < order.index(name)


def test_decompress_kernel_finds_the_elf_payload():
    elf = b"\x7fELF" + bytes(range(256)) * 64
    bzimage = b"MZ setup code \x1f\x8b\x08 not gzip" + lzma.compress(
        elf, format=lzma.FORMAT_XZ) + b"trailer"
    assert tiny.decompress_kernel(bzimage) == elf


def test_decompress_kernel_without_payload_fails():
    with pytest.raises(image_exception.TinyImageError):
        tiny.decompress_kernel(b"MZ nothing here")


@pytest.mark.skipif(shutil.which("cpio") is None, reason="cpio not installed")
def test_initramfs_is_a_newc_archive_cpio_reads(tmp_path):
    data = tiny.build_initramfs(b"#!busybox", ["bin/sh", "usr/bin/wget"],
                                [("virtio", b"ko-bytes")])
    listing = subprocess.run(["cpio", "-itv"], input=gzip.decompress(data),
                             capture_output=True, check=True).stdout.decode()
    assert "dev/console" in listing
    assert "init" in listing.split()
    assert "bin/sh -> ../bin/busybox" in listing
    assert "usr/bin/wget -> ../../bin/busybox" in listing
    assert "lib/modules/virtio.ko" in listing


def test_initramfs_holds_the_extra_files():
    data = tiny.build_initramfs(b"#!busybox", [], [], extra_files=[
        ("usr/sbin/dropbear", b"elf", 0o755)])
    listing = subprocess.run(["cpio", "-itv"], input=gzip.decompress(data),
                             capture_output=True, check=True).stdout.decode()
    assert "-rwxr-xr-x" in [line.split()[0] for line in listing.splitlines()
                            if line.endswith("usr/sbin/dropbear")]
    for path in ("etc/dropbear", "root", "etc/shells"):
        assert path in listing.split()


@pytest.mark.skipif(shutil.which("readelf") is None, reason="no readelf")
def test_elf_needs_names_the_loader_and_libraries():
    interpreter, needed = tiny.elf_needs("/bin/ls")
    assert interpreter == "/lib64/ld-linux-x86-64.so.2"
    assert "libc.so.6" in needed


def test_ssh_server_files_from_the_downloaded_packages():
    try:
        debs = tiny.find_ssh_packages(download=False)
    except image_exception.TinyImageError as error:
        pytest.skip(error.format_message())
    files = {path: mode for path, _, mode in tiny.ssh_server_files(debs)}
    assert files[tiny.DROPBEAR] == 0o755
    assert "lib64/ld-linux-x86-64.so.2" in files
    # The loader once (libc names it too), the libraries dropbear needs.
    assert "lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" not in files
    for library in ("libc.so.6", "libtomcrypt.so.1", "libtommath.so.1",
                    "libz.so.1", "libcrypt.so.1"):
        assert "lib/x86_64-linux-gnu/" + library in files
