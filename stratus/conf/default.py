import os
import socket

from oslo_config import cfg
import platformdirs

OPTS = [
    cfg.StrOpt("host", default=socket.gethostname(), sample_default="<hostname>",
               help="Name of this node: the compute host name and the RPC "
                    "topic suffix (compute.<host>)."),
    cfg.StrOpt("state_path", default="",
               help="Directory for the service's persistent state (embedded "
                    "databases, image store, keys). Empty means the "
                    "all-in-one data directory."),
    cfg.StrOpt("compute_driver", default="fake",
               choices=["fake", "libvirt"],
               help="Virt driver the compute service uses."),
    cfg.StrOpt("default_availability_zone", default="nova",
               help="Availability zone of compute hosts not in an aggregate "
                    "with an availability zone."),
    cfg.StrOpt("default_schedule_zone",
               help="Availability zone given to servers created without one. "
                    "None means any zone."),
    cfg.IntOpt("report_interval", default=10, min=1,
               help="Seconds between service heartbeats."),
    cfg.IntOpt("service_down_time", default=60, min=1,
               help="Seconds without a heartbeat after which a service is "
                    "considered down."),
    cfg.IntOpt("max_local_block_devices", default=3, min=-1,
               help="Most local disks (the image's root disk, ephemeral "
                    "and swap disks) a server may be created with; -1 "
                    "means no limit."),
    cfg.BoolOpt("debug", default=False, help="Log at DEBUG level."),
    cfg.StrOpt("log_file", help="Log to this file instead of stderr."),
    cfg.IntOpt("block_device_allocate_retries", default=60, min=0,
               help="Times a compute checks whether a volume it created "
                    "for a server (from an image, snapshot or blank) is "
                    "available before the build fails (Nova's option)."),
    cfg.IntOpt("block_device_allocate_retries_interval", default=3, min=0,
               help="Seconds between those checks."),
    cfg.IntOpt("reimage_timeout_per_gb", default=20, min=1,
               help="Seconds per GiB of a root volume a compute waits for "
                    "the block storage service's volume-reimaged event "
                    "during the rebuild of a volume-backed server (Nova's "
                    "option)."),
]


def state_dir(conf, *parts):
    """A path in [DEFAULT] state_path, or in the per-user data directory
    the all-in-one uses when the option is unset."""
    return os.path.join(conf.state_path or platformdirs.user_data_dir("stratus"),
                        *parts)


def register_opts(conf):
    conf.register_opts(OPTS)


def list_opts():
    return [("DEFAULT", OPTS)]
