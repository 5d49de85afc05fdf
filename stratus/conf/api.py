from oslo_config import cfg

# Listening addresses keep Nova's option names and default to loopback:
# nothing Stratus starts on its own may be reachable from beyond the machine.
LISTEN_OPTS = [
    cfg.StrOpt("osapi_compute_listen", default="127.0.0.1",
               help="Address the Compute API listens on."),
    cfg.PortOpt("osapi_compute_listen_port", default=8774,
                help="Port of the Compute API."),
    cfg.ListOpt("enabled_apis", default=["osapi_compute"],
                item_type=cfg.types.String(choices=["osapi_compute",
                                                    "metadata"]),
                help="APIs `stratus api` serves: add metadata to serve the "
                     "metadata service too (the all-in-one serves it "
                     "whenever the built-in network provider is used)."),
    cfg.StrOpt("metadata_listen",
               help="Address the metadata service of `stratus api` listens "
                    "on; by default [network] metadata_address, where "
                    "guests on this machine's bridge reach it."),
    cfg.PortOpt("metadata_listen_port",
                help="Its port; by default [network] metadata_port."),
    cfg.IntOpt("osapi_compute_workers", default=16, min=1,
               help="Threads serving the Compute, Placement, Identity and "
                    "Image APIs (per listener)."),
]

API_OPTS = [
    cfg.StrOpt("auth_strategy", default="keystone",
               choices=["keystone", "builtin", "noauth"],
               help="keystone (the default, as in Nova): keystonemiddleware "
                    "validates tokens against the Keystone named in "
                    "[keystone_authtoken]; without one every request is "
                    "refused. builtin: Stratus's own Identity v3 token "
                    "service (the all-in-one's default). noauth: NO "
                    "authentication, token 'user:project', admin if the user "
                    "is 'admin' (development and tests only; logged as a "
                    "warning at start)."),
    cfg.IntOpt("max_limit", default=1000, min=1,
               help="Largest number of items one list request returns."),
    cfg.StrOpt("compute_link_prefix",
               help="Base URL in links of Compute API responses; by default "
                    "the request's host URL."),
    cfg.StrOpt("glance_link_prefix",
               help="Base URL of image links in Compute API responses."),
    cfg.IntOpt("instance_list_per_project_cells", default=0,
               help="Unused; kept for Nova option compatibility."),
    cfg.BoolOpt("list_records_by_skipping_down_cells", default=True,
                help="Nova's option: lists of servers leave out the cells "
                     "that do not answer (their servers shown as minimal "
                     "records from 2.69). False: such a list fails with "
                     "503 instead."),
    cfg.FloatOpt("list_records_cell_timeout", default=60.0, min=0.1,
                 help="Seconds a list of servers waits for the cell "
                      "databases, read all at once; a cell that has not "
                      "answered by then counts as down for that list (Nova: "
                      "the fixed CELL_TIMEOUT of 60 seconds)."),
    cfg.StrOpt("project_id_regex", default=r"[0-9a-f\-]+",
               help="What the legacy project id segment of a Compute API "
                    "URL (/v2.1/{project_id}/servers) may look like, as "
                    "Nova's option: any other segment is a path of its own "
                    "(404 when unknown). Widen it if project ids are not "
                    "hexadecimal (noauth names such as 'demo')."),
]

PLACEMENT_LISTEN_OPTS = [
    cfg.StrOpt("listen", default="127.0.0.1",
               help="Address the Placement API listens on."),
    cfg.PortOpt("port", default=8778, help="Port of the Placement API."),
]


def register_opts(conf):
    conf.register_opts(LISTEN_OPTS)
    conf.register_opts(API_OPTS, group="api")
    conf.register_opts(PLACEMENT_LISTEN_OPTS, group="placement_api")


def list_opts():
    return [("DEFAULT", LISTEN_OPTS), ("api", API_OPTS),
            ("placement_api", PLACEMENT_LISTEN_OPTS)]
