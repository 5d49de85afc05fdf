"""The tiny guest: a kernel, an initramfs and a self-booting disk, built
from Debian packages, registered in the image service.

``build(cache_dir)`` makes, in ``cache_dir``:

- ``vmlinux`` (the decompressed kernel: QEMU boots it through PVH, a few
  seconds faster under TCG than the bzImage) and ``vmlinuz``;
- ``initrd.gz``: busybox-static, the virtio, SATA-cdrom, ISO9660 and
  ACPI-button modules of the kernel package (listed in load order), the
  dropbear SSH server (Debian's dropbear-bin with the shared libraries it
  needs), and an /init (``guest_init.sh``) that prints ``STRATUS-GUEST-*``
  markers on the serial console while it configures eth0 by DHCP, reads
  the metadata service and a config drive and starts dropbear for root
  with the first public key;
- ``disk.qcow2``: a FAT16 disk with SYSLINUX holding vmlinuz and the same
  initrd, which boots on its own like a cirros image.

``register(ctx, image_api, artifacts)`` uploads them as ``tiny-kernel``
(aki), ``tiny-ramdisk`` (ari), ``tiny`` (an image with kernel_id and
ramdisk_id, for direct kernel boot) and ``tiny-disk`` (the qcow2); images
already there with the same content are kept.
"""
import dataclasses
import glob
import gzip
import hashlib
import io
import lzma
import os
import shutil
import stat
import subprocess
import tarfile
import tempfile

from stratus.image import exception as image_exception

KERNEL_PACKAGE_DIR = "/var/cache/stratus/guest-kernel"
# The SSH server's packages (downloaded, never installed); the libraries
# dropbear needs that they do not hold (libc, libcrypt, zlib) come from
# this host, Debian like the guest's kernel.
SSH_PACKAGE_DIR = "/var/cache/stratus/guest-ssh"
SSH_PACKAGES = ("dropbear-bin", "libtomcrypt1", "libtommath1")
DROPBEAR = "usr/sbin/dropbear"
HOST_LIBRARY_DIR = "/lib/x86_64-linux-gnu"
BUSYBOX = "/bin/busybox"
DISK_SIZE_MB = 16
KERNEL_COMMAND_LINE = "console=ttyS0 quiet panic=-1"
# Loaded with their dependencies, dependencies first: what networking and
# the power button need at once, the SATA cdrom (config drive) later.
EARLY_MODULES = ["virtio_pci", "virtio_net", "virtio_blk", "evdev", "button"]
# The SATA cdrom and ISO9660 for a config drive; virtio-serial for the
# guest agent's channel.
LATE_MODULES = ["ahci", "sr_mod", "isofs", "virtio_console"]
IMAGE_NAMES = {"kernel": "tiny-kernel", "ramdisk": "tiny-ramdisk",
               "direct": "tiny", "disk": "tiny-disk"}
_HERE = os.path.dirname(os.path.abspath(__file__))


@dataclasses.dataclass(frozen=True)
class Artifacts:
    vmlinux: str
    vmlinuz: str
    initrd: str
    disk: str
    kernel_version: str


# The kernel package -----------------------------------------------------

def _download(names, package_dir):
    os.makedirs(package_dir, exist_ok=True)
    _run(["apt-get", "download", "-qq"] + list(names), cwd=package_dir)


def find_kernel_package(package_dir=KERNEL_PACKAGE_DIR, download=True):
    """The newest linux-image-*-amd64 .deb in package_dir; downloaded with
    `apt-get download` (never installed) when there is none."""
    def newest():
        found = glob.glob(os.path.join(package_dir,
                                       "linux-image-*-amd64_*.deb"))
        return max(found, key=os.path.getmtime) if found else None
    deb = newest()
    if deb is None and download:
        depends = _run(["apt-cache", "depends", "linux-image-amd64"])
        names = [line.split(":", 1)[1].strip()
                 for line in depends.splitlines()
                 if line.strip().startswith("Depends: linux-image-")]
        if not names:
            raise image_exception.TinyImageError(reason="apt-cache does not know "
                                 "linux-image-amd64; run apt-get update")
        _download(names[:1], package_dir)
        deb = newest()
    if deb is None:
        raise image_exception.TinyImageError(reason="no linux-image package in %s"
                             % package_dir)
    return deb


def _kernel_members(deb):
    """(kernel version, {module name: tar member}, vmlinuz member, tar)."""
    data = subprocess.run(["dpkg-deb", "--fsys-tarfile", deb], check=True,
                          capture_output=True).stdout
    archive = tarfile.open(fileobj=io.BytesIO(data))
    modules = {}
    vmlinuz = None
    for member in archive.getmembers():
        name = member.name
        if name.startswith("./boot/vmlinuz-"):
            vmlinuz = member
        elif name.endswith(".ko") and "/kernel/" in name:
            modules[os.path.basename(name)[:-3].replace("-", "_")] = member
    if vmlinuz is None:
        raise image_exception.TinyImageError(reason="%s holds no boot/vmlinuz" % deb)
    version = os.path.basename(vmlinuz.name)[len("vmlinuz-"):]
    return version, modules, vmlinuz, archive


def module_depends(data):
    """Module names a .ko file depends on (its .modinfo 'depends=')."""
    start = data.find(b"\0depends=")
    if start < 0:
        return []
    start += len(b"\0depends=")
    value = data[start:data.index(b"\0", start)].decode("ascii")
    return [name.replace("-", "_") for name in value.split(",") if name]


def modules_in_load_order(wanted, read_module):
    """wanted and everything they depend on, each after its dependencies;
    read_module(name) gives the .ko bytes."""
    order, seen = [], set()

    def visit(name):
        if name in seen:
            return
        seen.add(name)
        for dependency in module_depends(read_module(name)):
            visit(dependency)
        order.append(name)
    for name in wanted:
        visit(name)
    return order


def decompress_kernel(bzimage):
    """The ELF vmlinux inside a bzImage (xz or gzip payload)."""
    for magic, opener in ((b"\xfd7zXZ\x00", _unxz), (b"\x1f\x8b\x08", _gunzip)):
        offset = bzimage.find(magic)
        while offset >= 0:
            try:
                elf = opener(bzimage[offset:])
            except (lzma.LZMAError, OSError, EOFError, ValueError):
                elf = b""
            if elf.startswith(b"\x7fELF"):
                return elf
            offset = bzimage.find(magic, offset + 1)
    raise image_exception.TinyImageError(reason="no compressed ELF kernel in the bzImage")


def _unxz(data):
    return lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(data)


def _gunzip(data):
    return gzip.GzipFile(fileobj=io.BytesIO(data)).read()


# The SSH server -------------------------------------------------------------

def find_ssh_packages(package_dir=SSH_PACKAGE_DIR, download=True):
    """The .debs of SSH_PACKAGES in package_dir, downloaded with
    `apt-get download` (never installed) when one is missing."""
    def found():
        return {name: sorted(glob.glob(os.path.join(
            package_dir, "%s_*_amd64.deb" % name))) for name in SSH_PACKAGES}
    debs = found()
    missing = [name for name, paths in debs.items() if not paths]
    if missing and download:
        _download(missing, package_dir)
        debs = found()
        missing = [name for name, paths in debs.items() if not paths]
    if missing:
        raise image_exception.TinyImageError(
            reason="no %s package in %s" % (", ".join(missing), package_dir))
    return [paths[-1] for paths in debs.values()]


def elf_needs(path):
    """(program interpreter or None, [NEEDED sonames]) of an ELF file."""
    headers = _run(["readelf", "--wide", "--program-headers", "--dynamic",
                    path])
    interpreter = None
    needed = []
    for line in headers.splitlines():
        if "Requesting program interpreter:" in line:
            interpreter = line.split(":", 1)[1].strip(" ]")
        elif "(NEEDED)" in line:
            needed.append(line.split("[", 1)[1].split("]", 1)[0])
    return interpreter, needed


def ssh_server_files(debs, library_dirs=(HOST_LIBRARY_DIR,)):
    """[(initramfs path, bytes, mode)]: dropbear from the unpacked debs
    (`dpkg -x`), the shared libraries it needs, transitively (the debs'
    first, then library_dirs'), and the dynamic loader."""
    with tempfile.TemporaryDirectory() as root:
        for deb in debs:
            _run(["dpkg", "-x", deb, root])
        dropbear = os.path.join(root, DROPBEAR)
        if not os.path.exists(dropbear):
            raise image_exception.TinyImageError(
                reason="%s holds no %s" % (" ".join(debs), DROPBEAR))
        search = [os.path.join(root, "usr/lib/x86_64-linux-gnu"),
                  os.path.join(root, "lib/x86_64-linux-gnu")] + list(
                      library_dirs)
        files = [(DROPBEAR, _read(dropbear), 0o755)]
        interpreter, pending = elf_needs(dropbear)
        # libc names the loader too: loaded first, it answers to its name.
        seen = {os.path.basename(interpreter)} if interpreter else set()
        while pending:
            soname = pending.pop(0)
            if soname in seen:
                continue
            seen.add(soname)
            path = next((os.path.join(directory, soname)
                         for directory in search
                         if os.path.exists(os.path.join(directory, soname))),
                        None)
            if path is None:
                raise image_exception.TinyImageError(
                    reason="%s needs %s, found in none of %s"
                    % (DROPBEAR, soname, ", ".join(search)))
            files.append(("lib/x86_64-linux-gnu/" + soname, _read(path),
                          0o755))
            pending.extend(elf_needs(path)[1])
        if interpreter:
            loader = os.path.basename(interpreter)
            path = next(os.path.join(directory, loader)
                        for directory in search + [os.path.dirname(
                            interpreter)]
                        if os.path.exists(os.path.join(directory, loader)))
            files.append((interpreter.lstrip("/"), _read(path), 0o755))
        return files


def _read(path):
    with open(os.path.realpath(path), "rb") as handle:
        return handle.read()


# The initramfs ------------------------------------------------------------

class Cpio:
    """A newc cpio archive written in memory: no root needed for device
    nodes or ownership."""

    def __init__(self):
        self._out = io.BytesIO()
        self._inode = 1

    def _entry(self, name, mode, data=b"", rdev=(0, 0)):
        encoded = name.encode() + b"\0"
        header = "070701" + "".join("%08X" % value for value in (
            self._inode, mode, 0, 0, 1, 0, len(data), 0, 0,
            rdev[0], rdev[1], len(encoded), 0))
        self._inode += 1
        self._out.write(header.encode() + encoded)
        self._pad()
        self._out.write(data)
        self._pad()

    def _pad(self):
        self._out.write(b"\0" * (-self._out.tell() % 4))

    def directory(self, name):
        self._entry(name, stat.S_IFDIR | 0o755)

    def file(self, name, data, mode=0o644):
        self._entry(name, stat.S_IFREG | mode, data)

    def symlink(self, name, target):
        self._entry(name, stat.S_IFLNK | 0o777, target.encode())

    def char_device(self, name, major, minor):
        self._entry(name, stat.S_IFCHR | 0o600, rdev=(major, minor))

    def finish(self):
        self._entry("TRAILER!!!", 0)
        return self._out.getvalue()


def busybox_applets(busybox=BUSYBOX):
    return _run([busybox, "--list-full"]).split()


def build_initramfs(busybox, applets, modules, late_modules=(),
                    extra_files=()):
    """gzip'd newc initramfs; modules and late_modules are [(name, bytes)]
    in load order (late ones load while the network comes up);
    extra_files [(path, bytes, mode)] (the SSH server's)."""
    archive = Cpio()
    for directory in ("bin", "sbin", "usr", "usr/bin", "usr/sbin", "dev",
                      "etc", "etc/acpi", "etc/acpi/PWRF", "etc/dropbear",
                      "lib", "lib/modules", "lib/x86_64-linux-gnu", "lib64",
                      "mnt", "proc", "root", "run", "sys", "tmp", "var",
                      "var/log"):
        archive.directory(directory)
    archive.char_device("dev/console", 5, 1)
    archive.file("bin/busybox", busybox, 0o755)
    for applet in applets:
        if applet != "bin/busybox" and not applet.startswith("linuxrc"):
            depth = applet.count("/")
            archive.symlink(applet, "../" * depth + "bin/busybox")
    for name, data in list(modules) + list(late_modules):
        archive.file("lib/modules/%s.ko" % name, data)
    for path, listed in (("etc/modules", modules),
                         ("etc/modules.late", late_modules)):
        archive.file(path, "".join(name + "\n" for name, _ in listed)
                     .encode())
    archive.file("etc/acpi/PWRF/00000080", b"#!/bin/sh\npoweroff -f\n", 0o755)
    for path, data, mode in extra_files:
        archive.file(path, data, mode)
    archive.file("etc/hostname", b"localhost\n")
    archive.file("etc/shells", b"/bin/sh\n")
    archive.file("etc/udhcpc.sh", _read_here("guest_udhcpc.sh"), 0o755)
    archive.file("init", _read_here("guest_init.sh"), 0o755)
    return gzip.compress(archive.finish(), compresslevel=9, mtime=0)


def _read_here(name):
    return _read(os.path.join(_HERE, name))


# The self-booting disk ------------------------------------------------------

def build_disk(vmlinuz, initrd, target, size_mb=DISK_SIZE_MB):
    """A qcow2 of a FAT16 filesystem (no partition table) whose boot
    sector is SYSLINUX's: mkfs.vfat, mcopy and `syslinux --install` work
    on the file itself, without loop devices or mounts."""
    with tempfile.TemporaryDirectory(dir=os.path.dirname(target)) as work:
        raw = os.path.join(work, "disk.raw")
        config = os.path.join(work, "syslinux.cfg")
        with open(config, "w") as handle:
            handle.write("DEFAULT linux\nPROMPT 0\nTIMEOUT 0\n"
                         "LABEL linux\n  KERNEL vmlinuz\n  INITRD initrd.gz\n"
                         "  APPEND %s\n" % KERNEL_COMMAND_LINE)
        _run(["mkfs.vfat", "-F", "16", "-n", "STRATUS", "-C", raw,
              str(size_mb * 1024)])
        env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
        _run(["mcopy", "-i", raw, vmlinuz, "::vmlinuz"], env=env)
        _run(["mcopy", "-i", raw, initrd, "::initrd.gz"], env=env)
        _run(["mcopy", "-i", raw, config, "::syslinux.cfg"], env=env)
        _run(["syslinux", "--install", raw])
        _run(["qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw,
              target + ".part"])
        os.replace(target + ".part", target)


# Building and registering -------------------------------------------------

def build(cache_dir, package_dir=KERNEL_PACKAGE_DIR, busybox=BUSYBOX,
          ssh_package_dir=SSH_PACKAGE_DIR):
    """Build (or reuse, when built from the same kernel package) the tiny
    guest's files in cache_dir."""
    for tool in ("dpkg-deb", "readelf", "mkfs.vfat", "mcopy", "syslinux", "qemu-img"):
        if shutil.which(tool) is None:
            raise image_exception.TinyImageError(reason="%s is missing; run "
                                 "tools/install-virt.sh" % tool)
    if not os.path.exists(busybox):
        raise image_exception.TinyImageError(reason="%s is missing (busybox-static)"
                             % busybox)
    os.makedirs(cache_dir, exist_ok=True)
    deb = find_kernel_package(package_dir)
    ssh_debs = find_ssh_packages(ssh_package_dir)
    stamp_path = os.path.join(cache_dir, "built-from")
    stamp = "%s %s %s %s\n" % (os.path.basename(deb), _digest_of(busybox),
                              " ".join(map(os.path.basename, ssh_debs)),
                            hashlib.sha256(_read_here("guest_init.sh")
                                           + _read_here("guest_udhcpc.sh")
                                           + " ".join(EARLY_MODULES
                                                      + LATE_MODULES)
                                           .encode()).hexdigest())
    paths = {name: os.path.join(cache_dir, name)
             for name in ("vmlinux", "vmlinuz", "initrd.gz", "disk.qcow2")}
    if _read_text(stamp_path) == stamp and all(
            os.path.exists(path) for path in paths.values()):
        version = _read_text(os.path.join(cache_dir, "kernel-version"))
        return Artifacts(paths["vmlinux"], paths["vmlinuz"],
                         paths["initrd.gz"], paths["disk.qcow2"],
                         version.strip())

    version, members, vmlinuz_member, archive = _kernel_members(deb)

    def read_module(name):
        if name not in members:
            raise image_exception.TinyImageError(reason="module %s is not in %s"
                                 % (name, deb))
        return archive.extractfile(members[name]).read()
    early = modules_in_load_order(EARLY_MODULES, read_module)
    late = [name for name in modules_in_load_order(
        EARLY_MODULES + LATE_MODULES, read_module) if name not in early]
    bzimage = archive.extractfile(vmlinuz_member).read()
    _write(paths["vmlinuz"], bzimage)
    _write(paths["vmlinux"], decompress_kernel(bzimage))
    with open(busybox, "rb") as handle:
        busybox_binary = handle.read()
    _write(paths["initrd.gz"], build_initramfs(
        busybox_binary, busybox_applets(busybox),
        [(name, read_module(name)) for name in early],
        [(name, read_module(name)) for name in late],
        ssh_server_files(ssh_debs)))
    build_disk(paths["vmlinuz"], paths["initrd.gz"], paths["disk.qcow2"])
    _write(os.path.join(cache_dir, "kernel-version"), version.encode())
    _write(stamp_path, stamp.encode())
    return Artifacts(paths["vmlinux"], paths["vmlinuz"], paths["initrd.gz"],
                     paths["disk.qcow2"], version)


def register(ctx, image_api, artifacts, visibility="public"):
    """Upload the artifacts as the four tiny images; {role: image id}."""
    kernel = _ensure_image(ctx, image_api, IMAGE_NAMES["kernel"],
                           artifacts.vmlinux, "aki", "aki", {}, visibility)
    ramdisk = _ensure_image(ctx, image_api, IMAGE_NAMES["ramdisk"],
                            artifacts.initrd, "ari", "ari", {}, visibility)
    from stratus.image import bootstrap
    root = _ensure_image(
        ctx, image_api, IMAGE_NAMES["direct"], None, "qcow2", "bare",
        {"kernel_id": kernel, "ramdisk_id": ramdisk,
         "os_command_line": KERNEL_COMMAND_LINE,
         "hw_machine_type": "q35", "hw_qemu_guest_agent": "true"},
        visibility, data=bootstrap.empty_qcow2(64 * 1024 ** 2))
    disk = _ensure_image(ctx, image_api, IMAGE_NAMES["disk"],
                         artifacts.disk, "qcow2", "bare",
                         {"hw_machine_type": "q35",
                          "hw_qemu_guest_agent": "true"}, visibility)
    return {"kernel": kernel, "ramdisk": ramdisk, "direct": root,
            "disk": disk}


def _ensure_image(ctx, image_api, name, path, disk_format, container_format,
                  properties, visibility, data=None):
    """The id of an active image called name with this content and these
    properties, uploading a new one when there is none."""
    if data is None:
        with open(path, "rb") as handle:
            data = handle.read()
    checksum = hashlib.md5(data, usedforsecurity=False).hexdigest()
    for image in image_api.list(ctx, name=name, status="active"):
        if image.get("checksum") == checksum and all(
                image.get(key) == value for key, value in properties.items()):
            return image["id"]
    image = image_api.create(
        ctx, name=name, disk_format=disk_format,
        container_format=container_format, visibility=visibility,
        **properties)
    image_api.upload(ctx, image["id"], data)
    return image["id"]


def _digest_of(path):
    return hashlib.sha256(_read(path)).hexdigest()


def _read_text(path):
    try:
        with open(path) as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def _write(path, data):
    with open(path + ".part", "wb") as handle:
        handle.write(data)
    os.replace(path + ".part", path)


def _run(command, **kwargs):
    try:
        return subprocess.run(command, check=True, capture_output=True,
                              text=True, **kwargs).stdout
    except FileNotFoundError as error:
        raise image_exception.TinyImageError(reason="%s is not installed" % command[0]) \
            from error
    except subprocess.CalledProcessError as error:
        raise image_exception.TinyImageError(reason="%s failed: %s" % (
            " ".join(command), (error.stderr or error.stdout).strip())) \
            from error
