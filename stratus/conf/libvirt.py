"""[libvirt]: the driver for real QEMU guests (compute_driver = libvirt)."""
from oslo_config import cfg

LIBVIRT_OPTS = [
    cfg.StrOpt("virt_type", default="qemu", choices=["qemu", "kvm"],
               help="qemu: software emulation (TCG), works everywhere. "
                    "kvm: hardware acceleration, refused unless the CPU "
                    "has vmx/svm and /dev/kvm is not the PVM flavour "
                    "(kvm_pvm), under which stock kernels hang."),
    cfg.StrOpt("connection_uri", default="",
               help="libvirt URI; empty means qemu:///system."),
    cfg.StrOpt("instances_path", default="",
               help="Directory of the instance directories and the image "
                    "cache (_base). QEMU runs as libvirt-qemu, so every "
                    "parent must be traversable by others. Empty means "
                    "/var/lib/stratus/instances."),
    cfg.StrOpt("domain_prefix", default="stratus-",
               help="Domain names are this prefix followed by the "
                    "instance UUID; only domains with it are Stratus's."),
    cfg.IntOpt("pcie_root_ports", default=10, min=1,
               help="Spare PCIe root ports per q35 guest: hot-plugging a "
                    "NIC or disk needs a free one."),
    cfg.IntOpt("shutdown_timeout", default=60, min=0,
               help="Seconds a guest gets to power off after an ACPI "
                    "power-button press before it is destroyed."),
    cfg.BoolOpt("force_config_drive", default=False,
                help="Give every guest a config drive, not only those "
                     "created with config_drive: true."),
    cfg.IntOpt("device_detach_timeout", default=30, min=1,
               help="Seconds a running guest gets to release a volume "
                    "being detached (PCIe hot-unplug needs the guest's "
                    "answer, about 5 s) before the detach fails; the "
                    "unplug request is repeated during that time."),
]


def register_opts(conf):
    conf.register_opts(LIBVIRT_OPTS, group="libvirt")


def list_opts():
    return [("libvirt", LIBVIRT_OPTS)]
