"""The libvirt driver's pieces that need no libvirtd: domain XML, KVM
detection, host resources, the bridge's firewall."""
import xml.etree.ElementTree as ET

import pytest

from stratus.network import builtin
from stratus.network import model as network_model
from stratus.virt.libvirt import guest_xml
from stratus.virt.libvirt import host
from stratus import exception


def _vif(kind="bridge"):
    vif = network_model.bridge_vif(
        "8f1c0d6e-2b3a-4c5d-9e8f-7a6b5c4d3e2f", "fa:16:3e:01:02:03",
        "10.253.0.2", "net", "stratus-br0", "private", "10.253.0.0/24",
        "10.253.0.1", "demo")
    vif["type"] = kind
    return vif


def _config(**values):
    defaults = dict(name="stratus-u1", uuid="0a1b2c3d-0000-4000-8000-000000000001",
                    title="vm1", virt_type="qemu", memory_mb=128, vcpus=1,
                    disk_path="/i/u1/disk", console_log="/i/u1/console.log",
                    vifs=[_vif()], root_ports=10, hostname="vm1")
    defaults.update(values)
    return guest_xml.GuestConfig(**defaults)


def test_q35_guest_with_spare_root_ports_and_a_bridge_nic():
    root = ET.fromstring(guest_xml.domain_xml(_config()))
    assert root.get("type") == "qemu"
    assert root.find("os/type").get("machine") == "q35"
    assert root.find("os/boot").get("dev") == "hd"
    models = [c.get("model") for c in root.iter("controller")
              if c.get("type") == "pci"]
    assert models == ["pcie-root"] + ["pcie-root-port"] * 10
    interface = root.find("devices/interface")
    assert interface.get("type") == "bridge"
    assert interface.find("source").get("bridge") == "stratus-br0"
    assert interface.find("target").get("dev") == "tap8f1c0d6e-2b"
    log = root.find("devices/serial/log")
    assert log.get("file") == "/i/u1/console.log"
    assert root.find("memory").text == "128"
    # Under TCG no host CPU model (it aborts QEMU under PVM).
    assert root.find("cpu") is None


def test_direct_kernel_boot_and_config_drive():
    root = ET.fromstring(guest_xml.domain_xml(_config(
        kernel="/b/k", ramdisk="/b/r", cmdline="console=ttyS0",
        config_drive="/i/u1/disk.config")))
    assert root.find("os/kernel").text == "/b/k"
    assert root.find("os/initrd").text == "/b/r"
    assert root.find("os/cmdline").text == "console=ttyS0"
    assert root.find("os/boot") is None
    cdrom = [d for d in root.iter("disk") if d.get("device") == "cdrom"][0]
    assert cdrom.find("target").get("bus") == "sata"
    assert cdrom.find("readonly") is not None


def test_kvm_guests_get_the_host_cpu():
    root = ET.fromstring(guest_xml.domain_xml(_config(virt_type="kvm")))
    assert root.find("cpu").get("mode") == "host-passthrough"


@pytest.mark.parametrize("kind", ["user", "ethernet", "network", None])
def test_only_bridge_nics_are_plugged(kind):
    with pytest.raises(guest_xml.UnsafeNetwork):
        guest_xml.domain_xml(_config(vifs=[_vif(kind)]))


def test_user_networking_in_xml_is_refused():
    with pytest.raises(guest_xml.UnsafeNetwork):
        guest_xml.assert_safe("<domain><devices><interface type='user'/>"
                              "</devices></domain>")
    guest_xml.assert_safe(guest_xml.domain_xml(_config()))


def test_kvm_is_refused_under_pvm_and_without_vmx(tmp_path):
    dev_kvm = tmp_path / "kvm"
    dev_kvm.write_text("")
    modules = tmp_path / "module"
    (modules / "kvm").mkdir(parents=True)
    assert host.kvm_problem({"vmx"}, str(modules), str(dev_kvm)) is None
    assert "vmx" in host.kvm_problem({"sse2"}, str(modules), str(dev_kvm))
    (modules / "kvm_pvm").mkdir()
    assert "PVM" in host.kvm_problem({"vmx"}, str(modules), str(dev_kvm))
    assert "does not exist" in host.kvm_problem(
        {"vmx"}, str(modules), str(tmp_path / "missing"))


def test_host_memory_comes_from_meminfo(tmp_path):
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       24683364 kB\nMemFree: 1 kB\n")
    assert host.memory_mb(str(meminfo)) == 24104


def test_the_bridge_forwards_nothing_and_guests_reach_only_dhcp_and_metadata():
    rules = builtin.nft_ruleset("stratus_br0", "stratus-br0",
                                "169.254.169.254", 80)
    forward = rules.split("chain forward")[1].split("chain input")[0]
    # Routed off the bridge, either way (bridged traffic between its own
    # ports, which br_netfilter shows this hook too, is the guests').
    assert 'iifname "stratus-br0" oifname != "stratus-br0" drop' in forward
    assert 'oifname "stratus-br0" iifname != "stratus-br0" drop' in forward
    incoming = rules.split("chain input")[1]
    assert 'iifname "stratus-br0" udp dport 67 accept' in incoming
    assert ('iifname "stratus-br0" ip daddr 169.254.169.254 tcp dport 80 '
            'accept') in incoming
    assert incoming.strip().splitlines()[-3].strip() == \
        'iifname "stratus-br0" drop'


def test_without_the_binding_the_driver_says_what_to_install(conf,
                                                              monkeypatch):
    from stratus.virt import loader as virt_loader
    from stratus.virt.libvirt import driver as libvirt_driver
    monkeypatch.setattr(libvirt_driver, "libvirt", None)
    conf.set_override("compute_driver", "libvirt")
    with pytest.raises(exception.DriverNotAvailable) as raised:
        virt_loader.load_driver(conf, "cmp1")
    assert "install-virt.sh" in str(raised.value)


def _meta(disk_format):
    from stratus.objects import image_meta
    return image_meta.ImageMeta(id="0a1b2c3d-0000-4000-8000-00000000000a",
                                disk_format=disk_format)


def test_images_must_hold_what_they_declare_and_nothing_else():
    from stratus.virt.libvirt import guest_setup
    check = guest_setup.checked_format
    assert check("u", "i", _meta("qcow2"), {"format": "qcow2"}) == "qcow2"
    assert check("u", "i", _meta("aki"), {"format": "raw"}) == "raw"
    for meta, info in (
            (_meta("raw"), {"format": "qcow2"}),
            (_meta("qcow2"), {"format": "vmdk"}),
            (_meta("qcow2"), {"format": "qcow2",
                              "backing-filename": "/etc/shadow"}),
            (_meta("qcow2"), {"format": "qcow2", "format-specific": {
                "data": {"data-file": "/dev/sda"}}})):
        with pytest.raises(exception.SpawnFailed):
            check("u", "i", meta, info)


def test_the_hostname_on_the_kernel_command_line_is_one_word():
    from stratus.virt.libvirt import guest_setup
    assert guest_setup._hostname_word("vm-1") == "vm-1"
    assert guest_setup._hostname_word("My VM init=/bin/sh") == \
        "myvminitbinsh"
    assert guest_setup._hostname_word(None) == "guest"


def test_consoles_listen_on_loopback_only_when_enabled():
    root = ET.fromstring(guest_xml.domain_xml(_config()))
    assert root.find("devices/serial").get("type") == "pty"
    assert root.find("devices/graphics") is None

    root = ET.fromstring(guest_xml.domain_xml(_config(
        serial_listen=("127.0.0.1", 10042), vnc_listen="127.0.0.1")))
    serial = root.find("devices/serial")
    assert serial.get("type") == "tcp"
    assert serial.find("source").attrib == {
        "mode": "bind", "host": "127.0.0.1", "service": "10042"}
    assert serial.find("protocol").get("type") == "raw"
    # The console log is still written while nobody is connected.
    assert serial.find("log").get("file") == "/i/u1/console.log"
    assert root.find("devices/console").get("type") == "tcp"
    graphics = root.find("devices/graphics")
    assert (graphics.get("type"), graphics.get("listen"),
            graphics.get("autoport")) == ("vnc", "127.0.0.1", "yes")
    assert graphics.find("listen").get("address") == "127.0.0.1"


def test_a_rescue_guest_has_its_own_disk_second_and_agents_a_channel():
    root = ET.fromstring(guest_xml.domain_xml(_config(
        disk_path="/i/u1/disk.rescue", extra_disks=["/i/u1/disk"],
        guest_agent=True)))
    disks = [(d.find("source").get("file"), d.find("target").get("dev"))
             for d in root.iter("disk")]
    assert disks == [("/i/u1/disk.rescue", "vda"), ("/i/u1/disk", "vdb")]
    [channel] = root.iter("channel")
    assert channel.find("target").get("name") == "org.qemu.guest_agent.0"
    assert list(ET.fromstring(guest_xml.domain_xml(_config())).iter(
        "channel")) == []


def test_the_libvirt_driver_declares_what_libvirt_and_qemu_do():
    from stratus.virt import driver as virt_driver
    from stratus.virt.libvirt import driver as libvirt_driver
    declared = sorted(
        name for name, interface in virt_driver.CAPABILITIES.items()
        if issubclass(libvirt_driver.LibvirtDriver, interface))
    # Not the fake driver's simulations (guest_recovery,
    # simulated_networking).
    assert declared == [
        "admin_password", "console", "crash_dump", "diagnostics",
        "image_cache", "interface_hotplug", "migrate", "network_injection", "pause",
        "port_agent", "power", "remote_consoles", "rescue", "snapshot",
        "suspend", "uptime", "volume_attach"]
