"""What this host offers guests: acceleration, CPUs, memory, disk."""
import json
import os
import platform


def cpu_flags(cpuinfo="/proc/cpuinfo"):
    try:
        with open(cpuinfo) as handle:
            for line in handle:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def kvm_problem(flags=None, sys_module="/sys/module", dev_kvm="/dev/kvm"):
    """Why KVM cannot run stock guests here, or None when it can.

    PVM's /dev/kvm (module kvm_pvm) exists without vmx/svm: guests with
    a stock kernel hang under it, and a host CPU model aborts QEMU."""
    flags = cpu_flags() if flags is None else flags
    if not os.path.exists(dev_kvm):
        return "%s does not exist" % dev_kvm
    if os.path.isdir(os.path.join(sys_module, "kvm_pvm")):
        return "/dev/kvm is PVM (module kvm_pvm), which stock guests hang on"
    if not flags & {"vmx", "svm"}:
        return "the CPU has neither vmx nor svm"
    return None


def memory_mb(meminfo="/proc/meminfo"):
    """Host memory from /proc/meminfo (libvirt's getInfo() reports one
    NUMA node's, a third of it on some machines)."""
    with open(meminfo) as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    raise ValueError("no MemTotal in %s" % meminfo)


def disk_gb(path):
    stats = os.statvfs(path)
    return stats.f_blocks * stats.f_frsize // 1024 ** 3


def cpu_info(flags=None):
    flags = cpu_flags() if flags is None else flags
    vendor, model = "unknown", "unknown"
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "vendor_id":
                    vendor = value.strip()
                elif key == "model name":
                    model = value.strip()
                    break
    except OSError:
        pass
    count = os.cpu_count() or 1
    return json.dumps({
        "arch": platform.machine(), "model": model, "vendor": vendor,
        "topology": {"sockets": 1, "cores": count, "threads": 1},
        "features": sorted(flags)})
