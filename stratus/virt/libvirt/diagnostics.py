"""The libvirt driver's diagnostics: what libvirt measures of a running
domain (its info and vCPUs, the block statistics of each disk and the
interface statistics of each NIC its definition names), in Nova's
standard shape (stratus.virt.diagnostics). Uptime counts from the
server's launch, as Nova's libvirt driver counts it."""
import datetime
import xml.etree.ElementTree as ET

from stratus.virt import diagnostics
from stratus.virt import driver
from stratus.exception import LibvirtDriverError


def _devices(xml):
    """([disk target names], [(nic target name, mac)]) of a domain
    definition."""
    root = ET.fromstring(xml)
    disks, nics = [], []
    for disk in root.iter("disk"):
        target = disk.find("target")
        if target is not None and target.get("dev"):
            disks.append(target.get("dev"))
    for interface in root.iter("interface"):
        target, mac = interface.find("target"), interface.find("mac")
        if target is not None and target.get("dev"):
            nics.append((target.get("dev"),
                         mac.get("address") if mac is not None else None))
    return disks, nics


def _uptime(instance):
    launched = instance.get("launched_at")
    if launched is None:
        return None
    now = datetime.datetime.now(launched.tzinfo)
    return max(0, int((now - launched).total_seconds()))


class DiagnosticsMixin(driver.Diagnostics):
    """Diagnostics of libvirt domains (LibvirtDriver)."""

    def get_instance_diagnostics(self, instance):
        domain = self._domain(instance)
        state, max_kib, used_kib, _vcpus, _cpu_time = self._call(domain.info)
        power = self.get_power_state(instance)
        try:
            vcpu_info = self._call(domain.vcpus)[0]
        except LibvirtDriverError:
            vcpu_info = []
        cpus = [diagnostics.cpu(number, cpu_time)
                for number, _state, cpu_time, _host_cpu in vcpu_info]
        disk_names, nic_names = _devices(self._call(domain.XMLDesc, 0))
        disks = []
        for name in disk_names:
            try:
                rd_req, rd_bytes, wr_req, wr_bytes, errors = \
                    self._call(domain.blockStats, name)
            except LibvirtDriverError:
                continue
            disks.append(diagnostics.disk(
                name, read_bytes=rd_bytes, read_requests=rd_req,
                write_bytes=wr_bytes, write_requests=wr_req,
                errors_count=errors))
        nics = []
        for name, mac in nic_names:
            try:
                stats = self._call(domain.interfaceStats, name)
            except LibvirtDriverError:
                continue
            (rx_bytes, rx_packets, rx_errors, rx_drop, tx_bytes, tx_packets,
             tx_errors, tx_drop) = stats
            nics.append(diagnostics.nic(
                name, mac, rx_octets=rx_bytes, rx_errors=rx_errors,
                rx_drop=rx_drop, rx_packets=rx_packets, tx_octets=tx_bytes,
                tx_errors=tx_errors, tx_drop=tx_drop, tx_packets=tx_packets))
        return diagnostics.build(
            power, self.name, self.virt_type, "linux", _uptime(instance),
            self._config_drive_required(instance) or bool(
                instance.get("config_drive")),
            max_kib // 1024, used_kib // 1024, cpus, nics, disks)
