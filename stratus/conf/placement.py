"""[placement]: how a cell conductor, which has no API database, reaches
the Placement REST API (Nova's options: keystoneauth's auth, session and
adapter options, service type ``placement``). The super conductor, the
scheduler and the all-in-one use placement's tables in-process instead.
The scheduler's own [placement] option is in stratus/conf/scheduler.py."""
from stratus.conf import keystoneauth

ADAPTER_DEFAULTS = {"service_type": "placement",
                    "valid_interfaces": ["internal", "public"]}


def _placement_opts():
    return keystoneauth.client_opts(ADAPTER_DEFAULTS)


def register_opts(conf):
    conf.register_opts(_placement_opts(), group="placement")


def list_opts():
    return [("placement", _placement_opts())]
