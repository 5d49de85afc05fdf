from oslo_config import cfg

QUOTA_OPTS = [
    cfg.IntOpt("instances", default=10, min=-1,
               help="Servers per project; -1 is unlimited."),
    cfg.IntOpt("cores", default=20, min=-1, help="vCPUs per project."),
    cfg.IntOpt("ram", default=50 * 1024, min=-1,
               help="Megabytes of RAM per project."),
    cfg.IntOpt("metadata_items", default=128, min=-1,
               help="Metadata items per server."),
    cfg.IntOpt("key_pairs", default=100, min=-1, help="Keypairs per user."),
    cfg.IntOpt("server_groups", default=10, min=-1,
               help="Server groups per project."),
    cfg.IntOpt("server_group_members", default=10, min=-1,
               help="Servers per server group."),
    cfg.IntOpt("injected_files", default=5, min=-1,
               help="Injected files per server."),
    cfg.IntOpt("injected_file_content_bytes", default=10 * 1024, min=-1,
               help="Bytes per injected file."),
    cfg.IntOpt("injected_file_path_length", default=255, min=-1,
               help="Characters per injected file path."),
    cfg.BoolOpt("count_usage_from_placement", default=False,
                help="Nova's option: count the vCPUs and RAM in use from "
                     "placement's allocations (and servers from the "
                     "instance mappings, as always) instead of the cell "
                     "databases, so that usage stays right while a cell is "
                     "down. A resize counts both flavors until confirmed "
                     "or reverted; shelved-offloaded servers count no vCPUs "
                     "or RAM."),
    cfg.BoolOpt("recheck_quota", default=True,
                help="Count again after creating resources, so parallel "
                     "requests cannot exceed a quota."),
]


def register_opts(conf):
    conf.register_opts(QUOTA_OPTS, group="quota")


def list_opts():
    return [("quota", QUOTA_OPTS)]
