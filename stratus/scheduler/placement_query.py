"""PreFilter: the request as a placement query.

Nova's scheduler asks placement for allocation candidates and filters and
weighs only the hosts it offers; Stratus does the same, in-process. The
query holds the resources of one server and what the request pre-filters
(``stratus.scheduler.prefilters``: traits, compute status, availability
zone, tenant aggregates, image type, image properties, isolated
aggregates) ask; at most ``[scheduler] max_placement_results``
candidates, drawn at random from the whole cloud when ``[placement]
randomize_allocation_candidates`` is set (otherwise in provider order, as
Nova's placement).
"""
from stratus.placement import candidates
from stratus.scheduler import prefilters


def candidate_query(ctx, conf, spec, resources):
    wanted = prefilters.placement_request(ctx, conf, spec)
    return candidates.CandidateQuery(
        groups=[candidates.RequestGroup(
            resources=dict(resources),
            required=[{name} for name in sorted(wanted.required)],
            forbidden=wanted.forbidden - wanted.required,
            member_of=wanted.member_of,
            forbidden_aggregates=wanted.forbidden_aggregates)],
        limit=conf.scheduler.max_placement_results,
        randomize=conf.placement.randomize_allocation_candidates,
        summary_traits=False)
