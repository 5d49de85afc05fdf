"""Option definitions, grouped by section.

Config is passed, never global: ``build_conf()`` returns a fresh
``ConfigOpts`` with every option registered, so a test can build as many
independent services as it likes in one process.
"""
from oslo_config import cfg

from stratus.conf import all_in_one
from stratus.conf import api
from stratus.conf import audit
from stratus.conf import cinder
from stratus.conf import compute
from stratus.conf import conductor
from stratus.conf import dataplane
from stratus.conf import console
from stratus.conf import database
from stratus.conf import default
from stratus.conf import identity
from stratus.conf import image
from stratus.conf import libvirt
from stratus.conf import liveness
from stratus.conf import network
from stratus.conf import neutron
from stratus.conf import notifications
from stratus.conf import nova
from stratus.conf import operations
from stratus.conf import oslo_middleware
from stratus.conf import placement
from stratus.conf import quota
from stratus.conf import scheduler

MODULES = [default, api, database, compute, scheduler, quota, identity, image,
           libvirt, network, neutron, nova, console, notifications, conductor,
           oslo_middleware, operations, all_in_one, liveness, dataplane,
           cinder, placement, audit]


def register_all(conf):
    for module in MODULES:
        module.register_opts(conf)
    # oslo.messaging registers its own options on first use; registering
    # them now lets config files and tests set them before any transport.
    from oslo_messaging import opts as messaging_opts
    for group, opts in messaging_opts.list_opts():
        conf.register_opts(opts, group=group)
    # oslo.messaging 18 reads [oslo_messaging_tracing] and
    # [oslo_messaging_metrics] on every RPC call but registers them on its
    # global CONF only.
    try:
        from oslo_messaging._metrics import client as metrics
        from oslo_messaging._tracing import client as tracing
    except ImportError:
        return
    conf.register_opts(tracing.oslo_messaging_tracing,
                       group="oslo_messaging_tracing")
    conf.register_opts(metrics.oslo_messaging_metrics,
                       group="oslo_messaging_metrics")


def build_conf(args=None, config_files=None, overrides=None):
    """A new ConfigOpts with all Stratus options, parsed from files/args."""
    conf = cfg.ConfigOpts()
    register_all(conf)
    conf(args=args or [], project="stratus",
         default_config_files=config_files or [],
         default_config_dirs=[], validate_default_values=True)
    for (group, name), value in (overrides or {}).items():
        conf.set_override(name, value, group=group)
    return conf


def list_opts():
    """For oslo-config-generator: every option by group."""
    result = []
    for module in MODULES:
        result.extend(module.list_opts())
    return result
