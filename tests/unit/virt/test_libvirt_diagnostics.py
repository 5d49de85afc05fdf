"""The libvirt driver's diagnostics from what libvirt reports of a
domain (info, vCPUs, block and interface statistics of the devices its
definition names), without libvirt: a domain that answers as libvirt's
does. tests/functional/libvirt/test_diagnostics.py asks a real guest."""
import datetime

from stratus.objects import fields
from stratus.objects import instance as instance_obj
from stratus.virt.libvirt import binding
from stratus.virt.libvirt import diagnostics

XML = """<domain type='qemu'><devices>
<disk type='file' device='disk'><target dev='vda' bus='virtio'/></disk>
<disk type='file' device='cdrom'><target dev='sda' bus='sata'/></disk>
<interface type='bridge'><mac address='fa:16:3e:00:00:05'/>
<target dev='tap0b9c4f5e-3c'/></interface>
</devices></domain>"""


class _Domain:
    def info(self):
        # state, max memory (KiB), memory (KiB), vCPUs, CPU time (ns)
        return [1, 131072, 131072, 2, 9_000_000_000]

    def vcpus(self):
        return ([(0, 1, 4_000_000_000, 0), (1, 1, 5_000_000_000, 1)],
                [(True,), (True,)])

    def XMLDesc(self, flags):
        return XML

    def blockStats(self, dev):
        return {"vda": (112, 262144, 488, 5778432, 0),
                "sda": (16, 65536, 0, 0, 0)}[dev]

    def interfaceStats(self, dev):
        assert dev == "tap0b9c4f5e-3c"
        return (2070139, 26701, 1, 2, 140208, 662, 3, 4)


class _Driver(diagnostics.DiagnosticsMixin):
    name = "libvirt"
    virt_type = "qemu"
    _call = staticmethod(binding.call)

    def _domain(self, instance):
        return _Domain()

    def get_power_state(self, instance):
        return fields.PowerState.RUNNING

    def _config_drive_required(self, instance):
        return True


def test_figures_from_libvirt():
    launched = datetime.datetime.now(datetime.timezone.utc) \
        - datetime.timedelta(seconds=120)
    instance = instance_obj.Instance(uuid="u1", launched_at=launched)
    found = _Driver().get_instance_diagnostics(instance)
    assert found["state"] == "running"
    assert (found["driver"], found["hypervisor"],
            found["hypervisor_os"]) == ("libvirt", "qemu", "linux")
    assert 119 <= found["uptime"] <= 125
    assert found["config_drive"] is True
    assert found["memory_details"] == {"maximum": 128, "used": 128}
    assert found["cpu_details"] == [
        {"id": 0, "time": 4_000_000_000, "utilisation": None},
        {"id": 1, "time": 5_000_000_000, "utilisation": None}]
    assert (found["num_cpus"], found["num_disks"], found["num_nics"]) == (
        2, 2, 1)
    assert found["disk_details"][0] == {
        "name": "vda", "read_bytes": 262144, "read_requests": 112,
        "write_bytes": 5778432, "write_requests": 488, "errors_count": 0}
    [nic] = found["nic_details"]
    assert nic == {
        "name": "tap0b9c4f5e-3c", "mac_address": "fa:16:3e:00:00:05",
        "rx_octets": 2070139, "rx_errors": 1, "rx_drop": 2,
        "rx_packets": 26701, "rx_rate": None, "tx_octets": 140208,
        "tx_errors": 3, "tx_drop": 4, "tx_packets": 662, "tx_rate": None}


def test_a_server_never_launched_has_no_uptime():
    found = _Driver().get_instance_diagnostics(
        instance_obj.Instance(uuid="u1", launched_at=None))
    assert found["uptime"] is None
