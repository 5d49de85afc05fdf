"""PreFilter: the request as a placement query.

Nova's scheduler asks placement for allocation candidates and filters and
weighs only the hosts it offers; Stratus does the same in-process. The
query holds the resources of one server, the traits the flavor and image
require or forbid (``trait:<NAME>=required|forbidden``), and always
forbids ``COMPUTE_STATUS_DISABLED`` (Nova's compute status pre-filter);
with ``[scheduler] query_placement_for_availability_zone``, a requested
zone becomes ``member_of`` its aggregates (host aggregates are mirrored
into placement; a zone without aggregates, such as the default one, is
left to AvailabilityZoneFilter); at most ``[scheduler] max_placement_results`` candidates, drawn at random
from the whole cloud when ``[placement] randomize_allocation_candidates``
is set (otherwise in provider order, as Nova's placement).
"""
import os_traits

from stratus.objects import aggregate as aggregate_obj
from stratus.placement import candidates

TRAIT_PREFIX = "trait:"
REQUIRED = "required"
FORBIDDEN = "forbidden"


def candidate_query(ctx, conf, spec, resources):
    required, forbidden = traits_of(spec)
    forbidden.add(os_traits.COMPUTE_STATUS_DISABLED)
    member_of = []
    zone = spec.get("availability_zone")
    if zone and conf.scheduler.query_placement_for_availability_zone:
        in_zone = {aggregate.uuid for aggregate
                   in aggregate_obj.AggregateList.get_all(ctx)
                   if aggregate.availability_zone == zone}
        if in_zone:
            member_of.append(in_zone)
    return candidates.CandidateQuery(
        groups=[candidates.RequestGroup(
            resources=dict(resources),
            required=[{name} for name in sorted(required)],
            forbidden=forbidden - required, member_of=member_of)],
        limit=conf.scheduler.max_placement_results,
        randomize=conf.placement.randomize_allocation_candidates)


def traits_of(spec):
    """({required trait}, {forbidden trait}) of the flavor's extra specs
    and the image's properties (an image can only require)."""
    required, forbidden = set(), set()
    for key, value in (spec.flavor.get("extra_specs") or {}).items():
        if key.startswith(TRAIT_PREFIX):
            {REQUIRED: required, FORBIDDEN: forbidden}.get(
                value, set()).add(key[len(TRAIT_PREFIX):])
    image = spec.get("image")
    properties = image.get("properties") if image is not None else None
    for key, value in (properties or {}).items():
        if key.startswith(TRAIT_PREFIX) and value == REQUIRED:
            required.add(key[len(TRAIT_PREFIX):])
    return required, forbidden
