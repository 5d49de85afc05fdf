"""What every driver reads out of ``connection_info`` and
``block_device_info`` (their shapes: stratus.virt.driver.VolumeAttach).

Device names are Linux's virtio ones: ``/dev/vda`` is the root disk,
volumes take ``/dev/vdb`` onwards. A mountpoint may be given as ``vdb``
or ``/dev/vdb``; the drivers keep ``/dev/vdb``.
"""
import string

from stratus import exception

# The built-in block storage service's volumes: files on this host.
FILE = "file"
ROOT_DEVICE = "/dev/vda"
_PREFIX = "/dev/"


def volume_id(connection_info):
    """The volume's id: Nova's ``serial``, or the built-in service's
    ``data.volume_id``."""
    data = connection_info.get("data") or {}
    return connection_info.get("serial") or data.get("volume_id")


def driver_type(connection_info):
    return connection_info.get("driver_volume_type")


def data(connection_info):
    return connection_info.get("data") or {}


def require_type(connection_info, known):
    """The connection's driver_volume_type, if one of known;
    VolumeDriverNotFound otherwise."""
    kind = driver_type(connection_info)
    if kind not in known:
        raise exception.VolumeDriverNotFound(driver_type=kind)
    return kind


def device_name(mountpoint):
    """``/dev/vdb`` for ``vdb`` or ``/dev/vdb``; None for None or ''."""
    if not mountpoint:
        return None
    name = str(mountpoint)
    return name if name.startswith(_PREFIX) else _PREFIX + name


def target_dev(mountpoint):
    """``vdb`` for ``/dev/vdb`` (libvirt's target dev)."""
    name = device_name(mountpoint)
    return name[len(_PREFIX):] if name else None


def next_free(taken, prefix="vd"):
    """The first ``/dev/<prefix>X`` not in taken (device names), from
    b (a is the root disk); VolumeAttachFailed-worthy None when all 26
    are taken."""
    taken = {device_name(name) for name in taken}
    for letter in string.ascii_lowercase[1:]:
        name = _PREFIX + prefix + letter
        if name not in taken:
            return name
    return None


def mappings(block_device_info):
    """The volume mappings of block_device_info (a list; [] for None)."""
    if not block_device_info:
        return []
    return list(block_device_info.get("block_device_mapping") or ())


def root_mapping(block_device_info):
    """The mapping the guest boots from (boot_index 0), or None when the
    guest has a local root disk."""
    for mapping in mappings(block_device_info):
        if mapping.get("boot_index") in (0, "0"):
            return mapping
    return None


def placed(block_device_info):
    """(device name, mapping) for each volume of block_device_info, the
    root volume at the root device name (or /dev/vda), the others at
    their mount_device or the next free name."""
    result = []
    root = root_mapping(block_device_info)
    if root is not None:
        name = device_name(root.get("mount_device")) or device_name(
            (block_device_info or {}).get("root_device_name")) \
            or ROOT_DEVICE
        result.append((name, root))
    taken = [ROOT_DEVICE] + [name for name, _ in result]
    for mapping in mappings(block_device_info):
        if mapping is root:
            continue
        name = device_name(mapping.get("mount_device"))
        if not name or name in taken:
            name = next_free(taken)
        taken.append(name)
        result.append((name, mapping))
    return result
