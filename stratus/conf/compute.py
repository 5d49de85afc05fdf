from oslo_config import cfg

COMPUTE_OPTS = [
    cfg.FloatOpt("cpu_allocation_ratio", default=4.0, min=0.0,
                 help="Virtual CPUs per physical CPU reported to placement."),
    cfg.FloatOpt("ram_allocation_ratio", default=1.0, min=0.0,
                 help="Virtual RAM per physical RAM reported to placement."),
    cfg.FloatOpt("disk_allocation_ratio", default=1.0, min=0.0,
                 help="Virtual disk per physical disk reported to placement."),
    cfg.IntOpt("reserved_host_memory_mb", default=512, min=0,
               help="Memory kept back for the host."),
    cfg.IntOpt("reserved_host_disk_mb", default=0, min=0,
               help="Disk kept back for the host."),
    cfg.IntOpt("reserved_host_cpus", default=0, min=0,
               help="CPUs kept back for the host."),
    cfg.IntOpt("update_resources_interval", default=60, min=1,
               help="Seconds between resource tracker updates."),
    cfg.IntOpt("sync_power_state_interval", default=600,
               help="Seconds between power state syncs; -1 disables."),
    cfg.IntOpt("reclaim_instance_interval", default=0,
               help="Seconds a deleted server stays SOFT_DELETED (and may "
                    "be restored) before its compute reclaims it; 0 makes "
                    "delete immediate."),
    cfg.IntOpt("shelved_offload_time", default=0, min=-1,
               help="Seconds a shelved server keeps its guest and its "
                    "resources on its host before the compute offloads "
                    "it (SHELVED_OFFLOADED); 0 offloads at once, -1 "
                    "never."),
    cfg.IntOpt("shelved_poll_interval", default=3600,
               help="Seconds between the compute's checks for shelved "
                    "servers due to be offloaded; 0 or less disables."),
    cfg.IntOpt("resize_confirm_window", default=0, min=0,
               help="Seconds a resized or cold-migrated server waits in "
                    "VERIFY_RESIZE before its destination compute confirms "
                    "it; 0 waits for the user."),
    cfg.BoolOpt("allow_resize_to_same_host", default=False,
                help="A resize may pick the server's own host (a cold "
                     "migration never does)."),
    cfg.BoolOpt("enable_instance_password", default=True,
                help="Return the server's admin password in create, "
                     "rebuild and rescue responses."),
    cfg.HostAddressOpt("my_ip", default="127.0.0.1",
                       help="IP address of this host, reported as the "
                            "host_ip of its hypervisors."),
    cfg.StrOpt("internal_service_availability_zone", default="internal",
               help="Availability zone shown for services other than "
                    "nova-compute (conductor, scheduler)."),
    cfg.IntOpt("heal_instance_info_cache_interval", default=60,
               help="Seconds between the compute's refreshes of one of "
                    "its servers' network info cache from the network "
                    "service ([network] provider = neutron), one server "
                    "per run in turn, so ports changed outside Stratus "
                    "(a floating IP, a deleted port) show in the "
                    "server's addresses; 0 or less disables."),
]

_PIN_HELP = (
    "Newest %s RPC API version this process sends, and the objects of "
    "that version's release, while %ss older than this process still run "
    "(rolling upgrades): a version ('1.12'), a release ('0.1.0'), or "
    "'auto': what the oldest %s service recorded in the cells' databases "
    "speaks (read at start and again on SIGHUP). Unset: the newest this "
    "code speaks.")
UPGRADE_LEVELS_OPTS = [
    cfg.StrOpt(service, mutable=True,
               help=_PIN_HELP % (service, service, "nova-" + service))
    for service in ("compute", "conductor", "scheduler")
] + [
    cfg.StrOpt("network", mutable=True,
               help="Newest network agent RPC API version the computes "
                    "send to the built-in network service (a version or "
                    "a release; 'auto' is the newest: the network "
                    "service records no version). Unset: the newest."),
]

FAKE_DRIVER_OPTS = [
    cfg.IntOpt("nodes", default=1, min=1,
               help="Hypervisor nodes one fake compute service simulates "
                    "(one, as a real host has; more to simulate a large "
                    "cloud cheaply)."),
    cfg.IntOpt("vcpus", default=16, min=1, help="vCPUs of each fake node."),
    cfg.IntOpt("memory_mb", default=65536, min=1,
               help="Memory of each fake node."),
    cfg.IntOpt("local_gb", default=1024, min=1,
               help="Local disk of each fake node."),
    cfg.StrOpt("hypervisor_type", default="fake",
               help="Hypervisor type the fake nodes report."),
    cfg.IntOpt("hypervisor_version", default=1000,
               help="Hypervisor version the fake nodes report."),
    cfg.FloatOpt("spawn_delay", default=0.0, min=0.0,
                 help="Seconds a fake spawn takes."),
    cfg.StrOpt("fail_spawn_name_regex",
               help="Spawns of servers whose name matches this regex fail "
                    "(for tests of rescheduling and faults)."),
    cfg.IntOpt("live_migration_steps", default=5, min=1,
               help="Steps in which a fake live migration copies a guest "
                    "(each reports progress on the migration record)."),
    cfg.ListOpt("fail_operations", default=[],
                help="Driver operations that fail for every server "
                     "(spawn, power_off, power_on, reboot, pause, unpause, "
                     "suspend, resume, rescue, unrescue, snapshot, "
                     "set_admin_password, trigger_crash_dump, "
                     "inject_network_info, get_console_output, destroy), as a "
                     "hypervisor error would, for tests of failure paths."),
]


def register_opts(conf):
    conf.register_opts(COMPUTE_OPTS)
    conf.register_opts(FAKE_DRIVER_OPTS, group="fake_driver")
    conf.register_opts(UPGRADE_LEVELS_OPTS, group="upgrade_levels")


def list_opts():
    return [("DEFAULT", COMPUTE_OPTS), ("fake_driver", FAKE_DRIVER_OPTS),
            ("upgrade_levels", UPGRADE_LEVELS_OPTS)]
