"""A guest's diagnostics as every driver reports them: Nova's standard
diagnostics (the shape of GET /servers/{id}/diagnostics from 2.48), plus
the device names ("vda", "tap...") by which the 2.1 shape keys the same
figures. Primitives only: the result crosses compute RPC as it is.

The API (stratus/api/compute/server_diagnostics.py) shows the standard
part at 2.48 and derives the 2.1 shape from the same figures.
"""
from stratus.objects import fields

PowerState = fields.PowerState

# Nova's names of the power states, as diagnostics show them.
STATE_NAMES = {
    PowerState.NOSTATE: "pending", PowerState.RUNNING: "running",
    PowerState.PAUSED: "paused", PowerState.SHUTDOWN: "shutdown",
    PowerState.CRASHED: "crashed", PowerState.SUSPENDED: "suspended",
}


def cpu(cpu_id, time_ns, utilisation=None):
    return {"id": cpu_id, "time": time_ns, "utilisation": utilisation}


def nic(name, mac_address, rx_octets=0, rx_errors=0, rx_drop=0,
        rx_packets=0, tx_octets=0, tx_errors=0, tx_drop=0, tx_packets=0):
    """One NIC's counters (rx_rate and tx_rate: no driver measures
    rates, as in Nova's libvirt driver)."""
    return {"name": name, "mac_address": mac_address,
            "rx_octets": rx_octets, "rx_errors": rx_errors,
            "rx_drop": rx_drop, "rx_packets": rx_packets, "rx_rate": None,
            "tx_octets": tx_octets, "tx_errors": tx_errors,
            "tx_drop": tx_drop, "tx_packets": tx_packets, "tx_rate": None}


def disk(name, read_bytes=0, read_requests=0, write_bytes=0,
         write_requests=0, errors_count=0):
    return {"name": name, "read_bytes": read_bytes,
            "read_requests": read_requests, "write_bytes": write_bytes,
            "write_requests": write_requests, "errors_count": errors_count}


def build(power_state, driver, hypervisor, hypervisor_os, uptime,
          config_drive, memory_maximum_mb, memory_used_mb, cpus, nics,
          disks):
    """The diagnostics of one guest; cpus, nics and disks are lists of
    what cpu(), nic() and disk() make."""
    return {
        "state": STATE_NAMES.get(power_state, "pending"),
        "driver": driver, "hypervisor": hypervisor,
        "hypervisor_os": hypervisor_os, "uptime": uptime,
        "config_drive": bool(config_drive),
        "num_cpus": len(cpus), "num_nics": len(nics),
        "num_disks": len(disks),
        "memory_details": {"maximum": memory_maximum_mb,
                           "used": memory_used_mb},
        "cpu_details": list(cpus), "nic_details": list(nics),
        "disk_details": list(disks),
    }

