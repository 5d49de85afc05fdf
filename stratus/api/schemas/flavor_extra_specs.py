"""Request schemas of /flavors/{id}/os-extra_specs and, from 2.86, the
validation of extra specs Stratus knows.

Known specs are a table: name pattern (``{group}`` and ``{id}``-style
parameters already expanded to regexes) -> value rule. A spec whose
namespace (the part before the first ':') is known but whose name is not
is rejected; specs in other namespaces are the operator's business.
"""
import copy
import re

from stratus.api.schemas import common
from stratus import exception

create = {
    "type": "object",
    "properties": {"extra_specs": common.metadata(("string", "number"))},
    "required": ["extra_specs"],
    "additionalProperties": False,
}

update = copy.deepcopy(common.metadata(("string", "number")))
update.update(minProperties=1, maxProperties=1)

_CPU_SET = r"\^?\d+((-\d+)?(,\^?\d+(-\d+)?)?)*"
_GROUP = r"([a-zA-Z0-9_-]{1,64})?"
_SHARES_LEVEL = ("custom", "high", "normal", "low")


def _bool():
    return ("bool", None)


def _int(minimum=None, maximum=None):
    return ("int", (minimum, maximum))


def _enum(*values):
    return ("enum", values)


def _pattern(regex):
    return ("pattern", regex)


def _any():
    return ("any", None)


_HW = {
    "cpu_realtime": _bool(),
    "cpu_realtime_mask": _pattern(r"(\^)?\d+((-\d+)?(,\^?\d+(-\d+)?)?)*"),
    "hide_hypervisor_id": _bool(),
    "cpu_policy": _enum("dedicated", "shared", "mixed"),
    "cpu_thread_policy": _enum("prefer", "isolate", "require"),
    "emulator_threads_policy": _enum("isolate", "share"),
    "cpu_dedicated_mask": _pattern(_CPU_SET),
    "mem_page_size": _pattern(r"(large|small|any|\d+([kKMGT]i?)?(b|bit|B)?)"),
    "numa_nodes": _int(1),
    r"numa_cpus\.\d+": _pattern(_CPU_SET),
    r"numa_mem\.\d+": _int(1),
    "pci_numa_affinity_policy": _enum("required", "preferred", "legacy",
                                      "socket"),
    "cpu_sockets": _int(1),
    "cpu_cores": _int(1),
    "cpu_threads": _int(1),
    "cpu_max_sockets": _int(1),
    "cpu_max_cores": _int(1),
    "cpu_max_threads": _int(1),
    "max_cpu_sockets": _int(1),
    "max_cpu_cores": _int(1),
    "max_cpu_threads": _int(1),
    "boot_menu": _bool(),
    "mem_encryption": _bool(),
    "mem_encryption_model": _enum("amd-sev", "amd-sev-es"),
    "locked_memory": _bool(),
    "pmem": _pattern(r"([a-zA-Z0-9_]+(,)?)+"),
    "pmu": _bool(),
    "serial_port_count": _int(0),
    "tpm_model": _enum("tpm-tis", "tpm-crb"),
    "tpm_version": _enum("1.2", "2.0"),
    "tpm_secret_security": _enum("user", "host", "deployment"),
    "watchdog_action": _enum("none", "pause", "poweroff", "reset",
                             "disabled"),
    "vif_multiqueue_enabled": _bool(),
    "viommu_model": _enum("intel", "smmuv3", "virtio", "auto"),
    "virtio_packed_ring": _bool(),
    "sound_model": _any(),
    "usb_model": _any(),
    "redirected_usb_ports": _int(0, 15),
    "ephemeral_encryption": _bool(),
    "ephemeral_encryption_format": _enum("luks", "plain"),
    "maxphysaddr_mode": _enum("passthrough", "emulate"),
    "maxphysaddr_bits": _int(1),
}

_QUOTA = {
    "cpu_shares": _int(0), "cpu_period": _int(0), "cpu_quota": _int(),
    "cpu_limit": _int(0), "cpu_reservation": _int(0),
    "memory_limit": _int(0), "memory_reservation": _int(0),
    "disk_io_limit": _int(0), "disk_io_reservation": _int(0),
    "vif_limit": _int(0), "vif_reservation": _int(0),
    r"(cpu|memory|disk_io|vif)_shares_level": _enum(*_SHARES_LEVEL),
    r"(cpu|memory|disk_io|vif)_shares_share": _int(0),
    r"disk_(read|write|total)_(bytes|iops)_sec": _int(0),
    r"disk_(read|write|total)_(bytes|iops)_sec_max": _int(0),
    "disk_total_iops_sec_max_length": _int(0),
    r"vif_(inbound|outbound)_(average|peak|burst)": _int(0),
}

KNOWN_SPECS = dict(
    {"hw:" + name: rule for name, rule in _HW.items()},
    **{"quota:" + name: rule for name, rule in _QUOTA.items()},
    **{
        "hw_rng:allowed": _bool(),
        "hw_rng:rate_bytes": _int(0),
        "hw_rng:rate_period": _int(0),
        "hw_video:ram_max_mb": _int(0),
        "os:secure_boot": _enum("disabled", "required"),
        "resources%s:[A-Z0-9_]+" % _GROUP: _int(0),
        "trait%s:[A-Z0-9_]+" % _GROUP: _enum("required", "forbidden"),
        "pci_passthrough:alias": _pattern(
            r"[^:]+:\d+(\s*,\s*[^:]+:\d+)*"),
        "accel:device_profile": _any(),
        "vmware:hw_version": _any(),
        "vmware:storage_policy": _any(),
        "capabilities:.+": _any(),
        "aggregate_instance_extra_specs:.+": _any(),
        "hide_hypervisor_id": _bool(),
        "group_policy": _enum("isolate", "none"),
    })

KNOWN_NAMESPACES = [pattern.split(":", 1)[0] for pattern in KNOWN_SPECS
                    if ":" in pattern]

_TRUE = ("1", "t", "true", "on", "y", "yes")
_FALSE = ("0", "f", "false", "off", "n", "no")


def _fail(detail):
    raise exception.ValidationError("Validation failed; %s" % detail)


def _check_value(kind, constraint, value):
    if kind == "bool" and value.strip().lower() not in _TRUE + _FALSE:
        _fail("'%s' is not a valid boolean-like value." % value)
    elif kind == "enum" and value not in constraint:
        _fail("'%s' is not one of: %s." % (value, ", ".join(constraint)))
    elif kind == "pattern" and not re.fullmatch(constraint, value):
        _fail("'%s' is not of the format '%s'." % (value, constraint))
    elif kind == "int":
        try:
            number = int(value)
        except ValueError:
            _fail("'%s' is not a valid integer value." % value)
        minimum, maximum = constraint
        if maximum is not None and number > maximum:
            _fail("'%s' is greater than the max value of '%s'."
                  % (value, maximum))
        if minimum is not None and number < minimum:
            _fail("'%s' is less than the min value of '%s'."
                  % (value, minimum))


def validate_extra_spec(name, value):
    """Check a spec against the known ones (2.86 and later)."""
    value = str(value)
    for pattern, (kind, constraint) in KNOWN_SPECS.items():
        if re.fullmatch(pattern, name):
            _check_value(kind, constraint, value)
            return
    if ":" not in name:
        return
    namespace = name.split(":", 1)[0]
    if any(re.fullmatch(known, namespace) for known in KNOWN_NAMESPACES):
        _fail("extra spec '%s' does not appear to be a valid extra spec."
              % name)
