"""AggregateInstanceExtraSpecsFilter: the flavor's extra specs match the
metadata of the host's aggregates.

Keys scoped ``aggregate_instance_extra_specs:<key>`` and unscoped keys are
checked (other scopes, such as ``hw:`` or ``capabilities:``, are not):
the host's aggregates must set the key, and one of their values must meet
the requirement (extra spec operators, see extra_specs_ops).
"""
from stratus.scheduler.filters import extra_specs_ops
from stratus.scheduler.filters import utils

SCOPE = "aggregate_instance_extra_specs"


class AggregateInstanceExtraSpecsFilter:

    def __init__(self, conf):
        pass

    def for_request(self, ctx, spec):
        return self if _requirements(spec) else None

    def host_passes(self, host_state, spec, resources):
        requirements = _requirements(spec)
        if not requirements:
            return True
        metadata = utils.aggregate_metadata(host_state)
        for key, requirement in requirements:
            values = metadata.get(key)
            if not values or not any(extra_specs_ops.match(value, requirement)
                                     for value in values):
                return False
        return True


def _requirements(spec):
    found = []
    for key, requirement in (spec.flavor.get("extra_specs") or {}).items():
        scope = key.split(":", 1)
        if len(scope) > 1:
            if scope[0] != SCOPE:
                continue
            key = scope[1]
        found.append((key, requirement))
    return found
