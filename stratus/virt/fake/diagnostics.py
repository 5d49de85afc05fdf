"""The fake driver's diagnostics: plausible figures from its simulated
guests. They grow with the time a guest has run (CPU time, the disk's
reads and writes, the traffic of each of its ports), so two looks at
one guest differ as a real guest's would."""
import json
import time

from stratus.virt import diagnostics
from stratus.virt import driver

# What a boot costs (CPU nanoseconds per vCPU, disk bytes read and
# written, DHCP and ARP traffic), then what each second of uptime adds
# (about 2% of each vCPU busy).
_BOOT = {"cpu": 1_500_000_000, "read": 48 * 1024 * 1024,
         "written": 2 * 1024 * 1024, "received": 2_048, "sent": 1_024}
_PER_SECOND = {"cpu": 20_000_000, "read": 4096, "written": 16384,
               "received": 1500, "sent": 600}
# The size of one disk request and one packet.
_REQUEST = 4096
_PACKET = 1000


def _figure(name, uptime):
    return _BOOT[name] + uptime * _PER_SECOND[name]

class DiagnosticsMixin(driver.Diagnostics):
    """Diagnostics of the fake driver's guests (FakeDriver)."""

    def get_instance_diagnostics(self, instance):
        guest = self._guest(instance)
        uptime = max(0, int(time.time() - guest.started))
        vcpus = guest.vcpus or instance.get("vcpus") or 1
        memory_mb = instance.get("memory_mb") or 0
        cpus = [diagnostics.cpu(index, _figure("cpu", uptime), 2)
                for index in range(vcpus)]
        read, written = _figure("read", uptime), _figure("written", uptime)
        disks = [diagnostics.disk(
            "vda", read_bytes=read, read_requests=read // _REQUEST,
            write_bytes=written, write_requests=written // _REQUEST)]
        disks += [diagnostics.disk(name.rsplit("/", 1)[-1])
                  for name in sorted(guest.volumes) if name != "/dev/vda"]
        if instance.get("config_drive"):
            disks.append(diagnostics.disk("sda", read_bytes=65536,
                                          read_requests=16))
        received, sent = _figure("received", uptime), _figure("sent", uptime)
        nics = [diagnostics.nic(
            # libvirt's names of tap devices it names itself
            "vnet%d" % index, vif["address"], rx_octets=received,
            rx_packets=received // _PACKET, tx_octets=sent,
            tx_packets=sent // _PACKET)
            for index, vif in enumerate(
                json.loads(instance.get("info_cache") or "[]"))]
        return diagnostics.build(
            guest.power_state, self.name, self._hypervisor_type.lower(),
            "linux", uptime, instance.get("config_drive"), memory_mb,
            memory_mb // 2, cpus, nics, disks)

