"""AggregateTypeAffinityFilter: hosts in aggregates with ``instance_type``
metadata (flavor names, comma-separated) take only those flavors; other
hosts take every flavor."""


class AggregateTypeAffinityFilter:

    def __init__(self, conf):
        pass

    def host_passes(self, host_state, spec, resources):
        values = host_state.aggregate_values("instance_type")
        if not values:
            return True
        name = spec.flavor.name
        return any(name in [part.strip() for part in value.split(",")]
                   for value in values)
