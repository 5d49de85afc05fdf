"""Isolated aggregates: with ``[scheduler]
enable_isolated_aggregate_filtering``, an aggregate whose metadata has
``trait:<NAME>=required`` keeps out every request that does not require
all such traits of it (by flavor, image or the image pre-filter), as
Nova: its hosts become a forbidden aggregate (``member_of=!in:``) for
that request. So hosts with costly hardware (``trait:CUSTOM_GPU=required``)
take only the servers that ask for it."""
from stratus.scheduler.prefilters import traits

TRAIT_PREFIX = traits.TRAIT_PREFIX
REQUIRED = traits.REQUIRED


def apply(ctx, conf, spec, query):
    if not conf.scheduler.enable_isolated_aggregate_filtering:
        return
    for aggregate in query.aggregates(ctx):
        if any(key.startswith(TRAIT_PREFIX) and value == REQUIRED
               and key[len(TRAIT_PREFIX):] not in query.required
               for key, value in aggregate.metadata.items()):
            query.forbidden_aggregates.add(aggregate.uuid)
