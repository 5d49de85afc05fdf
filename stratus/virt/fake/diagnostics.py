"""The fake driver's diagnostics: plausible figures from its simulated
guests. They grow with the time a guest has run (CPU time, the disk's
reads and writes, the traffic of each of its ports), so two looks at
one guest differ as a real guest's would."""
import json
import time

from stratus.virt import diagnostics
from stratus.virt import driver

# Per second of uptime: CPU nanoseconds per vCPU (about 2% busy), disk
# bytes read and written, network octets received and sent.
_CPU_NS = 20_000_000
_READ = 4096
_WRITTEN = 16384
_RECEIVED = 1500
_SENT = 600
# The size of one disk request and one packet.
_REQUEST = 4096
_PACKET = 1000


class DiagnosticsMixin(driver.Diagnostics):
    """Diagnostics of the fake driver's guests (FakeDriver)."""

    def get_instance_diagnostics(self, instance):
        guest = self._guest(instance)
        uptime = max(0, int(time.time() - guest.started))
        vcpus = guest.vcpus or instance.get("vcpus") or 1
        memory_mb = instance.get("memory_mb") or 0
        cpus = [diagnostics.cpu(index, uptime * _CPU_NS + index, 2)
                for index in range(vcpus)]
        read, written = uptime * _READ, uptime * _WRITTEN
        disks = [diagnostics.disk(
            "vda", read_bytes=read, read_requests=read // _REQUEST,
            write_bytes=written, write_requests=written // _REQUEST)]
        if instance.get("config_drive"):
            disks.append(diagnostics.disk("sda", read_bytes=65536,
                                          read_requests=16))
        nics = []
        for vif in json.loads(instance.get("info_cache") or "[]"):
            received, sent = uptime * _RECEIVED, uptime * _SENT
            nics.append(diagnostics.nic(
                vif.get("devname") or "tap" + vif["id"][:11],
                vif["address"], rx_octets=received,
                rx_packets=received // _PACKET, tx_octets=sent,
                tx_packets=sent // _PACKET))
        return diagnostics.build(
            guest.power_state, self.name, self._hypervisor_type.lower(),
            "linux", uptime, instance.get("config_drive"), memory_mb,
            memory_mb // 2, cpus, nics, disks)

