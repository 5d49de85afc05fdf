"""The libvirt domain XML of a Stratus guest.

A q35 machine with a pcie-root and spare root ports (hot-plug needs free
ports), a virtio qcow2 disk, an optional SATA cdrom (the config drive), a
serial console on a pty (or, for the serial console proxy, a TCP
listener on loopback) logged to a file, an optional VNC display on
loopback, further virtio disks for a rescue (the guest's own disk
second), the volumes of the block storage service (file disks with the
volume id as serial: VolumeDisk; a volume-backed guest's root volume is
vda, booted first), an optional QEMU guest agent channel, and bridge NICs
only: a guest
never gets QEMU user-mode networking, whose slirp would forward its
traffic to wherever this machine can reach.
"""
import dataclasses
import xml.etree.ElementTree as ET

METADATA_NAMESPACE = "https://stratus.dev/xmlns/libvirt/instance/1.0"
GUEST_AGENT_CHANNEL = "org.qemu.guest_agent.0"


@dataclasses.dataclass
class VolumeDisk:
    """A volume of the block storage service as a guest's disk: a file
    (or a host block device), its format, the guest's target (vdb ...),
    the volume id as serial (the guest's /dev/disk/by-id/virtio-<id,
    20 characters>), read-only, shareable (multiattach: no host cache,
    several guests write it)."""
    path: str
    format: str
    target: str
    serial: str
    read_only: bool = False
    shareable: bool = False
    block: bool = False
    boot_order: int | None = None


@dataclasses.dataclass
class GuestConfig:
    name: str
    uuid: str
    title: str
    virt_type: str
    memory_mb: int
    vcpus: int
    disk_path: str
    console_log: str
    kernel: str | None = None
    ramdisk: str | None = None
    cmdline: str | None = None
    config_drive: str | None = None
    vifs: list = dataclasses.field(default_factory=list)
    root_ports: int = 10
    hostname: str | None = None
    # Remote consoles: the serial port also listens on (address, port)
    # over raw TCP; a VNC display listens on vnc_listen (port automatic).
    serial_listen: tuple | None = None
    vnc_listen: str | None = None
    # More virtio disks after the first (vdb, vdc, ...): a rescued
    # guest's own disk.
    extra_disks: list = dataclasses.field(default_factory=list)
    # A virtio-serial channel for the QEMU guest agent
    # (hw_qemu_guest_agent).
    guest_agent: bool = False
    # The volumes (VolumeDisk), after the local disks; with disk_path
    # None the guest boots from the one with a boot_order.
    volumes: list = dataclasses.field(default_factory=list)


class UnsafeNetwork(ValueError):
    """A NIC the driver refuses to give a guest."""


def _sub(parent, tag, text=None, **attributes):
    element = ET.SubElement(parent, tag, {key.rstrip("_"): str(value)
                                          for key, value in attributes.items()})
    if text is not None:
        element.text = str(text)
    return element


def domain_xml(config):
    domain = ET.Element("domain", type=config.virt_type)
    _sub(domain, "name", config.name)
    _sub(domain, "uuid", config.uuid)
    _sub(domain, "title", config.title)
    metadata = _sub(domain, "metadata")
    ET.register_namespace("stratus", METADATA_NAMESPACE)
    instance = ET.SubElement(metadata, "{%s}instance" % METADATA_NAMESPACE)
    ET.SubElement(instance, "{%s}hostname" % METADATA_NAMESPACE).text = (
        config.hostname or "")
    _sub(domain, "memory", config.memory_mb, unit="MiB")
    _sub(domain, "vcpu", config.vcpus)
    os_element = _sub(domain, "os")
    _sub(os_element, "type", "hvm", arch="x86_64", machine="q35")
    if config.kernel:
        _sub(os_element, "kernel", config.kernel)
        if config.ramdisk:
            _sub(os_element, "initrd", config.ramdisk)
        if config.cmdline:
            _sub(os_element, "cmdline", config.cmdline)
    elif not any(volume.boot_order for volume in config.volumes):
        _sub(os_element, "boot", dev="hd")
    features = _sub(domain, "features")
    _sub(features, "acpi")
    _sub(features, "apic")
    # TCG emulates a generic CPU; a host CPU model is only valid with KVM
    # (and aborts QEMU under PVM).
    if config.virt_type == "kvm":
        _sub(domain, "cpu", mode="host-passthrough")
    _sub(domain, "clock", offset="utc")
    _sub(domain, "on_poweroff", "destroy")
    _sub(domain, "on_reboot", "restart")
    _sub(domain, "on_crash", "destroy")

    devices = _sub(domain, "devices")
    local = [config.disk_path] if config.disk_path else []
    for index, path in enumerate(local + config.extra_disks):
        disk = _sub(devices, "disk", type="file", device="disk")
        _sub(disk, "driver", name="qemu", type="qcow2")
        _sub(disk, "source", file=path)
        _sub(disk, "target", dev="vd" + "abcdefghijklmnop"[index],
             bus="virtio")
    for volume in config.volumes:
        devices.append(volume_element(volume))
    if config.config_drive:
        cdrom = _sub(devices, "disk", type="file", device="cdrom")
        _sub(cdrom, "driver", name="qemu", type="raw")
        _sub(cdrom, "source", file=config.config_drive)
        _sub(cdrom, "target", dev="sda", bus="sata")
        _sub(cdrom, "readonly")
    _sub(devices, "controller", type="pci", index=0, model="pcie-root")
    for index in range(1, config.root_ports + 1):
        _sub(devices, "controller", type="pci", index=index,
             model="pcie-root-port")
    _sub(devices, "controller", type="usb", model="none")
    for vif in config.vifs:
        devices.append(interface_element(vif))
    serial_type = "tcp" if config.serial_listen else "pty"
    serial = _sub(devices, "serial", type=serial_type)
    console = _sub(devices, "console", type=serial_type)
    if config.serial_listen:
        address, port = config.serial_listen
        for element in (serial, console):
            _sub(element, "source", mode="bind", host=address, service=port)
            _sub(element, "protocol", type="raw")
    _sub(serial, "log", file=config.console_log, append="on")
    _sub(serial, "target", port=0)
    _sub(console, "target", type="serial", port=0)
    if config.vnc_listen:
        graphics = _sub(devices, "graphics", type="vnc", autoport="yes",
                        listen=config.vnc_listen)
        _sub(graphics, "listen", type="address", address=config.vnc_listen)
    if config.guest_agent:
        channel = _sub(devices, "channel", type="unix")
        _sub(channel, "target", type="virtio", name=GUEST_AGENT_CHANNEL)
    _sub(devices, "memballoon", model="none")
    return ET.tostring(domain, encoding="unicode")


def volume_element(volume):
    """The <disk> of a VolumeDisk (what attachDeviceFlags takes)."""
    kind = "block" if volume.block else "file"
    disk = ET.Element("disk", type=kind, device="disk")
    driver = {"name": "qemu", "type": volume.format}
    if volume.shareable:
        driver["cache"] = "none"
    _sub(disk, "driver", **driver)
    _sub(disk, "source", **{"dev" if volume.block else "file": volume.path})
    _sub(disk, "target", dev=volume.target, bus="virtio")
    _sub(disk, "serial", volume.serial)
    if volume.boot_order:
        _sub(disk, "boot", order=volume.boot_order)
    if volume.read_only:
        _sub(disk, "readonly")
    if volume.shareable:
        _sub(disk, "shareable")
    return disk


def volume_xml(volume):
    return ET.tostring(volume_element(volume), encoding="unicode")


def interface_element(vif):
    """A bridge NIC for a VIF of network_info; anything else is refused."""
    if vif.get("type") != "bridge":
        raise UnsafeNetwork("VIF %s has type %r; only bridge VIFs are "
                            "plugged" % (vif.get("id"), vif.get("type")))
    bridge = vif["network"].get("bridge")
    if not bridge:
        raise UnsafeNetwork("VIF %s names no bridge" % vif.get("id"))
    interface = ET.Element("interface", type="bridge")
    _sub(interface, "source", bridge=bridge)
    _sub(interface, "mac", address=vif["address"])
    _sub(interface, "model", type="virtio")
    if vif.get("devname"):
        _sub(interface, "target", dev=vif["devname"])
    return interface


def interface_xml(vif):
    return ET.tostring(interface_element(vif), encoding="unicode")


def assert_safe(xml):
    """No user-mode (slirp) or other host-routed NIC in a domain's XML."""
    root = ET.fromstring(xml)
    for interface in root.iter("interface"):
        if interface.get("type") != "bridge":
            raise UnsafeNetwork("interface of type %r"
                                % interface.get("type"))
    for arg in root.iter("{http://libvirt.org/schemas/domain/qemu/1.0}arg"):
        if "user" in (arg.get("value") or ""):
            raise UnsafeNetwork("QEMU command-line argument %r"
                                % arg.get("value"))
