"""ComputeCapabilitiesFilter: the flavor's extra specs that speak of host
capabilities hold on the host.

A key ``capabilities:<attr>[:<key>...]`` names a host state attribute
(``hypervisor_type``, ``hypervisor_version``, ``cpu_info``, ``free_ram_mb``,
``num_instances``, ...; a name the host state lacks is looked up in the
node's ``stats``) and keys into it, JSON text (``cpu_info``) being parsed
on the way: ``capabilities:cpu_info:arch``. An unscoped key counts too when
the host state has an attribute (or stat) of that name; keys of any other
scope (``hw:``, ``resources:``, ...) are someone else's. The value is a
requirement in the extra spec operators (see extra_specs_ops); a
capability the host does not have fails.
"""
import json

from stratus.scheduler.filters import extra_specs_ops

SCOPE = "capabilities"


class ComputeCapabilitiesFilter:

    def __init__(self, conf):
        pass

    def for_request(self, ctx, spec):
        return self if _requirements(spec) else None

    def host_passes(self, host_state, spec, resources):
        for scope, requirement, unscoped in _requirements(spec):
            if unscoped and not (hasattr(host_state, scope[0])
                                 or scope[0] in host_state.stats):
                continue
            capability = capability_of(host_state, scope)
            if capability is None or not extra_specs_ops.match(
                    str(capability), requirement):
                return False
        return True


def _requirements(spec):
    """[(attribute path, requirement, unscoped)] of the flavor's extra
    specs this filter checks."""
    found = []
    for key, requirement in (spec.flavor.get("extra_specs") or {}).items():
        scope = key.split(":")
        if len(scope) == 1:
            found.append((scope, requirement, True))
        elif scope[0] == SCOPE and len(scope) > 1:
            found.append((scope[1:], requirement, False))
    return found


def capability_of(host_state, scope):
    """The value at the attribute path, or None."""
    value = host_state
    for name in scope:
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                return None
        if isinstance(value, dict):
            value = value.get(name)
        elif value is host_state:
            found = getattr(value, name, None)
            value = found if found is not None else value.stats.get(name)
        else:
            return None
        if value is None:
            return None
    return value
