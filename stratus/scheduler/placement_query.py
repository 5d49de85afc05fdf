"""PreFilter: the request as a placement query.

Nova's scheduler asks placement for allocation candidates and filters and
weighs only the hosts it offers; Stratus does the same in-process. The
query holds the resources of one server, the traits the flavor and image
require or forbid (``trait:<NAME>=required|forbidden``), and always
forbids ``COMPUTE_STATUS_DISABLED`` (Nova's compute status pre-filter);
at most ``[scheduler] max_placement_results`` candidates, drawn at random
from the whole cloud when ``[placement] randomize_allocation_candidates``
is set (otherwise in provider order, as Nova's placement).
"""
import os_traits

from stratus.placement import candidates

TRAIT_PREFIX = "trait:"
REQUIRED = "required"
FORBIDDEN = "forbidden"


def candidate_query(conf, spec, resources):
    required, forbidden = traits_of(spec)
    forbidden.add(os_traits.COMPUTE_STATUS_DISABLED)
    return candidates.CandidateQuery(
        groups=[candidates.RequestGroup(
            resources=dict(resources),
            required=[{name} for name in sorted(required)],
            forbidden=forbidden - required)],
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
