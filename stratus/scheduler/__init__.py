"""The scheduler: picks hosts for servers and claims their resources.

The pipeline of one request: read the hosts (HostManager), keep those
every enabled filter passes (filters/), rank them (weighers/), then claim
in placement on the best host (the claim re-checks capacity atomically;
a host that no longer fits is skipped) and add alternates for reschedules.
"""
import importlib


def load_plugins(conf, names, modules, package, kind):
    """Instances (built with conf) of the classes named, each from its
    module in modules ({class name: module name}) under package."""
    plugins = []
    for name in names:
        if name not in modules:
            raise ValueError("Unknown scheduler %s %r; available: %s"
                             % (kind, name, ", ".join(sorted(modules))))
        module = importlib.import_module(package + "." + modules[name])
        plugins.append(getattr(module, name)(conf))
    return plugins


def for_request(plugins, ctx, spec):
    """The plugins as they apply to one request: a plugin with
    ``for_request(ctx, spec)`` is replaced by what that returns (itself,
    or an object holding what it read for the request), or left out when
    that is None (the request asks nothing of it)."""
    active = []
    for plugin in plugins:
        prepare = getattr(plugin, "for_request", None)
        if prepare is not None:
            plugin = prepare(ctx, spec)
        if plugin is not None:
            active.append(plugin)
    return active
