"""[cinder]: how Stratus reaches the block storage service (Nova's
options: a real Cinder from the catalog, ``endpoint_template`` or
keystoneauth's ``endpoint_override``, with keystoneauth's auth and session
options for the service user), and the built-in block storage service's
own listener, files and default quotas (docs/volumes.md)."""
from oslo_config import cfg

from stratus.conf import keystoneauth

CLIENT_OPTS = [
    cfg.StrOpt("catalog_info", default="volumev3::publicURL",
               help="Where the block storage service is found in the "
                    "service catalog, as <service_type>:<service_name>:"
                    "<interface> (Nova's option; block-storage is "
                    "accepted for volumev3)."),
    cfg.StrOpt("endpoint_template",
               help="A URL for the block storage service with "
                    "%(project_id)s in it, used instead of the catalog "
                    "(Nova's option)."),
    cfg.StrOpt("os_region_name",
               help="Region of the block storage endpoint in the "
                    "catalog."),
    cfg.IntOpt("http_retries", default=3, min=0,
               help="Retries of a failed idempotent call to the block "
                    "storage service."),
    cfg.BoolOpt("cross_az_attach", default=True,
                help="A server may attach volumes of another availability "
                     "zone (False: the volume's zone must be the "
                     "server's, and volumes a build creates take the "
                     "server's zone), as Nova's option."),
    cfg.BoolOpt("debug", default=False,
                help="Log the block storage client's requests."),
]

SERVICE_OPTS = [
    cfg.StrOpt("listen", default="127.0.0.1",
               help="Address the built-in block storage service (Cinder "
                    "v3 API) listens on."),
    cfg.PortOpt("port", default=8776,
                help="Port of the built-in block storage service."),
    cfg.StrOpt("volumes_dir", default="",
               help="Directory of the built-in service's volume files; "
                    "empty: <state_path>/volumes."),
    cfg.StrOpt("volume_format", default="raw", choices=["raw", "qcow2"],
               help="File format of new volumes of the built-in "
                    "service."),
    cfg.StrOpt("default_volume_type", default="__DEFAULT__",
               help="The volume type a volume created without one gets "
                    "(Cinder's default_volume_type)."),
    cfg.StrOpt("storage_availability_zone", default="nova",
               help="The availability zone of the built-in service's "
                    "volumes (Cinder's option)."),
    cfg.IntOpt("backend_capacity_gb", default=1000, min=1,
               help="Capacity the built-in service reports and never "
                    "allocates beyond (sparse files)."),
]

# Cinder's [DEFAULT] quota defaults, for the built-in service.
QUOTA_DEFAULTS = {"volumes": 10, "snapshots": 10, "gigabytes": 1000,
                  "backups": 10, "backup_gigabytes": 1000, "groups": 10,
                  "per_volume_gigabytes": -1}
QUOTA_OPTS = [
    cfg.IntOpt("quota_%s" % resource, default=limit, min=-1,
               help="Default %s a project may have in the built-in block "
                    "storage service (-1: unlimited)." % resource)
    for resource, limit in QUOTA_DEFAULTS.items()
]

ADAPTER_DEFAULTS = {"service_type": "volumev3",
                    "valid_interfaces": ["public"]}


def _keystoneauth_opts():
    return keystoneauth.client_opts(ADAPTER_DEFAULTS)


def _cinder_opts():
    own = CLIENT_OPTS + SERVICE_OPTS + QUOTA_OPTS
    names = {opt.dest for opt in own}
    return own + [opt for opt in _keystoneauth_opts()
                  if opt.dest not in names]


def register_opts(conf):
    conf.register_opts(_cinder_opts(), group="cinder")


def list_opts():
    return [("cinder", _cinder_opts())]
